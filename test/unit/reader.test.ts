// The streaming GeoJSON reader: every kind of document, chunk boundaries anywhere, clear errors.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, readGeoJSON } from '../../dist/index.js';
import { fixture, tempDir } from '../helpers.js';

async function readAll(path: string) {
  const info: { crs?: string } = {};
  const out = [];
  for await (const f of readGeoJSON(path, info)) out.push(f);
  return { features: out, info };
}

test('a FeatureCollection streams feature by feature, in order, with tricky strings intact', async () => {
  const dir = tempDir();
  const path = join(dir, 'big.geojson');
  // > 64 KiB so that features straddle read chunks; strings with braces, quotes, escapes, non-ASCII
  const feats = Array.from({ length: 3000 }, (_, i) => ({
    type: 'Feature',
    id: i,
    properties: { name: `n{${i}}] "q" \\ ü€𝄞`, features: [1, { a: '}' }] },
    geometry: { type: 'Point', coordinates: [i / 100, 10 - i / 100] },
  }));
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', name: 'x', features: feats, crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3006' } } }, null, 1));
  const { features, info } = await readAll(path);
  assert.equal(features.length, 3000);
  assert.deepEqual(features.map((f) => f.index), feats.map((_, i) => i));
  assert.deepEqual(features.map((f) => f.feature), feats);
  assert.equal(info.crs, 'urn:ogc:def:crs:EPSG::3006', 'crs member read even after the features');
});

test('a single Feature, a bare geometry, and an empty collection', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'f.geojson'), '{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2]}}');
  writeFileSync(join(dir, 'g.geojson'), '{"type":"LineString","coordinates":[[1,2],[3,4]]}');
  writeFileSync(join(dir, 'e.geojson'), '{"type":"FeatureCollection","features":[]}');
  assert.deepEqual((await readAll(join(dir, 'f.geojson'))).features.map((f) => f.feature.properties), [{ a: 1 }]);
  const g = (await readAll(join(dir, 'g.geojson'))).features;
  assert.deepEqual(g[0].feature.geometry, { type: 'LineString', coordinates: [[1, 2], [3, 4]] });
  assert.equal((await readAll(join(dir, 'e.geojson'))).features.length, 0);
});

test('GeoJSONSeq: RS-separated and newline-delimited', async () => {
  const rs = (await readAll(fixture('points.geojsons'))).features;
  assert.deepEqual(rs.map((f) => (f.feature.properties as { n: number }).n), [1, 2]);
  const dir = tempDir();
  writeFileSync(join(dir, 'x.ndjson'), '{"type":"Feature","properties":{"n":1},"geometry":null}\n\n{"type":"Feature","properties":{"n":2},"geometry":null}');
  assert.equal((await readAll(join(dir, 'x.ndjson'))).features.length, 2);
});

test('errors name the file and the feature; a truncated file is reported as such', async () => {
  await assert.rejects(readAll(fixture('broken/truncated.geojson')), (e: Error) => e instanceof InputError && /truncated\.geojson: .*ends inside/.test(e.message));
  await assert.rejects(readAll(fixture('broken/bad-json.geojson')), /bad-json\.geojson: feature #1 .*invalid JSON/);
  await assert.rejects(readAll('/nonexistent/file.geojson'), /file\.geojson: no such file/);
  const dir = tempDir();
  writeFileSync(join(dir, 'arr.geojson'), '[1,2,3]');
  await assert.rejects(readAll(join(dir, 'arr.geojson')), /not a JSON object/);
  writeFileSync(join(dir, 'nofeat.geojson'), '{"type":"FeatureCollection"}');
  await assert.rejects(readAll(join(dir, 'nofeat.geojson')), /no "features" array/);
  writeFileSync(join(dir, 'bad.ndjson'), '{"type":"Feature","geometry":null}\n{oops}\n');
  await assert.rejects(readAll(join(dir, 'bad.ndjson')), /bad\.ndjson: line 2: invalid JSON/);
});
