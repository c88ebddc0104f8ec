// Source CRS through the library: a GeoJSON `crs` member after the features, when the build cannot
// read the file again. Issue 8; the CLI and GDAL side: test/e2e/crs.test.ts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTileset, type TileSink } from '../../dist/index.js';
import { tempDir } from '../helpers.js';

const SWEREF = 'EPSG:3006,-1200000,8500000,4194304';

test('a late crs member when the build cannot start again (a sink of its own): the error names the file and says what to do', async () => {
  const src = join(tempDir(), 'late.geojson');
  // More than one batch (2,000), so that tiling starts before the member is read.
  const features = Array.from({ length: 2500 }, (_, i) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [674032 + i, 6580821] } }));
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features, crs: { type: 'name', properties: { name: 'EPSG:3006' } } }));
  const sink: TileSink = { open: async () => {}, put: async () => {}, commit: async () => {}, abort: async () => {} };
  await assert.rejects(
    buildTileset({ inputs: [src], output: sink, tilingScheme: SWEREF, threads: 1 }),
    (e: Error) => e.message === `${src}: the "crs" member (EPSG:3006) comes after the features, which were read as EPSG:4326: put "crs" before "features" or give --s-srs EPSG:3006`,
  );
  // A late member naming the CRS the features were read with changes nothing.
  const lonLat = features.map((f, i) => ({ ...f, geometry: { type: 'Point', coordinates: [15, 60 + i / 1e4] } }));
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: lonLat, crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } } }));
  const s = await buildTileset({ inputs: [src], output: sink, tilingScheme: SWEREF, threads: 1 });
  assert.equal(s.featuresWritten, 2500);
});
