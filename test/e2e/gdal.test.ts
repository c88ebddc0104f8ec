// Read-back through real GDAL: what `ogrinfo`/`ogr2ogr` see in our tilesets, compared with fixed
// expectations from GDAL's own test suite and with what `ogr2ogr -f MVT` writes from the same data.
// Skipped when GDAL is absent, unless REQUIRE_GDAL=1 (CI sets it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, listTiles, runCli, tempDir } from '../helpers.js';

import { atLeast, compareTilesets, gdalFeatures, gdalSchema, gdalVersion, skip } from './gdal-helpers.js';

test('custom scheme ETRS-TM35FIN: WGS84 LINESTRING(12 71,13 72) reads back from /1 in EPSG:3067 as GDAL writes it', { skip }, () => {
  const dir = tempDir();
  const src = join(dir, 'line.geojson');
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[12, 71], [13, 72]] } }] }));
  for (const scheme of ['EPSG:3067,-548576,8388608,2097152', 'ETRS-TM35FIN']) {
    const out = join(dir, 'tiles');
    const r = runCli([src, '-o', out, '-z', '1', '--tiling-scheme', scheme, '--force', '-q']);
    assert.equal(r.status, 0, r.stderr);
    const [f] = gdalFeatures(join(out, '1'));
    assert.deepEqual(f.geometry, { type: 'MultiLineString', coordinates: [[[-40160, 7944704], [21024, 8044800]]] });
    assert.equal(gdalSchema(join(out, '1')).srs, '3067');
  }
});

test('WorldCRS84Quad (2×1 at zoom 0): POINT(120 40) lands in tile 0/1/0 at GDAL\'s pixel, EPSG:4326', { skip }, () => {
  const dir = tempDir();
  const src = join(dir, 'p.geojson');
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { n: 1 }, geometry: { type: 'Point', coordinates: [120, 40] } },
    { type: 'Feature', properties: { n: 2 }, geometry: { type: 'Point', coordinates: [-60, -30] } },
  ] }));
  const out = join(dir, 'tiles');
  assert.equal(runCli([src, '-o', out, '-z', '1', '--tiling-scheme', 'WorldCRS84Quad', '-q']).status, 0);
  assert.deepEqual(listTiles(out), ['0/0/0', '0/1/0', '1/1/1', '1/3/0']);
  assert.equal(gdalSchema(join(out, '0')).srs, '4326');
  const v = gdalVersion();
  if (atLeast(v, [3, 10, 2])) {
    const byN = new Map(gdalFeatures(join(out, '0')).map((f) => [f.properties.n, f.geometry]));
    assert.deepEqual(byN.get(1), { type: 'MultiPoint', coordinates: [[120.0146484375, 39.990234375]] });
  } else {
    // GDAL < 3.10.2 ignores tile_matrix_width_zoom_0 and cannot georeference column 1; its raw
    // pixel (y flipped on output) is what GDAL's test expects: (2731, 1138).
    const [f] = gdalFeatures(join(out, '0/1/0.pbf'));
    assert.deepEqual(f.geometry, { type: 'MultiPoint', coordinates: [[2731, 4096 - 1138]] });
  }
  // Column 0 georeferences on every GDAL: -60, -30 → pixel (2731, 2731) of tile 0/0/0
  const west = gdalFeatures(join(out, '0')).find((f) => f.properties.n === 2)!;
  assert.deepEqual(west.geometry, { type: 'MultiPoint', coordinates: [[-180 + (2731 * 180) / 4096, 90 - (2731 * 180) / 4096]] });
});

test('a user-given scheme string (SWEREF 99 TM, EPSG:3006) georeferences at every zoom', { skip }, () => {
  const dir = tempDir();
  const src = join(dir, 'se.geojson');
  // Stockholm and Kiruna in SWEREF 99 TM metres
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { name: 'Stockholm' }, geometry: { type: 'Point', coordinates: [674032, 6580821] } },
    { type: 'Feature', properties: { name: 'Kiruna' }, geometry: { type: 'Point', coordinates: [782000, 7535000] } },
  ] }));
  const out = join(dir, 'tiles');
  const scheme = 'EPSG:3006,-1200000,8500000,4194304';
  assert.equal(runCli([src, '-o', out, '-z', '6', '--s-srs', 'EPSG:3006', '--tiling-scheme', scheme, '-q']).status, 0);
  for (let z = 0; z <= 6; z++) {
    assert.equal(gdalSchema(join(out, String(z))).srs, '3006');
    const unit = 4194304 / 2 ** z / 4096;
    for (const f of gdalFeatures(join(out, String(z)))) {
      const [x, y] = (f.geometry!.coordinates as number[][])[0];
      const [ex, ey] = f.properties.name === 'Stockholm' ? [674032, 6580821] : [782000, 7535000];
      assert.ok(Math.abs(x - ex) <= unit / 2 + 1e-6 && Math.abs(y - ey) <= unit / 2 + 1e-6, `z${z} ${f.properties.name}: ${x},${y}`);
    }
  }
});

