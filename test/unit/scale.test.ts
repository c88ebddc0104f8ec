// Zooms from map scales (--min-scale, --max-scale) in the scheme's own scale denominators: 256-pixel
// tiles and 0.28 mm pixels, the figures of tilematrixset.json.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTileset, parseTilingScheme, tileMatrixSetJson, UsageError } from '../../dist/index.js';
import { parseScale, scaleDenominator, zoomForScale } from '../../dist/internals.js';
import { MemorySink } from '../memory-sink.js';

test('a scale is 1:N or N, thousands grouped or not', () => {
  assert.deepEqual(['1:25,000', '1:25 000', '1 : 25000', '25000', '1:25_000', 25000].map(parseScale), [25000, 25000, 25000, 25000, 25000, 25000]);
  assert.deepEqual(['1:0', '1:-5', 'big', '', '1:'].map(parseScale), [undefined, undefined, undefined, undefined, undefined]);
});

test('scale denominators are those of tilematrixset.json; the zoom for a scale', () => {
  const wm = parseTilingScheme('WebMercatorQuad'), fin = parseTilingScheme('ETRS-TM35FIN');
  const tms = tileMatrixSetJson(fin, { maxzoom: 12 });
  for (let z = 0; z <= 12; z++) assert.equal(scaleDenominator(fin, z, 1), tms.tileMatrices[z].scaleDenominator);
  assert.equal(scaleDenominator(wm, 0, 1), 559082264.0287178); // the OGC registry's GoogleMapsCompatible
  assert.equal(Math.round(scaleDenominator(fin, 9, 1)), 57143); // 16 m pixels
  // the most detailed view: the first zoom at least as detailed
  assert.equal(zoomForScale(wm, 1, 20000, 'max'), 15); // z14 is 1:34,124, z15 1:17,062
  assert.equal(zoomForScale(fin, 1, 50000, 'max'), 10); // z9 1:57,143, z10 1:28,571
  assert.equal(zoomForScale(wm, 1, 559082264.0287178 / 32, 'max'), 5); // exactly zoom 5's
  assert.equal(zoomForScale(fin, 1, 1e10, 'max'), 0);
  assert.equal(zoomForScale(fin, 1, 0.001, 'max'), undefined);
  // the least detailed view: the last zoom no more detailed
  assert.equal(zoomForScale(wm, 1, 5e6, 'min'), 6); // z6 1:8,735,660, z7 1:4,367,830
  assert.equal(zoomForScale(fin, 1, 1e6, 'min'), 4); // z4 1:1,828,571, z5 1:914,286
  assert.equal(zoomForScale(fin, 1, 1e10, 'min'), 0);
});

test('ETRS-TM35FIN: --min-scale 1:1,000,000 --max-scale 1:50,000 builds zooms 4..10', async () => {
  const sink = new MemorySink();
  const features = [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [24.94, 60.17] } }];
  const s = await buildTileset({ inputs: [{ name: 'p', features }], output: sink, tilingScheme: 'ETRS-TM35FIN', minScale: '1:1,000,000', maxScale: '1:50 000', threads: 1 });
  assert.deepEqual(Object.keys(s.tilesPerZoom).map(Number), [4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual([sink.metadata!.minzoom, sink.metadata!.maxzoom], [4, 10]);
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features }], output: new MemorySink(), maxScale: '1:50000', maxzoom: 8 }), (e: Error) => e instanceof UsageError && /--max-scale and --maxzoom both set the max zoom/.test(e.message));
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features }], output: new MemorySink(), maxScale: '1:0.1' }), /max-scale 1:0.1 is more detailed than zoom 30 of this scheme \(1:1\)/);
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features }], output: new MemorySink(), minScale: 'huge' }), /min-scale must be a scale 1:N, got "huge"/);
});
