// Issue 8, "no feature silently lost": each test pins one way data or a message went missing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTileset, crsArea, FeatureError, InputError, parseTilingScheme, resolveCrs, UsageError, type TileSink } from '../dist/index.js';
import { gdalFeatures, gdalSchema, skip } from './gdal-helpers.js';
import { fixture, listTiles, readTile, runCli, tempDir } from './helpers.js';

/** A sink that keeps nothing: for tests that look only at the summary or the error. */
const nullSink = (): TileSink => ({ async open() {}, async put() {}, async commit() {}, async abort() {} });

test('GeoJSONSeq: broken JSON is reported by its line in the file, not as "feature #1"', () => {
  const dir = tempDir();
  const src = join(dir, 'points.geojsons');
  // Line 2 is blank, so the broken record on line 3 is the second feature (#1).
  writeFileSync(src, '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}\n\n{"type":"Feature",,}\n');
  const r = runCli([src, '-o', join(dir, 'o'), '-z', '0', '-j', '1']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /points\.geojsons: line 3: invalid JSON: /);
  assert.doesNotMatch(r.stderr, /feature #1/);
});

test('GeoJSONSeq: a bad geometry names the feature and its line', () => {
  const dir = tempDir();
  const src = join(dir, 'points.geojsons');
  const good = '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}';
  writeFileSync(src, `${good}\n\n${good}\n{"type":"Feature","id":"p4","properties":{},"geometry":{"type":"Point","coordinates":["x",2]}}\n`);
  const r = runCli([src, '-o', join(dir, 'o'), '-z', '0']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /points\.geojsons: layer "points", feature #2 \(line 4, id "p4"\): Point: position 0 has a non-numeric/);
  // With --skip-invalid the summary lists it the same way.
  const s = runCli([src, '-o', join(dir, 'o2'), '-z', '0', '--skip-invalid']);
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stderr, /skipped .*points\.geojsons: layer "points", feature #2 \(line 4, id "p4"\)/);
});

test('a layer fed from code is named once in a message, not "layer "bad": layer "bad", …"', async () => {
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: ['x', 1] } }];
  await assert.rejects(buildTileset({ inputs: [{ name: 'bad', features }], output: nullSink(), threads: 1 }), (e: Error) => {
    assert.ok(e instanceof FeatureError);
    assert.equal(e.message, 'layer "bad", feature #0: Point: position 0 has a non-numeric or non-finite coordinate: ["x",1]');
    return true;
  });
  // A layer-level problem still says which layer.
  await assert.rejects(buildTileset({ inputs: [{ name: 'bad', features, srs: 'EPSG:0' }], output: nullSink(), threads: 1 }), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /^layer "bad": unknown CRS "EPSG:0"/);
    return true;
  });
});

test('GeoPackage: a BLOB column left out is said in the summary, with its table, and in --json', () => {
  const dir = tempDir();
  const gpkg = join(dir, 'with-blob.gpkg');
  copyFileSync(fixture('sweden-sample.gpkg'), gpkg);
  const Database = createRequire(import.meta.url)('better-sqlite3') as new (p: string) => { exec(sql: string): void; close(): void };
  const db = new Database(gpkg);
  db.exec('ALTER TABLE places ADD COLUMN photo BLOB'); // (GDAL's update triggers need SpatiaLite: no values)
  db.close();
  const r = runCli([gpkg, '-o', join(dir, 'o'), '-z', '0']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /column not written: .*with-blob\.gpkg: layer "places", column "photo" \(BLOB column: binary values have no MVT type\)/);
  const j = runCli([gpkg, '-o', join(dir, 'o2'), '-z', '0', '--json']);
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout).skippedColumns, [{ file: gpkg, layer: 'places', column: 'photo', why: 'BLOB column: binary values have no MVT type' }]);
});

