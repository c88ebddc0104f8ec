// GeoPackage input: the WKB decoder on hand-written blobs (every type, Z/M, byte orders, broken ones)
// and the reader on GeoPackages built here with better-sqlite3 (files GDAL writes:
// test/e2e/gpkg-ogr2ogr.test.ts).
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, UsageError } from '../../src/errors.js';
import { openGeoPackage, type GpkgItem } from '../../src/readers/gpkg.js';
import { parseGpkgGeometry, WkbError, type GeoJSONGeometry, type Position } from '../../src/readers/wkb.js';
import { addLayer, ALL, blob, buf, collect, createGpkg, Database, gp, hole, square, wkb, WKT_CUSTOM } from '../gpkg-writer.js';
import { tempDir } from '../helpers.js';

// ---- WKB --------------------------------------------------------------------------------------

test('wkb: every geometry type, XY, in both byte orders', () => {
  for (const g of ALL) {
    for (const le of [true, false]) assert.deepEqual(parseGpkgGeometry(blob(g, { le })), g, `${g.type} ${le ? 'LE' : 'BE'}`);
  }
});

test('wkb: Z, M and ZM are dropped, in ISO (+1000/2000/3000) and EWKB (high bit) codes', () => {
  for (const g of ALL) {
    for (const dims of ['XYZ', 'XYM', 'XYZM'] as const) {
      for (const ewkb of [false, true]) {
        for (const le of [true, false]) assert.deepEqual(parseGpkgGeometry(blob(g, { dims, ewkb, le })), g, `${g.type} ${dims} ${ewkb ? 'EWKB' : 'ISO'} ${le}`);
      }
    }
  }
  const code = (b: Uint8Array) => new DataView(b.buffer).getUint32(9, true);
  assert.equal(code(blob(ALL[0], { dims: 'XYZM' })), 3001, 'the writer really wrote ISO ZM');
  assert.equal(code(blob(ALL[0], { dims: 'XYZM', ewkb: true })), 0xc0000001, 'the writer really wrote EWKB ZM');
});

test('wkb: each nested geometry has its own byte order', () => {
  for (const g of ALL.slice(3)) {
    for (const le of [true, false]) assert.deepEqual(parseGpkgGeometry(blob(g, { le, flip: true, dims: 'XYZ' })), g, `${g.type} flipping from ${le}`);
  }
});

test('wkb: header with every envelope size, in either byte order, any srs_id; a view inside a larger buffer', () => {
  const g = ALL[2];
  for (let envelope = 0; envelope <= 4; envelope++) {
    for (const le of [true, false]) assert.deepEqual(parseGpkgGeometry(gp(wkb(g), { envelope, le, srsId: -1 })), g, `envelope ${envelope} ${le}`);
  }
  // better-sqlite3 hands out Buffers; a Uint8Array may be a view at an offset, with bytes after it.
  const b = blob(g);
  const big = new Uint8Array(b.length + 7);
  big.fill(0xff);
  big.set(b, 3);
  assert.deepEqual(parseGpkgGeometry(big.subarray(3, 3 + b.length)), g);
  assert.throws(() => parseGpkgGeometry(big.subarray(3, 3 + b.length - 1)), WkbError, 'the view ends the data, not the buffer');
});

test('wkb: empty geometries are null (empty flag, POINT(NaN NaN), no parts); empty members are dropped', () => {
  const nan: Position = [NaN, NaN];
  assert.equal(parseGpkgGeometry(gp(wkb({ type: 'Point', coordinates: nan }), { empty: true })), null);
  assert.equal(parseGpkgGeometry(gp(wkb(ALL[0]), { empty: true })), null, 'the empty flag wins');
  assert.equal(parseGpkgGeometry(blob({ type: 'Point', coordinates: nan })), null);
  assert.equal(parseGpkgGeometry(blob({ type: 'Point', coordinates: nan }, { le: false, dims: 'XYZM' })), null);
  assert.equal(parseGpkgGeometry(blob({ type: 'LineString', coordinates: [] })), null);
  assert.equal(parseGpkgGeometry(blob({ type: 'Polygon', coordinates: [] })), null);
  assert.equal(parseGpkgGeometry(blob({ type: 'Polygon', coordinates: [[], hole] })), null, 'no exterior ring');
  assert.equal(parseGpkgGeometry(blob({ type: 'MultiPolygon', coordinates: [] })), null);
  assert.equal(parseGpkgGeometry(blob({ type: 'MultiLineString', coordinates: [[], []] })), null);
  assert.equal(parseGpkgGeometry(blob({ type: 'GeometryCollection', geometries: [] })), null);
  assert.equal(parseGpkgGeometry(blob({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: nan }, { type: 'GeometryCollection', geometries: [] }] })), null);
  assert.deepEqual(parseGpkgGeometry(blob({ type: 'MultiPoint', coordinates: [nan, [1, 2]] })), { type: 'MultiPoint', coordinates: [[1, 2]] });
  assert.deepEqual(parseGpkgGeometry(blob({ type: 'Polygon', coordinates: [square, []] })), { type: 'Polygon', coordinates: [square] });
  assert.deepEqual(
    parseGpkgGeometry(blob({ type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [] }, ALL[0]] })),
    { type: 'GeometryCollection', geometries: [ALL[0]] },
  );
});

