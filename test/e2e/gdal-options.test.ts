// GDAL's own MVT writer tests (autotest/ogr/ogr_mvt.py), replayed against our CLI: CONF, MAX_SIZE,
// MAX_FEATURES, MBTiles, and the option errors. Read back with GDAL where it is installed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gdalFeatures, haveGdal } from './gdal-helpers.js';
import { listTiles, readTile, runCli, tempDir } from '../helpers.js';


/** A GeoJSON layer in EPSG:3857 coordinates, as GDAL's tests build them in memory. */
function layer(dir: string, name: string, features: { geometry: unknown; properties?: Record<string, unknown> }[]): string {
  const path = join(dir, `${name}.geojson`);
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', properties: f.properties ?? {}, geometry: f.geometry })) }));
  return path;
}

const gdalRead = (path: string, ...args: string[]) => gdalFeatures(path, ...args).map((f) => f.geometry!);

const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
const LONG = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

test('CONF maps a layer to TheLayer at zooms 1..2, given as JSON or as a file (test_ogr_mvt_write_conf)', () => {
  const dir = tempDir();
  const src = layer(dir, 'mylayer', [{ geometry: { type: 'Point', coordinates: [500000, 1000000] } }]);
  const conf = JSON.stringify({ mylayer: { target_name: 'TheLayer', description: 'the layer', minzoom: 1, maxzoom: 2 } });
  const confFile = join(dir, 'conf.json');
  writeFileSync(confFile, conf);
  for (const c of [conf, confFile]) {
    const out = join(dir, 'out');
    const r = runCli([src, '-o', out, '--s-srs', 'EPSG:3857', '--conf', c, '--force', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual([...new Set(listTiles(out).map((t) => t.split('/')[0]))], ['1', '2'], 'only zooms 1..2');
    const json = JSON.parse(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).json);
    assert.deepEqual(json.vector_layers, [{ id: 'TheLayer', description: 'the layer', minzoom: 1, maxzoom: 2, fields: {} }]);
    assert.deepEqual(json.tilestats, { layerCount: 1, layers: [{ layer: 'TheLayer', count: 1, geometry: 'Point', attributeCount: 0, attributes: [] }] });
    if (haveGdal) {
      const [g] = gdalRead(join(out, '1'), 'TheLayer');
      assert.equal(g.type, 'MultiPoint');
      assert.ok(near((g.coordinates as number[][])[0], [498980.920645632, 997961.84129126]));
    }
  }
});

test('CONF: two source layers feed one target layer at different zoom ranges', () => {
  const dir = tempDir();
  const lod0 = layer(dir, 'boundaries_lod0', [{ geometry: { type: 'LineString', coordinates: [[0, 0], [4000000, 4000000]] }, properties: { lod: 0 } }]);
  const lod1 = layer(dir, 'boundaries_lod1', [{ geometry: { type: 'LineString', coordinates: [[0, 0], [2000000, 4000000], [4000000, 4000000]] }, properties: { lod: 1 } }]);
  const conf = JSON.stringify({
    boundaries_lod0: { target_name: 'boundaries', description: 'Country boundaries', minzoom: 0, maxzoom: 2 },
    boundaries_lod1: { target_name: 'boundaries', minzoom: 3, maxzoom: 5 },
  });
  const out = join(dir, 'out');
  const r = runCli([lod0, lod1, '-o', out, '--s-srs', 'EPSG:3857', '--conf', conf, '-q']);
  assert.equal(r.status, 0, r.stderr);
  for (const t of listTiles(out)) {
    const [z, x, y] = t.split('/').map(Number);
    const l = readTile(out, z, x, y).layers.boundaries;
    assert.equal(l.length, 1, t);
    assert.equal(l.feature(0).properties.lod, z <= 2 ? 0 : 1, t);
  }
  const json = JSON.parse(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).json);
  assert.deepEqual(json.vector_layers.map((l: { id: string; minzoom: number; maxzoom: number; description: string }) => [l.id, l.minzoom, l.maxzoom, l.description]), [['boundaries', 0, 5, 'Country boundaries']]);
});