test('an output named like another format (.zip, .json, .gpkg, .geojson; x.pmtiles as a directory) is a usage error, not a directory of that name', () => {
  const dir = tempDir();
  const src = join(dir, 'p.geojsons');
  writeFileSync(src, '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}\n');
  for (const [name, re, ...extra] of [
    ['x.zip', /output ".*x\.zip": a \.zip file is not a tileset format mvt-build writes; mvt-build writes a tileset directory .*, an \.mbtiles or a \.pmtiles file/],
    ['x.json', /a \.json file is not a tileset format/],
    ['x.gpkg', /a \.gpkg file is not a tileset format/],
    ['x.geojson', /a \.geojson file is not a tileset format/],
    ['X.PMTILES', /a directory output cannot be named ".*X\.PMTILES": \.pmtiles is the PMTiles file extension/, '--format', 'directory'],
    ['x.mbtiles', /a directory output cannot be named ".*x\.mbtiles": \.mbtiles is the MBTiles file extension/, '--format', 'directory'],
  ] as const) {
    const r = runCli([src, '-o', join(dir, name), '-z', '0', ...extra]);
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  assert.deepEqual(readdirSync(dir), ['p.geojsons'], 'nothing created');
  // A dotted name that is no file format is a directory, as before.
  const r = runCli([src, '-o', join(dir, 'tiles.v2'), '-z', '0', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(statSync(join(dir, 'tiles.v2', '0/0/0.pbf')).isFile());
});

test('inputs we do not read: .shp/.csv/.kml/.fgb and "-" are usage errors that say what is read', () => {
  const dir = tempDir();
  for (const name of ['roads.shp', 'points.csv', 'a.kml', 'b.fgb']) {
    writeFileSync(join(dir, name), 'x');
    const r = runCli([join(dir, name), '-o', join(dir, 'o'), '-z', '0']);
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${name.replace('.', '\\.')}: .* \\(\\.\\w+\\) is not an input mvt-build reads; it reads GeoJSON .*GeoJSONSeq \\(\\.geojsons, .*\\) and GeoPackage \\(\\.gpkg\\)`));
    assert.match(r.stderr, /ogr2ogr -f GeoJSONSeq/);
  }
  const r = runCli(['-', '-o', join(dir, 'o'), '-z', '0']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /reading standard input \("-"\) is not supported: give a file; mvt-build reads GeoJSON/);
  assert.ok(!existsSync(join(dir, 'o')));
});

test('content sniffing for other names: CSV text and a second JSON record are named as such, a BOM is fine', () => {
  const dir = tempDir();
  const point = '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}';
  writeFileSync(join(dir, 'data.txt'), 'name,lon,lat\nA,1,2\n{}\n');
  const csv = runCli([join(dir, 'data.txt'), '-o', join(dir, 'o'), '-z', '0']);
  assert.equal(csv.status, 1, csv.stderr);
  assert.match(csv.stderr, /data\.txt: not GeoJSON: the file starts with "name,lon,lat\.A,1" at byte 0, not a JSON object; mvt-build reads GeoJSON/);
  // Newline-delimited features under a .json name: the second one used to be merged into the first.
  writeFileSync(join(dir, 'seq.json'), `${point}\n${point}\n`);
  const seq = runCli([join(dir, 'seq.json'), '-o', join(dir, 'o'), '-z', '0']);
  assert.equal(seq.status, 1, seq.stderr);
  assert.match(seq.stderr, /seq\.json: not one GeoJSON document: more follows the root object at byte 83; a file with one feature per line is GeoJSONSeq and needs one of the extensions \.geojsons/);
  writeFileSync(join(dir, 'empty.geojson'), '  \n');
  const empty = runCli([join(dir, 'empty.geojson'), '-o', join(dir, 'o'), '-z', '0']);
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /empty\.geojson: not GeoJSON: the file is empty; mvt-build reads GeoJSON/);
  writeFileSync(join(dir, 'bom.geojson'), `\ufeff{"type":"FeatureCollection","features":[${point}]}\n`);
  const bom = runCli([join(dir, 'bom.geojson'), '-o', join(dir, 'o'), '-z', '0', '--json']);
  assert.equal(bom.status, 0, bom.stderr);
  assert.equal(JSON.parse(bom.stdout).featuresWritten, 1);
});

test('a missing parent directory of the output, or a missing --temp-dir, is refused (GDAL refuses too), and nothing is created', () => {
  const dir = tempDir();
  const src = join(dir, 'p.geojsons');
  writeFileSync(src, '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}\n');
  for (const out of [join(dir, 'no', 'such', 'tiles'), join(dir, 'no', 'such', 'x.mbtiles')]) {
    const r = runCli([src, '-o', out, '-z', '0']);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `mvt-build: ${out}: the output's parent directory ${join(dir, 'no', 'such')} does not exist (create it first)\n`);
  }
  const t = runCli([src, '-o', join(dir, 'o'), '-z', '0', '--temp-dir', join(dir, 'tmp')]);
  assert.equal(t.status, 1, t.stderr);
  assert.equal(t.stderr, `mvt-build: ${join(dir, 'tmp')}: the temporary directory (--temp-dir) does not exist\n`);
  writeFileSync(join(dir, 'afile'), '');
  const f = runCli([src, '-o', join(dir, 'o'), '-z', '0', '--temp-dir', join(dir, 'afile')]);
  assert.equal(f.status, 1, f.stderr);
  assert.match(f.stderr, /afile: the temporary directory \(--temp-dir\) is not a directory/);
  assert.deepEqual(readdirSync(dir).sort(), ['afile', 'p.geojsons']);
});

test('a string id (county FIPS "04015") is kept as an `id` field, as GDAL keeps it; an own `id` property wins', { skip }, () => {
  const dir = tempDir();
  const src = join(dir, 'counties.geojson');
  const pt = (coordinates: number[]) => ({ type: 'Point', coordinates });
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', id: '04015', properties: { name: 'Mohave' }, geometry: pt([-114, 35.5]) },
    { type: 'Feature', id: '04017', properties: { name: 'Navajo' }, geometry: pt([-110, 35.5]) },
  ] }));
  const out = join(dir, 'tiles');
  const r = runCli([src, '-o', out, '-z', '0', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(gdalSchema(join(out, '0')).fields.id, 'String');
  const read = gdalFeatures(join(out, '0')).map((f) => f.properties).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  assert.deepEqual(read, [{ id: '04015', name: 'Mohave' }, { id: '04017', name: 'Navajo' }]);

  // Negative and fractional ids too (a String field here, as the field also holds "own"); an integer
  // id stays the MVT id; a property "id" is not overwritten.
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', id: -3, properties: { n: 1 }, geometry: pt([1, 1]) },
    { type: 'Feature', id: 2.5, properties: { n: 2 }, geometry: pt([2, 2]) },
    { type: 'Feature', id: 7, properties: { n: 3 }, geometry: pt([3, 3]) },
    { type: 'Feature', id: 'x', properties: { n: 4, id: 'own' }, geometry: pt([4, 4]) },
  ] }));
  assert.equal(runCli([src, '-o', out, '-z', '0', '-q', '--force', '--no-compress']).status, 0);
  const layer = readTile(out, 0, 0, 0).layers.counties;
  const got = Array.from({ length: layer.length }, (_, i) => layer.feature(i)).map((f) => ({ mvtId: f.id, ...f.properties }));
  assert.deepEqual(got, [
    { mvtId: undefined, id: '-3', n: 1 },
    { mvtId: undefined, id: '2.5', n: 2 },
    { mvtId: 7, n: 3 },
    { mvtId: undefined, n: 4, id: 'own' },
  ]);
});