test('wkb: malformed blobs throw WkbError saying what and where', () => {
  const point = wkb(ALL[0]);
  const withType = (code: number, order = 1) => {
    const b = wkb(ALL[0]);
    b[0] = order;
    new DataView(b.buffer).setUint32(1, code, true);
    return gp(b);
  };
  const cases: [Uint8Array, string][] = [
    [Uint8Array.of(0x47, 0x50, 0, 1, 0), 'truncated GeoPackage geometry: needs an 8-byte header, has 5 bytes'],
    [Uint8Array.from([0x58, 0x59, ...gp(point).subarray(2)]), 'not a GeoPackage geometry (bad magic 0x5859, expected 0x4750 "GP")'],
    [point, 'not a GeoPackage geometry (bad magic 0x0101, expected 0x4750 "GP")'],
    [gp(point, { version: 1 }), 'unsupported GeoPackage geometry version 1 (only 0, GeoPackage 1.x, is defined)'],
    [gp(point, { flags: 0x21 }), 'extended GeoPackage geometry types are not supported (flags 0x21)'],
    [gp(point, { flags: 0x0b }), 'invalid envelope indicator 5 in GeoPackage geometry flags 0x0b'],
    [gp(new Uint8Array(0), { envelope: 1 }).subarray(0, 20), 'truncated GeoPackage geometry: header with a 32-byte envelope needs 40 bytes, has 20'],
    [gp(new Uint8Array(0)), 'truncated WKB: needs 5 bytes at byte 8, has 0'],
    [withType(15), 'unsupported WKB geometry type 15 at byte 8'],
    [withType(0), 'unsupported WKB geometry type 0 at byte 8'],
    [withType(4001), 'unsupported WKB geometry type 4001 at byte 8'],
    [withType(0x20000001), 'unsupported WKB geometry type 536870913 at byte 8'],
    [withType(1, 2), 'bad WKB byte order 0x02 at byte 8 (expected 0 or 1)'],
    [gp(point.subarray(0, 14)), 'truncated WKB: needs 16 bytes at byte 13, has 9'],
    [gp(point, { envelope: 1 }).subarray(0, 50), 'truncated WKB: needs 16 bytes at byte 45, has 5'],
    [gp(Uint8Array.of(1, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff)), 'truncated WKB: needs 68719476720 bytes at byte 17, has 0'],
    [gp(Uint8Array.of(1, 4, 0, 0, 0, 1, 0, 0, 0, ...wkb(ALL[1]))), 'LineString at byte 17 inside a MultiPoint (byte 8), expected Point'],
    [gp(Uint8Array.of(1, 6, 0, 0, 0, 1, 0, 0, 0, ...wkb(ALL[6]))), 'GeometryCollection at byte 17 inside a MultiPolygon (byte 8), expected Polygon'],
  ];
  for (const [b, message] of cases) assert.throws(() => parseGpkgGeometry(b), { name: 'WkbError', message });
});

test('wkb: collections nest up to 32 deep, deeper is refused', () => {
  const nest = (n: number): GeoJSONGeometry => (n === 0 ? ALL[0] : { type: 'GeometryCollection', geometries: [nest(n - 1)] });
  assert.deepEqual(parseGpkgGeometry(blob(nest(32))), nest(32));
  assert.throws(() => parseGpkgGeometry(blob(nest(33))), { name: 'WkbError', message: /^GeometryCollection at byte \d+ is nested more than 32 deep$/ });
});

test('wkb: every truncation of a valid blob is a WkbError (never a read past the end)', () => {
  for (const g of ALL) {
    const b = blob(g, { dims: 'XYZM', flip: true });
    for (let n = 0; n < b.length; n++) assert.throws(() => parseGpkgGeometry(b.subarray(0, n)), WkbError, `${g.type} cut to ${n} of ${b.length}`);
  }
});

