// Read-back through real GDAL: what `ogrinfo`/`ogr2ogr` see in our tilesets, compared with fixed
// expectations from GDAL's own test suite and with what `ogr2ogr -f MVT` writes from the same data.
// Skipped when GDAL is absent, unless REQUIRE_GDAL=1 (CI sets it).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, hasCommand, listTiles, runCli, tempDir } from './helpers.js';

const haveGdal = hasCommand('ogrinfo') && hasCommand('ogr2ogr');
if (!haveGdal && process.env.REQUIRE_GDAL === '1') throw new Error('REQUIRE_GDAL=1 but ogrinfo/ogr2ogr are not on PATH (apt-get install gdal-bin)');
const skip = !haveGdal && 'GDAL (ogrinfo) not installed';
// Wrong ring winding becomes an error (the variable's name is spelled so in GDAL).
const STRICT = ['--config', 'OGR_MVT_ENFORE_EXTERNAL_RING_IS_CLOCKWISE', 'YES'];

const gdalVersion = (): number[] => {
  const m = /GDAL (\d+)\.(\d+)\.(\d+)/.exec(execFileSync('ogrinfo', ['--version'], { encoding: 'utf8' }));
  return m ? m.slice(1).map(Number) : [0, 0, 0];
};
const atLeast = (v: number[], w: number[]) => v[0] !== w[0] ? v[0] > w[0] : v[1] !== w[1] ? v[1] > w[1] : v[2] >= w[2];

interface ReadFeature {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}

/** Features GDAL reads from a zoom directory or a single tile, as GeoJSON. Fails on any GDAL error. */
function gdalFeatures(path: string): ReadFeature[] {
  const r = spawnSync('ogr2ogr', [...STRICT, '-f', 'GeoJSON', '/vsistdout/', path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ogr2ogr ${path}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /ERROR/, `GDAL complained reading ${path}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { features: ReadFeature[] }).features;
}

/** Field types and SRS as `ogrinfo -so` reports them. */
function gdalSchema(path: string): { fields: Record<string, string>; srs: string; geometry: string } {
  const out = execFileSync('ogrinfo', [...STRICT, '-so', '-al', path], { encoding: 'utf8' });
  const fields: Record<string, string> = {};
  for (const m of out.matchAll(/^(\w+): (\w+(?:\(\w+\))?) \(/gm)) fields[m[1]] = m[2];
  return { fields, srs: /ID\["EPSG",(\d+)\]\]\s*$/m.exec(out.split('Data axis')[0])?.[1] ?? '', geometry: /^Geometry: (.*)$/m.exec(out)?.[1] ?? '' };
}

function points(c: unknown): number[][] {
  if (Array.isArray(c) && typeof c[0] === 'number') return [c as number[]];
  return (c as unknown[]).flatMap(points);
}

function polygonArea(g: ReadFeature['geometry']): number {
  if (!g || !/Polygon/.test(g.type)) return 0;
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
  let s = 0;
  for (const p of polys) for (const r of p) for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[j][0] - r[i][0]) * (r[i][1] + r[j][1]);
  return Math.abs(s / 2);
}

/** Every vertex of a has a vertex of b within tol, and the other way round. */
function sameVertices(a: number[][], b: number[][], tol: number): boolean {
  const near = (p: number[], set: number[][]) => set.some((q) => Math.abs(p[0] - q[0]) <= tol && Math.abs(p[1] - q[1]) <= tol);
  return a.every((p) => near(p, b)) && b.every((p) => near(p, a));
}

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
  const r = runCli([fixture('all-types.geojson'), '-o', ours, '-z', '5', '--simplification', '0', '--layer', 'all-types', '-q']);
  assert.equal(r.status, 0, r.stderr);
  execFileSync('ogr2ogr', ['-f', 'MVT', gdal, fixture('all-types.geojson'), '-preserve_fid', '-dsco', 'MAXZOOM=5'], { stdio: 'pipe' });

  // Same tiles
  assert.deepEqual(listTiles(ours), listTiles(gdal));
  // Same schema: field names and OGR types, SRS, geometry type
  for (let z = 0; z <= 5; z++) {
    const a = gdalSchema(join(ours, String(z)));
    const b = gdalSchema(join(gdal, String(z)));
    assert.deepEqual(a, b, `schema at zoom ${z}`);
    assert.equal(a.srs, '3857');
  }
  assert.deepEqual(gdalSchema(join(ours, '0')).fields, {
    mvt_id: 'Integer64', strfield: 'String', intfield: 'Real', int64field: 'Real', realfield: 'Real',
    datefield: 'String', datetimefield: 'String', boolfield: 'Integer(Boolean)',
  });
  // Same features, values and (within one tile unit) coordinates, tile by tile
  for (const t of listTiles(ours)) {
    const z = Number(t.split('/')[0]);
    const unit = 40075016.68557849 / 2 ** z / 4096;
    const a = gdalFeatures(join(ours, t + '.pbf'));
    const b = gdalFeatures(join(gdal, t + '.pbf'));
    const key = (f: ReadFeature) => `${f.properties.mvt_id}:${f.geometry?.type.replace('Multi', '')}`;
    assert.deepEqual(a.map(key).sort(), b.map(key).sort(), `features of ${t}`);
    for (const fa of a) {
      const fb = b.find((f) => key(f) === key(fa))!;
      assert.deepEqual(fa.properties, fb.properties, `values of ${key(fa)} in ${t}`);
      assert.ok(sameVertices(points(fa.geometry!.coordinates), points(fb.geometry!.coordinates), unit * 1.01), `vertices of ${key(fa)} in ${t}`);
      const [aa, ab] = [polygonArea(fa.geometry), polygonArea(fb.geometry)];
      assert.ok(Math.abs(aa - ab) <= Math.max(aa, ab) * 1e-3 + unit * unit, `area of ${key(fa)} in ${t}: ${aa} vs ${ab}`);
    }
  }
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