test('a zero-area polygon is "collapsed" whatever the simplification; outside, collapsed and no geometry are counted apart', async () => {
  // In ETRS-TM35FIN metres (EPSG:3067), so that the polygon's area is zero in the scheme's CRS too.
  const features = [
    { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[400000, 6800000], [410000, 6810000], [420000, 6820000], [400000, 6800000]]] } }, // zero area
    { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[400000, 6800000], [400000, 6800000]] } }, // one point
    { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-5e6, 0] } }, // far outside the grid
    { type: 'Feature', properties: {}, geometry: null },
    { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [] } },
    { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [400000, 6800000] } }, // written
  ];
  // The same objects twice: a build must not change the caller's features (it used to null their geometry).
  for (const simplification of [1, 0]) {
    const s = await buildTileset({ inputs: [{ name: 'f', features, srs: 'EPSG:3067' }], output: nullSink(), maxzoom: 3, tilingScheme: 'ETRS-TM35FIN', simplification, threads: 1 });
    assert.deepEqual(
      { written: s.featuresWritten, collapsed: s.collapsed, outside: s.outside, noGeometry: s.noGeometry },
      { written: 1, collapsed: 2, outside: 1, noGeometry: 2 },
      `simplification ${simplification}`,
    );
  }
  const dir = tempDir();
  const src = join(dir, 'f.geojson');
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features }));
  const r = runCli([src, '-o', join(dir, 'o'), '-z', '3', '--tiling-scheme', 'ETRS-TM35FIN', '--s-srs', 'EPSG:3067']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\n {2}not written: 2 without geometry, 1 outside the tiling scheme, 2 collapsed \(nothing to draw at any zoom: degenerate or too small\)/);
});

test('a 4-part scheme string gets the zoom-0 matrix that covers its CRS\'s area (geographic, Web Mercator); W0,H0 given are kept', async () => {
  const area = (crs: string) => crsArea(resolveCrs(crs));
  const size = (t: string) => {
    const s = parseTilingScheme(t, { crsArea: area });
    return [s.matrixWidthZ0, s.matrixHeightZ0];
  };
  assert.deepEqual(size('EPSG:4326,-180,90,180'), [2, 1]);
  assert.deepEqual(size('EPSG:4326,-180,90,90'), [4, 2]);
  assert.deepEqual(size('EPSG:4326,-180,180,360'), [1, 1], 'the GDAL 3.6 whole-world square stays one tile');
  assert.deepEqual(size('EPSG:4326,-180,90,180,1,1'), [1, 1], 'an explicit matrix is kept');
  assert.deepEqual(size('EPSG:3857,-20037508.342789244,20037508.342789244,40075016.68557849'), [1, 1]);
  assert.deepEqual(size('EPSG:3857,-20037508.342789244,20037508.342789244,20037508.342789244'), [2, 2]);
  assert.deepEqual(size('EPSG:3067,-548576,8388608,2097152'), [1, 1], 'no area known for a national grid');
  assert.deepEqual([parseTilingScheme('EPSG:4326,-180,90,180').matrixWidthZ0], [1], 'without crsArea, as before');
  assert.throws(() => size('EPSG:4326,-180,90,0.01'), (e: Error) => e instanceof UsageError && /spans 36000 × 18000 zoom-0 tiles of this size; give the zoom-0 matrix explicitly as CRS,ULX,ULY,DIM0,W0,H0/.test(e.message));
  // Through buildTileset: the point at lon 120 is written, not counted outside.
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [120, 40] } }];
  const s = await buildTileset({ inputs: [{ name: 'p', features }], output: nullSink(), maxzoom: 0, tilingScheme: 'EPSG:4326,-180,90,180', threads: 1 });
  assert.deepEqual([s.featuresWritten, s.outside, s.tiles], [1, 0, 1]);
});

