// GeoPackages as GDAL writes them (ogr2ogr: XY, XYZ, XYM, a projected layer with its R-tree, dates),
// read by our reader and WKB decoder; hand-written GeoPackages: test/unit/gpkg.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openGeoPackage } from '../../src/readers/gpkg.js';
import { parseGpkgGeometry, type GeoJSONGeometry, type Position } from '../../src/readers/wkb.js';
import { addLayer, ALL, blob, buf, collect, createGpkg } from '../gpkg-writer.js';
import { tempDir } from '../helpers.js';
import { skip } from './gdal-helpers.js';

const dir = tempDir('mvt-build-gpkg-');

function ogr2ogr(args: string[]): void {
  const r = spawnSync('ogr2ogr', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `ogr2ogr ${args.join(' ')}\n${r.stderr}`);
}

test('gdal: GeoPackages written by ogr2ogr (XY, XYZ, XYM) decode to the original geometries', { skip }, async () => {
  // Input carries a third coordinate on some features, which -dim XY drops and the decoder must drop too.
  const inputs: (GeoJSONGeometry | null)[] = [
    ...ALL,
    { type: 'LineString', coordinates: [[11, 12, 13] as unknown as Position, [14, 15, 16] as unknown as Position] },
    null,
  ];
  const expected = inputs.map((g) => (g && g.type === 'LineString' ? { ...g, coordinates: g.coordinates.map((p) => [p[0], p[1]] as Position) } : g));
  const src = join(dir, 'all-types.geojson');
  writeFileSync(src, JSON.stringify({
    type: 'FeatureCollection',
    features: [
      ...inputs.map((geometry, i) => ({ type: 'Feature', properties: { n: i }, geometry })),
      // GDAL reads these as empty geometries and writes them with the GPKG empty flag.
      { type: 'Feature', properties: { n: inputs.length }, geometry: { type: 'LineString', coordinates: [] } },
      { type: 'Feature', properties: { n: inputs.length + 1 }, geometry: { type: 'GeometryCollection', geometries: [] } },
    ],
  }));
  for (const dim of ['XY', 'XYZ', 'XYM']) {
    const out = join(dir, `gdal-${dim}.gpkg`);
    ogr2ogr(['-f', 'GPKG', out, src, '-nln', 'all_types', '-dim', dim]);
    const [layer] = await openGeoPackage(out);
    assert.equal(layer.srs, 'EPSG:4326');
    assert.deepEqual(layer.fields, [{ name: 'n', type: 'Number', real: false, declared: 'MEDIUMINT' }], 'GDAL writes 32-bit integers as MEDIUMINT');
    const items = await collect(layer);
    assert.equal(items.length, inputs.length + 2);
    for (const it of items) {
      const n = it.feature.properties.n as number;
      assert.equal(it.feature.id, n + 1, 'GDAL numbers features from 1');
      const got = it.wkb ? parseGpkgGeometry(it.wkb) : undefined;
      if (n >= inputs.length) assert.equal(got, null, `${dim}: feature ${n} is empty`);
      else if (expected[n] === null) assert.equal(it.wkb, undefined, `${dim}: null geometry`);
      else assert.deepEqual(got, expected[n], `${dim}: feature ${n} (${expected[n]?.type})`);
    }
  }
});

test('gdal: a projected layer and its R-tree as ogr2ogr writes them', { skip }, async () => {
  const src = join(dir, 'sweref.geojson');
  writeFileSync(src, JSON.stringify({
    type: 'FeatureCollection',
    features: [[500000, 6500000], [600000, 6600000], [700000, 7000000]].map((c, i) => ({ type: 'Feature', properties: { name: 'abc'[i], when: '2020-05-06' }, geometry: { type: 'Point', coordinates: c } })),
  }));
  const out = join(dir, 'gdal-sweref.gpkg');
  ogr2ogr(['-f', 'GPKG', out, src, '-a_srs', 'EPSG:3006', '-nln', 'pts']);
  const [layer] = await openGeoPackage(out, { bbox: [550000, 6000000, 800000, 6800000] });
  assert.equal(layer.srs, 'EPSG:3006');
  assert.deepEqual(layer.fields.map((f) => [f.name, f.declared, f.type]), [['name', 'TEXT', 'String'], ['when', 'DATE', 'String']]);
  const items = await collect(layer);
  assert.deepEqual(items.map((it) => [it.feature.properties, parseGpkgGeometry(it.wkb!)]), [
    [{ name: 'b', when: '2020-05-06' }, { type: 'Point', coordinates: [600000, 6600000] }],
  ]);
});

test('gdal: DATE and DATETIME values come out as GDAL writes them into MVT', { skip }, async () => {
  const stamps = [
    '2018-02-01T12:34:56.000Z', '2018-02-01T12:34:56', '2018-02-01T12:34:56.500Z', '2018-02-01T12:34:56.25+01:30',
    '2018-02-01 12:34:56', '2018-02-01T12:34', '2018-02-01T12:34:56.123456Z', '2018-02-01T12:34:56-05',
    '2018-02-01T12:34:56+0200', '2018-02-01', '2018-02-01T12:34:56.9999Z', '2018-02-01T12:34:56.0004Z', '2018-02-01T12:34:56+00:00',
  ];
  const path = join(dir, 'dates.gpkg');
  const db = createGpkg(path);
  addLayer(db, 'dates', 4326, 'fid INTEGER PRIMARY KEY, geom POINT, n INTEGER, day DATE, ts DATETIME');
  const insert = db.prepare('INSERT INTO dates VALUES (?, ?, ?, ?, ?)');
  stamps.forEach((ts, i) => insert.run(i + 1, buf(blob({ type: 'Point', coordinates: [i, i] })), i, i % 2 ? ts.slice(0, 10) : `${ts.slice(0, 10)}T00:00:00`, ts));
  db.close();
  const tiles = join(dir, 'dates-mvt');
  ogr2ogr(['-f', 'MVT', tiles, path, '-dsco', 'MAXZOOM=0', '-dsco', 'COMPRESS=NO']);
  const r = spawnSync('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', join(tiles, '0/0/0.pbf')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const gdalProps = new Map<number, Record<string, unknown>>();
  for (const f of JSON.parse(r.stdout).features as { properties: { n: number } }[]) gdalProps.set(f.properties.n, f.properties);
  const items = await collect((await openGeoPackage(path))[0]);
  assert.equal(items.length, stamps.length);
  for (const it of items) {
    const p = it.feature.properties;
    const g = gdalProps.get(p.n as number)!;
    assert.deepEqual({ day: p.day, ts: p.ts }, { day: g.day, ts: g.ts }, `stored ${JSON.stringify(stamps[p.n as number])}`);
  }
});