test('wkb: random corruption gives a geometry or a WkbError, nothing else', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
  const base = ALL.map((g) => blob(g, { flip: true }));
  for (let i = 0; i < 5000; i++) {
    const b = base[i % base.length].slice();
    for (let k = 0; k < 1 + (i % 3); k++) b[8 + Math.floor(rand() * (b.length - 8))] = Math.floor(rand() * 256);
    try {
      parseGpkgGeometry(b);
    } catch (e) {
      assert.ok(e instanceof WkbError, `corruption ${i}: ${(e as Error).stack}`);
    }
  }
});

// ---- GeoPackage fixtures ----------------------------------------------------------------------

const FIELD_COLUMNS = `fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom GEOMETRY, i INTEGER, mi MEDIUMINT, si SMALLINT, ti TINYINT,
  b BOOLEAN, r REAL, f FLOAT, d DOUBLE, t TEXT, t20 TEXT(20), day DATE, ts DATETIME, raw BLOB, other JSON`;

/** Geometry blobs of the "shapes" layer by fid, and the GeoJSON each must decode to (undefined: decoding fails). */
const SHAPES: [number, Uint8Array | null, GeoJSONGeometry | null | undefined][] = [
  [1, blob(ALL[0]), ALL[0]],
  [2, gp(wkb(ALL[1], { le: false }), { le: false, envelope: 1 }), ALL[1]],
  [3, blob(ALL[2], { dims: 'XYZ' }), ALL[2]],
  [4, gp(wkb(ALL[3], { dims: 'XYM', flip: true }), { envelope: 3 }), ALL[3]],
  [5, blob(ALL[4], { dims: 'XYZM', ewkb: true }), ALL[4]],
  [6, gp(wkb(ALL[5], { dims: 'XYZ' }), { envelope: 2, le: false }), ALL[5]],
  [7, blob(ALL[6], { dims: 'XYZM', flip: true, le: false }), ALL[6]],
  [8, gp(wkb({ type: 'Point', coordinates: [NaN, NaN] }), { empty: true }), null],
  [9, null, null],
  [10, Uint8Array.of(0x47, 0x50, 0, 1, 0xe6, 0x10, 0, 0, 1, 2, 0), undefined],
  [12, blob({ type: 'GeometryCollection', geometries: [] }), null],
];