test('progress: no "ETA NFs" or "ETA 0s" before there is a rate; then a real estimate (pseudo clock)', async () => {
  const { PassThrough } = await import('node:stream');
  const { createProgress, formatEta } = await import('../dist/cli/progress.js');
  // A fake terminal; each bar's last frame is drawn on stop(), whatever cli-progress's redraw rate.
  const terminal = () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    const seen = { out: '' };
    stream.on('data', (d: Buffer) => (seen.out += d.toString()));
    return { stream: stream as unknown as NodeJS.WriteStream, seen };
  };
  const flush = () => new Promise((r) => setImmediate(r));
  const read = (bytesRead: number) => ({ phase: 'read' as const, featuresRead: bytesRead, tilesWritten: 0, bytesRead, bytesTotal: 1000 });

  let clock = 0;
  const a = terminal();
  const va = createProgress(a.stream, () => clock)!;
  va.update(read(0));
  clock = 5000;
  va.update(read(0)); // five seconds and nothing yet: still no estimate
  va.stop();
  await flush();
  assert.match(a.seen.out, /reading: .* 0% \| 0 features \| ETA …/);
  assert.doesNotMatch(a.seen.out, /NF|INF|NULL|ETA 0s/);

  clock = 0;
  const b = terminal();
  const vb = createProgress(b.stream, () => clock)!;
  vb.update(read(0));
  clock = 10000;
  vb.update(read(250)); // a quarter in 10 s: 30 s to go
  vb.stop();
  await flush();
  assert.match(b.seen.out, /reading: .* 25% \| 250 features \| ETA 30s/);

  const c = terminal();
  const vc = createProgress(c.stream, () => clock)!;
  vc.update({ phase: 'write', featuresRead: 250, tilesWritten: 0, tilesTotal: 40 });
  vc.stop();
  await flush();
  assert.match(c.seen.out, /writing: .* 0% \| 0\/40 tiles \| ETA …/);
  assert.doesNotMatch(c.seen.out, /NF|INF|NULL|ETA 0s/);

  // The formatting on its own
  assert.equal(formatEta(0, 100, 60_000), '…');
  assert.equal(formatEta(50, 100, 500), '…', 'under a second: too soon to tell');
  assert.equal(formatEta(10, 100, 10_000), '1m30s');
  assert.equal(formatEta(1, 100, 60_000), '1h39m');
  assert.equal(formatEta(100, 100, 1), '0s');
});

test('the summary gives the tile bytes and the bytes on disk (du), and says which is which', () => {
  const dir = tempDir();
  const out = join(dir, 'tiles');
  const r = runCli([fixture('finland-sample.geojson'), '-o', out, '-z', '5', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  const tileBytes = listTiles(out).reduce((n, t) => n + statSync(join(out, `${t}.pbf`)).size, 0);
  assert.equal(s.bytes, tileBytes, 'bytes: the tile payload');
  // du -s counts allocated blocks of every file and directory, metadata.json included.
  const du = Number(execFileSync('du', ['-s', '-B1', out], { encoding: 'utf8' }).split('\t')[0]);
  assert.equal(s.diskBytes, du, 'diskBytes: what du shows');
  assert.ok(s.diskBytes > s.bytes);
  const mb = runCli([fixture('finland-sample.geojson'), '-o', join(dir, 'x.mbtiles'), '-z', '5', '--json']);
  assert.equal(mb.status, 0, mb.stderr);
  assert.equal(JSON.parse(mb.stdout).diskBytes, statSync(join(dir, 'x.mbtiles')).size);
  const text = runCli([fixture('finland-sample.geojson'), '-o', join(dir, 't2'), '-z', '5']);
  assert.match(text.stderr, new RegExp(`, ${(s.bytes / 1048576).toFixed(1)} MB of tiles \\(${(du / 1048576).toFixed(1)} MB on disk\\), 10/10 features`));
});