test('every type of field and geometry reads back as from `ogr2ogr -f MVT` with the same options', { skip }, () => {
  const dir = tempDir();
  const ours = join(dir, 'ours');
  const gdal = join(dir, 'gdal');
  const r = runCli([fixture('all-types.geojson'), '-o', ours, '-z', '5', '--simplification', '0', '--no-tiny-polygon-reduction', '--layer', 'all-types', '-q']);
  assert.equal(r.status, 0, r.stderr);
  execFileSync('ogr2ogr', ['-f', 'MVT', gdal, fixture('all-types.geojson'), '-preserve_fid', '-dsco', 'MAXZOOM=5'], { stdio: 'pipe' });

  compareTilesets(ours, gdal, 5, 40075016.68557849);
  for (let z = 0; z <= 5; z++) assert.equal(gdalSchema(join(ours, String(z))).srs, '3857');
  assert.deepEqual(gdalSchema(join(ours, '0')).fields, {
    mvt_id: 'Integer64', strfield: 'String', intfield: 'Real', int64field: 'Real', realfield: 'Real',
    datefield: 'String', datetimefield: 'String', boolfield: 'Integer(Boolean)',
  });
  // Spot values, as GDAL's own one-layer test checks them
  const z0 = gdalFeatures(join(ours, '0'));
  const p = z0.find((f) => f.properties.mvt_id === 123)!;
  assert.deepEqual(p.properties, {
    mvt_id: 123, strfield: 'foo', intfield: -1, int64field: 123456789012345, realfield: 1.25,
    datefield: '2018-02-01', datetimefield: '2018-02-01T12:34:56', boolfield: true,
  });
  assert.equal(z0.find((f) => f.properties.mvt_id === 126)!.properties.strfield, 'with "quotes" and ünïcødé');
  assert.equal(z0.find((f) => f.properties.mvt_id === 127)!.properties.intfield, 4000000000);
});

test('the quick-start tileset opens at every zoom with the right SRS, winding enforced', { skip }, () => {
  for (const [scheme, epsg] of [['WebMercatorQuad', '3857'], ['ETRS-TM35FIN', '3067']]) {
    const out = join(tempDir(), 'tiles');
    assert.equal(runCli([fixture('finland-sample.geojson'), '-o', out, '-z', '6', '--tiling-scheme', scheme, '-q']).status, 0);
    for (let z = 0; z <= 6; z++) {
      const s = gdalSchema(join(out, String(z)));
      assert.equal(s.srs, epsg, `zoom ${z}`);
      const feats = gdalFeatures(join(out, String(z)));
      assert.ok(feats.some((f) => f.properties.name === 'Helsinki'), `Helsinki at zoom ${z}`);
      assert.ok(feats.some((f) => f.geometry?.type === 'MultiPolygon' || f.geometry?.type === 'Polygon'), `polygons at zoom ${z}`);
    }
    const helsinki = gdalFeatures(join(out, '0')).find((f) => f.properties.name === 'Helsinki')!;
    assert.deepEqual(
      { ...helsinki.properties },
      { mvt_id: 1, name: 'Helsinki', population: 674500, capital: true, founded: '1550-06-12', area_km2: 715.48 },
    );
  }
});

test('a 4-part geographic scheme EPSG:4326,-180,90,180 is 2×1, as the tiles `ogr2ogr -f MVT` writes: lon 120 is not dropped', { skip }, () => {
  const dir = tempDir();
  const src = join(dir, 'p.geojson');
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', id: 1, properties: { n: 1 }, geometry: { type: 'Point', coordinates: [120, 40] } },
    { type: 'Feature', id: 2, properties: { n: 2 }, geometry: { type: 'Point', coordinates: [-60, -30] } },
  ] }));
  const scheme = 'EPSG:4326,-180,90,180';
  const ours = join(dir, 'ours');
  const gdal = join(dir, 'gdal');
  const r = runCli([src, '-o', ours, '-z', '1', '--tiling-scheme', scheme, '--simplification', '0', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual([summary.featuresWritten, summary.outside], [2, 0]);
  execFileSync('ogr2ogr', ['-f', 'MVT', gdal, src, '-preserve_fid', '-dsco', `TILING_SCHEME=${scheme}`, '-dsco', 'MAXZOOM=1'], { stdio: 'pipe' });
  assert.deepEqual(listTiles(gdal), ['0/0/0', '0/1/0', '1/1/1', '1/3/0']);
  compareTilesets(ours, gdal, 1, 180);
});
