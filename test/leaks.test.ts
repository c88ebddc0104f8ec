// Issue 8, "no feature silently lost": each test pins one way data or a message went missing.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTileset, FeatureError, InputError, type TileSink } from '../dist/index.js';
import { fixture, runCli, tempDir } from './helpers.js';

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