test('MAX_SIZE: the tile is drawn at extent 128, then loses its smallest feature, and the summary says so', () => {
  const dir = tempDir();
  const src = layer(dir, 'mylayer', [
    { geometry: { type: 'Point', coordinates: [500000, 1000000] }, properties: { field: LONG } },
    { geometry: { type: 'LineString', coordinates: [[500000, 1000000], [510000, 1000000]] } },
  ]);
  const out = join(dir, 'out.mbtiles');
  const r = runCli([src, '-o', out, '--s-srs', 'EPSG:3857', '--simplification', '1', '--max-size', '101']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /zoom 5: 1 tile over --max-size\/--max-features, drawn at extent down to 128, 1 feature dropped for size/);
  const dirOut = join(dir, 'out');
  assert.equal(runCli([src, '-o', dirOut, '--s-srs', 'EPSG:3857', '--simplification', '1', '--max-size', '101', '-q']).status, 0);
  for (const t of listTiles(dirOut)) {
    // Within the limit, or down to the one largest feature (an empty tile would draw nothing)
    const [z, x, y] = t.split('/').map(Number);
    const n = readTile(dirOut, z, x, y).layers.mylayer.length;
    assert.ok(statSync(join(dirOut, t + '.pbf')).size <= 101 || n === 1, `${t}: within 101 bytes or a single feature`);
  }
  const z5 = readTile(dirOut, 5, 16, 15).layers.mylayer;
  assert.equal(z5.extent, 128);
  assert.equal(z5.length, 1, 'the line (largest) is kept, the point dropped');
  assert.equal(z5.feature(0).type, 2);
  if (haveGdal) {
    const [g] = gdalRead(out);
    assert.equal(g.type, 'MultiLineString');
    // GDAL truncates when it halves the extent, we round: within one unit at extent 128.
    const unit = 40075016.68557849 / 32 / 128;
    const within = (a: number[], b: number[]) => Math.abs(a[0] - b[0]) <= unit + 1e-6 && Math.abs(a[1] - b[1]) <= unit + 1e-6;
    const pts = (g.coordinates as number[][][])[0];
    assert.ok(within(pts[0], [498980.920645631, 1007745.78091176]) && within(pts[1], [508764.860266133, 1007745.78091176]), JSON.stringify(pts));
  }
});

test('MAX_SIZE with a polygon: its hole is lost at extent 128 (test_ogr_mvt_write_limitations_max_size_polygon)', { skip: !haveGdal && 'GDAL not installed' }, () => {
  const dir = tempDir();
  const src = layer(dir, 'mylayer', [{
    geometry: { type: 'Polygon', coordinates: [[[500000, 1000000], [510000, 1000000], [510000, 1010000], [500000, 1000000]], [[503000, 1003000], [507000, 1003000], [507000, 1005000], [503000, 1003000]]] },
    properties: { field: LONG },
  }]);
  const out = join(dir, 'out.mbtiles');
  assert.equal(runCli([src, '-o', out, '--s-srs', 'EPSG:3857', '--max-size', '100', '-q']).status, 0);
  const [g] = gdalRead(out);
  assert.equal(g.type, 'MultiPolygon');
  const rings = (g.coordinates as number[][][][])[0];
  assert.equal(rings.length, 1, 'no hole left');
  // GDAL truncates when it halves the extent, we round: vertices agree within one unit at extent 128.
  const unit = 40075016.68557849 / 32 / 128;
  const expected = [[498980.920645631, 1007745.78091176], [508764.860266133, 1017529.72053227], [508764.860266133, 1007745.78091176]];
  for (const p of expected) assert.ok(rings[0].some((q) => Math.abs(p[0] - q[0]) <= unit + 1e-6 && Math.abs(p[1] - q[1]) <= unit + 1e-6), `vertex ${p}`);
});