function buildMain(dir: string): string {
  const path = join(dir, 'main.gpkg');
  const db = createGpkg(path);
  addLayer(db, 'shapes', 4326, FIELD_COLUMNS, { description: 'one of each' });
  const insert = db.prepare('INSERT INTO shapes (fid, geom, i, mi, si, ti, b, r, f, d, t, t20, day, ts, raw, other) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const [fid, geom] of SHAPES) {
    if (fid === 1) {
      insert.run(fid, buf(geom!), -42, 8388607, -7, 1, 1, 0.5, 1.5, 2.25, 'åäö "q"', 'short', '2018-02-01', '2018-02-01T12:34:56.000Z', Buffer.from([1, 2, 3]), 'v');
    } else if (fid === 2) {
      insert.run(fid, buf(geom!), 0, null, null, null, 0, 3, -0.1, 1e300, '', null, '2018-02-01T00:00:00', '2018-02-01 12:34:56.5+01:00', null, 12);
    } else if (fid === 3) {
      insert.run(fid, buf(geom!), 2 ** 53 - 1, null, null, null, null, null, null, null, null, null, null, '2018-02-01T12:34:56', null, null);
    } else insert.run(fid, geom && buf(geom), null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  // Projected CRS (organization 'epsg' in lower case), with an R-tree and a GDAL feature count.
  addLayer(db, 'sweref', 3006, 'fid INTEGER PRIMARY KEY, geom POINT, name TEXT');
  db.exec('CREATE VIRTUAL TABLE rtree_sweref_geom USING rtree(id, minx, maxx, miny, maxy)');
  db.exec('CREATE TABLE gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, feature_count INTEGER DEFAULT NULL)');
  db.prepare('INSERT INTO gpkg_ogr_contents VALUES (?, ?)').run('sweref', 4);
  const pts: [number, string, Position | null][] = [[1, 'a', [500000, 6500000]], [2, 'b', [600000, 6600000]], [3, 'c', [700000, 7000000]], [4, 'd', null]];
  for (const [fid, name, p] of pts) {
    db.prepare('INSERT INTO sweref VALUES (?, ?, ?)').run(fid, p && buf(gp(wkb({ type: 'Point', coordinates: p }), { srsId: 3006 })), name);
    if (p) db.prepare('INSERT INTO rtree_sweref_geom VALUES (?, ?, ?, ?, ?)').run(fid, p[0], p[0], p[1], p[1]);
  }

  addLayer(db, 'notes', 0, 'id INTEGER PRIMARY KEY, note TEXT', { dataType: 'attributes' });
  addLayer(db, 'custom', 100000, 'id INTEGER PRIMARY KEY, shape POLYGON', { geometry: 'shape' });
  db.prepare('INSERT INTO custom VALUES (?, ?)').run(5, buf(blob(ALL[2])));

  // Values SQLite's loose typing lets into a column but the column's type does not allow.
  addLayer(db, 'bad_values', 4326, 'fid INTEGER PRIMARY KEY, geom GEOMETRY, n INTEGER, t TEXT, b BOOLEAN, ts DATETIME');
  const bad = db.prepare('INSERT INTO bad_values VALUES (?, ?, ?, ?, ?, ?)');
  bad.run(1, buf(blob(ALL[0])), 'abc', 'ok', 1, '2020-01-01T00:00:00Z');
  bad.run(2, 'POINT (1 2)', 2n ** 60n, Buffer.from([0xde, 0xad]), 2, 'yesterday');
  bad.run(3, buf(blob(ALL[0])), 3, 'fine', 0, null);
  db.close();
  return path;
}

const dir = tempDir('mvt-build-gpkg-');
const MAIN = buildMain(dir);

// ---- The reader -------------------------------------------------------------------------------

test('gpkg: feature layers in gpkg_contents order, with CRS, geometry column, fields and skipped fields', async () => {
  const layers = await openGeoPackage(MAIN);
  assert.deepEqual(layers.map((l) => [l.name, l.srs, l.geometryColumn, l.count]), [
    ['shapes', 'EPSG:4326', 'geom', undefined],
    ['sweref', 'EPSG:3006', 'geom', 4],
    ['custom', WKT_CUSTOM, 'shape', undefined],
    ['bad_values', 'EPSG:4326', 'geom', undefined],
  ]);
  assert.equal(layers[0].description, 'one of each');
  assert.deepEqual(layers[0].fields, [
    { name: 'i', type: 'Number', real: false, declared: 'INTEGER' },
    { name: 'mi', type: 'Number', real: false, declared: 'MEDIUMINT' },
    { name: 'si', type: 'Number', real: false, declared: 'SMALLINT' },
    { name: 'ti', type: 'Number', real: false, declared: 'TINYINT' },
    { name: 'b', type: 'Boolean', real: false, declared: 'BOOLEAN' },
    { name: 'r', type: 'Number', real: true, declared: 'REAL' },
    { name: 'f', type: 'Number', real: true, declared: 'FLOAT' },
    { name: 'd', type: 'Number', real: true, declared: 'DOUBLE' },
    { name: 't', type: 'String', real: false, declared: 'TEXT' },
    { name: 't20', type: 'String', real: false, declared: 'TEXT(20)' },
    { name: 'day', type: 'String', real: false, declared: 'DATE' },
    { name: 'ts', type: 'String', real: false, declared: 'DATETIME' },
    { name: 'other', type: 'String', real: false, declared: 'JSON' },
  ]);
  assert.deepEqual(layers[0].skippedFields, [{ name: 'raw', why: 'BLOB column: binary values have no MVT type' }]);
});

test('gpkg: rows stream in fid order with typed properties and the raw geometry blob', async () => {
  const [shapes] = await openGeoPackage(MAIN, { layers: ['shapes'] });
  const items = await collect(shapes);
  assert.deepEqual(items.map((it) => [it.index, it.feature.id]), SHAPES.map(([fid], i) => [i, fid]));
  assert.ok(items.every((it) => it.feature.type === 'Feature' && it.feature.geometry === null && it.error === undefined));
  assert.deepEqual(items[0].feature.properties, {
    i: -42, mi: 8388607, si: -7, ti: 1, b: true, r: 0.5, f: 1.5, d: 2.25, t: 'åäö "q"', t20: 'short',
    day: '2018-02-01', ts: '2018-02-01T12:34:56Z', other: 'v',
  });
  assert.deepEqual(items[1].feature.properties, {
    i: 0, mi: null, si: null, ti: null, b: false, r: 3, f: -0.1, d: 1e300, t: '', t20: null,
    day: '2018-02-01', ts: '2018-02-01T12:34:56.500+01:00', other: '12',
  });
  assert.deepEqual(items[2].feature.properties.i, 2 ** 53 - 1);
  assert.equal(items[2].feature.properties.ts, '2018-02-01T12:34:56');
  assert.deepEqual(Object.values(items[3].feature.properties), Array(13).fill(null));
  for (let k = 0; k < SHAPES.length; k++) {
    const [fid, bytes, expected] = SHAPES[k];
    const { wkb: got } = items[k];
    if (bytes === null) {
      assert.equal(got, undefined, `fid ${fid}: NULL geometry has no blob`);
      continue;
    }
    assert.deepEqual(Uint8Array.from(got!), bytes, `fid ${fid}: the blob as stored`);
    if (expected === undefined) assert.throws(() => parseGpkgGeometry(got!), { name: 'WkbError', message: 'truncated WKB: needs 5 bytes at byte 8, has 3' });
    else assert.deepEqual(parseGpkgGeometry(got!), expected, `fid ${fid}`);
  }
});

test('gpkg: a value the column cannot hold makes an error item naming table and row; reading goes on', async () => {
  const [layer] = await openGeoPackage(MAIN, { layers: ['bad_values'] });
  const items = await collect(layer);
  assert.equal(items.length, 3);
  assert.deepEqual(items[0].feature.properties, { n: null, t: 'ok', b: true, ts: '2020-01-01T00:00:00Z' });
  assert.equal(items[0].error, 'table "bad_values", fid 1: column "n" (INTEGER): unexpected text "abc"');
  assert.equal(items[1].wkb, undefined);
  assert.equal(
    items[1].error,
    'table "bad_values", fid 2: geometry column "geom" holds text "POINT (1 2)", not a GeoPackage geometry blob; ' +
      'column "n" (INTEGER): integer 1152921504606846976 is beyond ±2^53 and has no exact JavaScript number; ' +
      'column "t" (TEXT): unexpected a 2-byte blob; column "b" (BOOLEAN): integer 2 is not a BOOLEAN (0 or 1); ' +
      'column "ts" (DATETIME): text "yesterday" is not a DATETIME (YYYY-MM-DDTHH:MM:SS.SSSZ)',
  );
  assert.deepEqual(items[2], {
    index: 2,
    feature: { type: 'Feature', id: 3, properties: { n: 3, t: 'fine', b: false, ts: null }, geometry: null },
    wkb: items[2].wkb,
  });
});

test('gpkg: where, and bbox through the R-tree', async () => {
  const ids = async (opts: Parameters<typeof openGeoPackage>[1]) => (await collect((await openGeoPackage(MAIN, { layers: ['sweref'], ...opts }))[0])).map((it) => it.feature.id);
  assert.deepEqual(await ids({}), [1, 2, 3, 4]);
  assert.deepEqual(await ids({ where: "name IN ('b', 'c', 'd')" }), [2, 3, 4]);
  assert.deepEqual(await ids({ bbox: [550000, 6000000, 800000, 6800000] }), [2], 'point c is north of the box; d has no geometry');
  assert.deepEqual(await ids({ bbox: [0, 0, 1e7, 1e7], where: "name <> 'a'" }), [2, 3]);
  assert.deepEqual(await ids({ bbox: [600000, 6600000, 600000, 6600000] }), [2], 'touching counts');
  const [filtered] = await openGeoPackage(MAIN, { layers: ['sweref'], where: 'fid > 1' });
  assert.equal(filtered.count, undefined, 'no count once rows are filtered');
  // Without an R-tree the bbox filters nothing: the tiler clips anyway.
  const [shapes] = await openGeoPackage(MAIN, { layers: ['shapes'], bbox: [100, 100, 101, 101] });
  assert.equal((await collect(shapes)).length, SHAPES.length);
});

test('gpkg: layers option selects (case-insensitively), an unknown layer lists the real ones', async () => {
  assert.deepEqual((await openGeoPackage(MAIN, { layers: ['CUSTOM', 'shapes'] })).map((l) => l.name), ['shapes', 'custom']);
  await assert.rejects(openGeoPackage(MAIN, { layers: ['roads'] }), (e: Error) =>
    e instanceof UsageError && e.message === `${MAIN}: no layer "roads"; the layers are: "shapes", "sweref", "custom", "bad_values"`);
  await assert.rejects(openGeoPackage(MAIN, { layers: ['notes'] }), /no layer "notes"/, 'attribute tables are not feature layers');
});

test('gpkg: bad options are UsageErrors, found when the file is opened', async () => {
  await assert.rejects(openGeoPackage(MAIN, { where: 'no_such_column = 1' }), (e: Error) =>
    e instanceof UsageError && e.message === `${MAIN}: layer "shapes": bad where clause "no_such_column = 1": no such column: no_such_column`);
  await assert.rejects(openGeoPackage(MAIN, { bbox: [1, 2, 0, 3] }), (e: Error) => e instanceof UsageError && /bbox must be \[minX, minY, maxX, maxY\]/.test(e.message));
});

test('gpkg: files that are not GeoPackages', async () => {
  const text = join(dir, 'text.gpkg');
  writeFileSync(text, 'hello, I am not a database at all');
  await assert.rejects(openGeoPackage(text), (e: Error) => e instanceof InputError && e.message === `${text}: not a GeoPackage (not an SQLite database)`);
  const plain = join(dir, 'plain.gpkg');
  new Database(plain).exec('CREATE TABLE t (a)').close();
  await assert.rejects(openGeoPackage(plain), (e: Error) => e instanceof InputError && e.message === `${plain}: not a GeoPackage (no gpkg_contents table)`);
  await assert.rejects(openGeoPackage(join(dir, 'missing.gpkg')), (e: Error) => e instanceof InputError && /missing\.gpkg: no such file$/.test(e.message));
  const half = join(dir, 'half.gpkg');
  copyFileSync(MAIN, half);
  const db = new Database(half);
  db.exec("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('ghost', 'features', 'ghost')");
  db.close();
  await assert.rejects(openGeoPackage(half, { layers: ['ghost'] }), (e: Error) => e instanceof InputError && e.message === `${half}: layer "ghost" is listed in gpkg_contents but has no table`);
});

test('gpkg: undefined CRSs: srs_id 0 is WGS 84, srs_id -1 needs a CRS from the caller', async () => {
  const path = join(dir, 'undefined.gpkg');
  const db = createGpkg(path);
  addLayer(db, 'geo', 0, 'fid INTEGER PRIMARY KEY, geom POINT');
  addLayer(db, 'cart', -1, 'fid INTEGER PRIMARY KEY, geom POINT');
  addLayer(db, 'nodef', 100001, 'fid INTEGER PRIMARY KEY, geom POINT');
  addLayer(db, 'nosrs', 100002, 'fid INTEGER PRIMARY KEY, geom POINT');
  db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)').run('Nowhere', 100001, 'MYORG', 8, 'undefined', null);
  db.close();
  assert.equal((await openGeoPackage(path, { layers: ['geo'] }))[0].srs, 'EPSG:4326');
  const fails = (layer: string, message: string) =>
    assert.rejects(openGeoPackage(path, { layers: [layer] }), (e: Error) => e instanceof InputError && e.message === `${path}: layer "${layer}": ${message}; give it with --s-srs`);
  await fails('cart', 'the CRS is undefined (srs_id -1, undefined Cartesian)');
  await fails('nodef', 'srs_id 100001 (MYORG:8) has no CRS definition');
  await fails('nosrs', 'srs_id 100002 is not in gpkg_spatial_ref_sys');
  assert.deepEqual((await openGeoPackage(path, { srs: 'EPSG:3006' })).map((l) => l.srs), Array(4).fill('EPSG:3006'));
});

test('gpkg: a large table streams; stopping early closes the connection and the layer can be read again', async () => {
  const path = join(dir, 'big.gpkg');
  const db = createGpkg(path);
  addLayer(db, 'many', 4326, 'fid INTEGER PRIMARY KEY, geom POINT, n INTEGER');
  const insert = db.prepare('INSERT INTO many VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 20000; i++) insert.run(i, buf(blob({ type: 'Point', coordinates: [i % 360 - 180, 0] })), i * 2);
  })();
  db.close();
  const [layer] = await openGeoPackage(path);
  let seen = 0;
  for await (const item of layer.features()) {
    assert.equal(item.feature.properties.n, (item.index + 1) * 2);
    if (++seen === 10) break;
  }
  let count = 0;
  let last: GpkgItem | undefined;
  for await (const item of layer.features()) {
    count++;
    last = item;
  }
  assert.equal(count, 20000);
  assert.deepEqual(parseGpkgGeometry(last!.wkb!), { type: 'Point', coordinates: [20000 % 360 - 180, 0] });
});
