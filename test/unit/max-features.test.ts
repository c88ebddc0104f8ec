// --max-features (GDAL's MAX_FEATURES) keeps a tile's largest features — polygons by area, then
// lines by length, then points, ties in input order — and draws them in input order. The choice is
// made on the tile's records in one pass (stages/select-largest.ts), so a zoom-0 tile of millions
// of points is never decoded whole; these tests pin down which features it keeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTileset } from '../../dist/index.js';
import { MemorySink } from '../memory-sink.js';

/** 12 squares (sizes 1…12 × 0.1°, shuffled), 12 lines (1…11°, two of equal length), 12 points. */
function mixed() {
  const order = [5, 11, 0, 7, 2, 9, 4, 10, 1, 8, 3, 6];
  const out = [];
  let id = 0;
  for (const k of order) {
    const d = (k + 1) * 0.1;
    out.push({ type: 'Feature', id: id++, properties: { kind: 'square', k }, geometry: { type: 'Polygon', coordinates: [[[k * 2, 0], [k * 2 + d, 0], [k * 2 + d, d], [k * 2, d], [k * 2, 0]]] } });
  }
  for (const k of order) {
    // Whole degrees (11+ tile units apart at zoom 0), so that rounding cannot make two lengths tie;
    // k = 10 and 11 have the same length: the earlier one wins.
    const d = Math.min(k, 10) + 1;
    out.push({ type: 'Feature', id: id++, properties: { kind: 'line', k }, geometry: { type: 'LineString', coordinates: [[k * 14, -5], [k * 14 + d, -5]] } });
  }
  for (const k of order) out.push({ type: 'Feature', id: id++, properties: { kind: 'point', k }, geometry: { type: 'Point', coordinates: [k, 5] } });
  return out;
}

async function zoom0(maxFeatures: number, threads = 1) {
  const sink = new MemorySink();
  const summary = await buildTileset({ inputs: [{ name: 'm', features: mixed() }], output: sink, maxzoom: 0, threads, maxFeatures, simplification: 0 });
  return { ids: sink.features().map((f) => f.id), features: sink.features(), summary, bytes: sink.tiles.get('0/0/0') };
}

test('over --max-features: all polygons, then the longest lines (ties in input order), in input order', async () => {
  const { features, ids, summary } = await zoom0(18);
  assert.equal(features.length, 18);
  assert.deepEqual(features.filter((f) => f.properties.kind === 'square').length, 12);
  const lines = features.filter((f) => f.properties.kind === 'line').map((f) => f.properties.k);
  // The six longest of k = 0…11 (k = 10 and 11 tie for the longest).
  assert.deepEqual([...lines].sort((a, b) => Number(a) - Number(b)), [6, 7, 8, 9, 10, 11]);
  assert.deepEqual(ids, [...ids].sort((a, b) => Number(a) - Number(b)), 'drawn in input order');
  assert.equal(summary.limited[0].droppedForCount, 18);
});

test('over --max-features with a tie at the cut: the earlier of two equal lines stays', async () => {
  // 12 squares + 1 line: the longest line is a tie between k = 10 and k = 11; k = 11 is earlier.
  const { features } = await zoom0(13);
  const lines = features.filter((f) => f.properties.kind === 'line');
  assert.deepEqual(lines.map((f) => f.properties.k), [11]);
});

test('over --max-features inside the points: the earliest points stay', async () => {
  const { features } = await zoom0(27);
  const points = features.filter((f) => f.properties.kind === 'point').map((f) => f.properties.k);
  assert.deepEqual(points, [5, 11, 0]);
  assert.equal(features.length, 27);
});

test('the same bytes whatever the threads, and unchanged under the limit', async () => {
  const one = await zoom0(20, 1), two = await zoom0(20, 2);
  assert.deepEqual(one.bytes, two.bytes);
  const all = await zoom0(1000);
  assert.equal(all.features.length, 36);
  assert.equal(all.summary.limited[0], undefined);
});