test('MAX_FEATURES=1 keeps the polygon (the largest), drops the point (test_ogr_mvt_write_limitations_max_features)', () => {
  const dir = tempDir();
  const src = layer(dir, 'mylayer', [
    { geometry: { type: 'Point', coordinates: [500000, 1000000] } },
    { geometry: { type: 'Polygon', coordinates: [[[500000, 1000000], [510000, 1000000], [510000, 1100000], [500000, 1000000]]] } },
  ]);
  const out = join(dir, 'out');
  const r = runCli([src, '-o', out, '--s-srs', 'EPSG:3857', '--max-features', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /zoom 5: 1 tile over --max-size\/--max-features, 1 feature dropped for count/);
  for (const t of listTiles(out)) {
    const [z, x, y] = t.split('/').map(Number);
    const l = readTile(out, z, x, y).layers.mylayer;
    assert.equal(l.length, 1, t);
    assert.equal(l.feature(0).type, 3, `${t}: the polygon`);
  }
  if (haveGdal) {
    const gs = gdalRead(join(out, '5'));
    assert.equal(gs.length, 1);
    const ring = (gs[0].coordinates as number[][][][])[0][0];
    for (const p of [[499898.164985053, 1000102.07808325], [509987.852718696, 1100081.71108026], [509987.852718696, 1000102.07808325]]) {
      assert.ok(ring.some((q) => near(p, q)), `vertex ${p}`);
    }
  }
});

test('option errors, as GDAL refuses them: clear message, exit 2, nothing written', () => {
  const dir = tempDir();
  const src = layer(dir, 'l', [{ geometry: { type: 'Point', coordinates: [0, 0] } }]);
  const cases: [string[], RegExp][] = [
    [['-Z', '-1'], /minzoom must be an integer 0\.\.30, got -1/],
    [['-Z', '31'], /minzoom must be an integer 0\.\.30, got 31/],
    [['-z', '-1'], /maxzoom must be an integer 0\.\.30, got -1/],
    [['-z', '31'], /maxzoom must be an integer 0\.\.30, got 31/],
    [['-Z', '1', '-z', '0'], /minzoom \(1\) must not be greater than maxzoom \(0\)/],
    [['--conf', '{ foo bar'], /--conf: invalid JSON/],
    [['--conf', join(dir, 'missing.json')], /--conf: cannot read .*no such file/],
    [['--conf', '{"l": {"minzoom": 3, "maxzoom": 2}}'], /conf: layer "l" has minzoom 3 > maxzoom 2/],
    [['--tiling-scheme', 'EPSG:4326'], /4 or 6 comma-separated parts\), got 1/],
    [['--tiling-scheme', 'EPSG:4326,-180,180,360', '-o', join(dir, 'x.mbtiles')], /MBTiles holds only Web Mercator tiles/],
    [['--format', 'mbtiles', '-o', join(dir, 'x.bar')], /MBTiles output needs a file name ending in \.mbtiles/],
    [['--max-size', '10'], /max-size must be an integer 100\.\./],
    [['--max-features', '0'], /max-features must be an integer 1\.\./],
    [['--compress-level', '0'], /compress-level must be an integer 1\.\.9, got 0/],
    [['--compress-level', '10'], /compress-level must be an integer 1\.\.9, got 10/],
    [['--bounds', '1,2,3'], /bounds must be 4 comma-separated numbers/],
    [['--bounds', '10,0,5,1'], /bounds must be minlon,minlat,maxlon,maxlat with min <= max/],
    [['--center', '1,2'], /center must be 3 comma-separated numbers/],
  ];
  for (const [args, re] of cases) {
    const r = runCli([src, '-o', join(dir, 'out'), ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  assert.deepEqual(readdirSync(dir).sort(), ['l.geojson'], 'nothing written');
});

test('--bounds and --center override the metadata; --type baselayer', () => {
  const dir = tempDir();
  const src = layer(dir, 'l', [{ geometry: { type: 'Point', coordinates: [0, 0] } }]);
  const out = join(dir, 'out');
  assert.equal(runCli([src, '-o', out, '--bounds', '-10,-5,10,5', '--center', '1,2,3', '--type', 'baselayer', '-q']).status, 0);
  const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
  assert.equal(meta.bounds, '-10.0000000,-5.0000000,10.0000000,5.0000000');
  assert.equal(meta.center, '1.0000000,2.0000000,3');
  assert.equal(meta.type, 'baselayer');
  assert.ok(existsSync(join(out, '0/0/0.pbf')));
});
