// validate's OGC polygon verdicts equal GEOS's, feature for feature, on tilesets written without
// polygon repair (so that they hold invalid polygons: rounding makes some): the US counties z0–5 and
// the world's countries z0–3. GEOS (through GDAL's Python bindings) judges each polygon feature in
// the tile's own integer coordinates, its rings grouped by the MVT rule (a positive area starts a
// polygon) and decoded by @mapbox/vector-tile, not by our walk. And what we build with repair
// validates clean.
// Run from source: node --import tsx --test test/validate-geos.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { prepareData } from '../../bench/data.js';
import { validatePath } from '../../src/inspect/validate-tileset.js';
import { haveGdal } from './gdal-helpers.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const PYTHON = '/usr/bin/python3';
const haveGeos = haveGdal && spawnSync(PYTHON, ['-c', 'from osgeo import ogr'], { encoding: 'utf8' }).status === 0;
if (!haveGeos && process.env.REQUIRE_GDAL === '1') throw new Error("REQUIRE_GDAL=1 but GDAL's Python bindings are missing (apt-get install python3-gdal)");
const skip = !haveGeos && 'GDAL with its Python bindings (python3-gdal) not installed';

/** Every polygon feature of a tileset directory as `z/x/y#index<TAB>WKT` in tile coordinates. */
function polygonWkt(dir: string): string[] {
  const lines: string[] = [];
  for (const z of readdirSync(dir).filter((d) => /^\d+$/.test(d))) {
    for (const x of readdirSync(join(dir, z))) {
      for (const file of readdirSync(join(dir, z, x))) {
        let buf = readFileSync(join(dir, z, x, file));
        if (buf[0] === 0x1f) buf = gunzipSync(buf);
        for (const layer of Object.values(new VectorTile(new PbfReader(buf)).layers)) {
          for (let i = 0; i < layer.length; i++) {
            const f = layer.feature(i);
            if (f.type !== 3) continue;
            const polygons: string[][] = [];
            for (const ring of f.loadGeometry()) {
              let a = 0;
              for (let k = 1; k < ring.length; k++) a += (ring[k - 1].x - ring[k].x) * (ring[k].y + ring[k - 1].y);
              const text = `(${ring.map((p) => `${p.x} ${p.y}`).join(',')})`;
              if (a > 0 || !polygons.length) polygons.push([text]);
              else polygons[polygons.length - 1].push(text);
            }
            lines.push(`${z}/${x}/${file.split('.')[0]}#${i}\tMULTIPOLYGON(${polygons.map((p) => `(${p.join(',')})`).join(',')})`);
          }
        }
      }
    }
  }
  return lines;
}

async function compare(name: string, dir: string, minInvalid: number): Promise<void> {
  const lines = polygonWkt(dir);
  const geos = JSON.parse(execFileSync(PYTHON, [join(ROOT, 'test/e2e/tools/geos-wkt.py')], { input: lines.join('\n'), encoding: 'utf8', maxBuffer: 1 << 28 })) as { checked: number; invalid: Record<string, string> };
  const report = await validatePath(dir, { maxFindings: Infinity });
  const ours = new Map<string, string>();
  for (const f of report.findings) if (f.severity === 'error' && f.feature !== undefined) ours.set(`${f.tile}#${f.feature}`, `${f.rule}: ${f.message}`);
  const theirs = new Set(Object.keys(geos.invalid));
  const onlyOurs = [...ours].filter(([k]) => !theirs.has(k)), onlyGeos = [...theirs].filter((k) => !ours.has(k));
  process.stdout.write(`${name}: ${geos.checked} polygons, GEOS finds ${theirs.size} invalid, validate ${ours.size}; ${JSON.stringify(report.byRule)}\n`);
  assert.equal(report.polygons, geos.checked);
  assert.ok(theirs.size >= minInvalid, `${name}: enough invalid polygons to compare (${theirs.size})`);
  assert.deepEqual(onlyOurs.slice(0, 5), [], `${name}: invalid for validate, valid for GEOS`);
  assert.deepEqual(onlyGeos.slice(0, 5).map((k) => `${k}: ${geos.invalid[k]}`), [], `${name}: invalid for GEOS, valid for validate`);
  // Nothing but polygon rules: the tiles themselves are sound.
  assert.deepEqual(Object.keys(report.byRule).filter((r) => !r.startsWith('polygon-')), []);
}

test('US counties z0–5 written unrepaired: validate and GEOS find the same polygons invalid; repaired, none', { skip, timeout: 10 * 60_000 }, async () => {
  const { 'counties.geojson': counties } = prepareData(undefined, ['counties.geojson']);
  const dir = tempDir();
  assert.equal(runCli([counties, '-o', join(dir, 'raw'), '-z', '5', '-q', '--no-polygon-repair']).status, 0);
  await compare('counties', join(dir, 'raw'), 100);
  assert.equal(runCli([counties, '-o', join(dir, 'repaired'), '-z', '5', '-q']).status, 0);
  const r = runCli(['validate', join(dir, 'repaired'), '--json']);
  assert.equal(r.status, 0, r.stdout.slice(0, 2000));
  assert.deepEqual(JSON.parse(r.stdout).byRule, {});
});

test("world countries z0–3 written unrepaired: validate and GEOS find the same polygons invalid", { skip, timeout: 10 * 60_000 }, async () => {
  const { 'countries.geojson': countries } = prepareData(undefined, ['countries.geojson']);
  const dir = tempDir();
  assert.equal(runCli([countries, '-o', join(dir, 'raw'), '-z', '3', '-q', '--no-polygon-repair', '--no-tiny-polygon-reduction']).status, 0);
  await compare('countries', join(dir, 'raw'), 300);
});
