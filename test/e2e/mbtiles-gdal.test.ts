// The MBTiles file read back through real GDAL like the directory output (GDAL 3.6.2 on Debian is the
// oldest reader we must satisfy). The file itself: test/unit/mbtiles.test.ts.
// Run from source: node --import tsx --test test/e2e/mbtiles-gdal.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers.js';
import { buildBoth, Database, type ReadDb } from '../mbtiles-build.js';
import { skip } from './gdal-helpers.js';

const built = buildBoth();
const builtPlain = buildBoth({ dedupe: false });
// Awaited by the tests; a failure must show there, not as an unhandled rejection at load time.
built.catch(() => {});
builtPlain.catch(() => {});

const STRICT = ['--config', 'OGR_MVT_ENFORE_EXTERNAL_RING_IS_CLOCKWISE', 'YES'];

/** Layers with their geometry type, feature count and fields as `ogrinfo -al -so` prints them. */
function gdalLayers(path: string, ...args: string[]): Record<string, { geometry: string; count: number; fields: Record<string, string> }> {
  const r = spawnSync('ogrinfo', [...STRICT, '-ro', '-al', '-so', path, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ogrinfo ${path}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /ERROR/, r.stderr);
  const out: ReturnType<typeof gdalLayers> = {};
  for (const block of r.stdout.split(/^Layer name: /m).slice(1)) {
    const fields: Record<string, string> = {};
    for (const m of block.matchAll(/^(\w+): (\w+(?:\(\w+\))?) \(/gm)) fields[m[1]] = m[2];
    out[block.split('\n')[0]] = { geometry: /^Geometry: (.*)$/m.exec(block)![1], count: Number(/^Feature Count: (\d+)/m.exec(block)![1]), fields };
  }
  return out;
}

/** One layer's features as GeoJSON strings (order-free), read with ogr2ogr. */
function gdalFeatures(path: string, layer: string, ...args: string[]): string[] {
  const r = spawnSync('ogr2ogr', [...STRICT, '-f', 'GeoJSON', '/vsistdout/', path, layer, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ogr2ogr ${path} ${layer}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /ERROR/, r.stderr);
  const features = (JSON.parse(r.stdout) as { features: unknown[] }).features;
  return features.map((f) => JSON.stringify(f)).sort();
}

test('GDAL reads the MBTiles file like the directory: layers, fields, types, features at max zoom', { skip }, async () => {
  for (const { dir, mbtiles } of [await built, await builtPlain]) {
    const info = execFileSync('ogrinfo', ['-ro', '-so', mbtiles], { encoding: 'utf8' });
    assert.match(info, /using driver `MBTiles' successful/);
    const layers = gdalLayers(mbtiles);
    assert.deepEqual(Object.keys(layers), ['finland-sample', 'all-types']);
    assert.deepEqual(layers, gdalLayers(join(dir, '5')));
    assert.deepEqual(layers['all-types'].fields, {
      mvt_id: 'Integer64', strfield: 'String', intfield: 'Real', int64field: 'Real', realfield: 'Real',
      datefield: 'String', datetimefield: 'String', boolfield: 'Integer(Boolean)',
    });
    assert.equal(layers['finland-sample'].fields.capital, 'Integer(Boolean)');
    for (const layer of Object.keys(layers)) {
      const a = gdalFeatures(mbtiles, layer);
      assert.ok(a.length > 0, layer);
      assert.deepEqual(a, gdalFeatures(join(dir, '5'), layer), `features of ${layer}`);
    }
    const helsinki = gdalFeatures(mbtiles, 'finland-sample').map((s) => JSON.parse(s) as { properties: Record<string, unknown> })
      .find((f) => f.properties.name === 'Helsinki')!;
    assert.deepEqual(helsinki.properties, { mvt_id: 1, name: 'Helsinki', population: 674500, capital: true, founded: '1550-06-12', area_km2: 715.48 });
  }
});

test('GDAL opens another zoom with -oo ZOOM_LEVEL=2, same features as DIR/2', { skip }, async () => {
  const { dir, mbtiles } = await built;
  const info = execFileSync('ogrinfo', ['-ro', '-so', mbtiles, '-oo', 'ZOOM_LEVEL=2'], { encoding: 'utf8' });
  assert.match(info, /ZOOM_LEVEL=2/);
  assert.deepEqual(gdalLayers(mbtiles, '-oo', 'ZOOM_LEVEL=2'), gdalLayers(join(dir, '2')));
  for (const layer of ['finland-sample', 'all-types']) {
    assert.deepEqual(gdalFeatures(mbtiles, layer, '-oo', 'ZOOM_LEVEL=2'), gdalFeatures(join(dir, '2'), layer), layer);
  }
});

test('GDAL needs the format=pbf and json rows: without either it opens no vector layer', { skip }, async () => {
  const { mbtiles } = await built;
  for (const row of ['format', 'json']) {
    const copy = join(tempDir(), 'copy.mbtiles');
    writeFileSync(copy, readFileSync(mbtiles));
    const db = new Database(copy, { readonly: false }) as ReadDb & { exec(sql: string): void };
    db.exec(`DELETE FROM metadata WHERE name = '${row}'`);
    db.close();
    const out = spawnSync('ogrinfo', ['-ro', '-so', '-al', copy], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(out, /Layer name:/, `without ${row}`);
  }
});
