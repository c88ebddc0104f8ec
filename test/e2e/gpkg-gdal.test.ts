// GeoPackage in, compared with GDAL: `mvt-build x.gpkg` and `ogr2ogr -f MVT` on the same file and
// options must read back the same (ids, attributes, geometries), in Web Mercator and in a
// national grid (SWEREF 99 TM, EPSG:3006).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareTilesets, gdalFeatures, gdalSchema, skip } from './gdal-helpers.js';
import { fixture, listTiles, readTile, runCli, tempDir } from '../helpers.js';

const SWEREF_SCHEME = 'EPSG:3006,-1200000,8500000,4194304';

test('GeoPackage → Web Mercator: same as ogr2ogr -f MVT -preserve_fid', { skip }, () => {
  const dir = tempDir();
  const gpkg = join(dir, 'all.gpkg');
  execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, fixture('all-types.geojson'), '-nln', 'things', '-preserve_fid'], { stdio: 'pipe' });
  const ours = join(dir, 'ours');
  const gdal = join(dir, 'gdal');
  const r = runCli([gpkg, '-o', ours, '-z', '4', '--simplification', '0', '--no-tiny-polygon-reduction', '-q']);
  assert.equal(r.status, 0, r.stderr);
  execFileSync('ogr2ogr', ['-f', 'MVT', gdal, gpkg, '-preserve_fid', '-dsco', 'MAXZOOM=4'], { stdio: 'pipe' });
  compareTilesets(ours, gdal, 4, 40075016.68557849);
  const p = gdalFeatures(join(ours, '0')).find((f) => f.properties.mvt_id === 123)!;
  assert.deepEqual(p.properties, {
    mvt_id: 123, strfield: 'foo', intfield: -1, int64field: 123456789012345, realfield: 1.25,
    datefield: '2018-02-01', datetimefield: '2018-02-01T12:34:56', boolfield: true,
  });
});

test('GeoPackage in SWEREF 99 TM, tiled in a matching custom scheme: same as GDAL, EPSG:3006 read back', { skip }, () => {
  const dir = tempDir();
  const ours = join(dir, 'ours');
  const gdal = join(dir, 'gdal');
  const r = runCli([fixture('sweden-sample.gpkg'), '-o', ours, '-z', '6', '--simplification', '0', '--tiling-scheme', SWEREF_SCHEME, '-q']);
  assert.equal(r.status, 0, r.stderr);
  execFileSync('ogr2ogr', ['-f', 'MVT', gdal, fixture('sweden-sample.gpkg'), '-preserve_fid', '-dsco', 'MAXZOOM=6', '-dsco', `TILING_SCHEME=${SWEREF_SCHEME}`], { stdio: 'pipe' });
  compareTilesets(ours, gdal, 6, 4194304);
  for (let z = 0; z <= 6; z++) assert.equal(gdalSchema(join(ours, String(z))).srs, '3006');
  // At zoom 6 a tile unit is 4194304 / 64 / 4096 = 16 m: Stockholm within half a unit
  const sthlm = gdalFeatures(join(ours, '6')).find((f) => f.properties.name === 'Stockholm')!;
  const [x, y] = (sthlm.geometry!.coordinates as number[][])[0];
  assert.ok(Math.abs(x - 674032) <= 8 && Math.abs(y - 6580821) <= 8, `${x} ${y}`);
  assert.equal(sthlm.properties.mvt_id, 1);
  assert.equal(sthlm.properties.capital, true);
});

test('--layer picks GeoPackage tables and --where filters rows', { skip }, () => {
  const dir = tempDir();
  const gpkg = join(dir, 'two.gpkg');
  execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, fixture('all-types.geojson'), '-nln', 'things'], { stdio: 'pipe' });
  execFileSync('ogr2ogr', ['-f', 'GPKG', '-update', gpkg, fixture('finland-sample.geojson'), '-nln', 'places'], { stdio: 'pipe' });
  const out = join(dir, 'out');
  const r = runCli([gpkg, '-o', out, '-z', '2', '--layer', 'places', '--where', 'population > 200000', '-q']);
  assert.equal(r.status, 0, r.stderr);
  const names = gdalFeatures(join(out, '0'), 'places').map((f) => f.properties.name).sort();
  assert.deepEqual(names, ['Helsinki', 'Oulu', 'Tampere', 'Turku']);
  const bad = runCli([gpkg, '-o', join(dir, 'o2'), '--layer', 'nope']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /nope.*(places|things)/);
  assert.deepEqual(listTiles(join(dir, 'o2')), []);
});

test('--bounds reads a GeoPackage through its R-tree: only rows that reach the bounds', () => {
  const out = join(tempDir(), 'out');
  const r = runCli([fixture('sweden-sample.gpkg'), '-o', out, '-z', '3', '--bounds', '17,59,19,60', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).features, 2, 'Stockholm and the railway that starts there');
  const l = readTile(out, 0, 0, 0).layers.places;
  const names = Array.from({ length: l.length }, (_, i) => l.feature(i).properties.name).sort();
  assert.deepEqual(names, ['Stockholm', 'Stockholm–Göteborg (simplified)']);
});
