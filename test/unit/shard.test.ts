// The pieces of a sharded build: --shard parsing and the engines' variables, the numbering of
// subtrees, and the cut of the tile tree into balanced ranges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridIndex } from '../../src/generalize/zoom-guess.js';
import { boxMayTouch, ownsTile, subtreeNumber, subtreeTile } from '../../src/model/subtrees.js';
import { cutTileTree, regionOf } from '../../src/shard/assign.js';
import { resolveShard } from '../../src/shard/spec.js';

test('--shard I/N, auto with a Kubernetes or AWS Batch index, and clear errors', () => {
  assert.deepEqual(resolveShard('2/7', {}), { index: 2, count: 7 });
  assert.deepEqual(resolveShard('auto/5', { JOB_COMPLETION_INDEX: '4' }), { index: 4, count: 5 });
  assert.deepEqual(resolveShard('auto', { JOB_COMPLETION_INDEX: '1', MVT_BUILD_SHARDS: '3' }), { index: 1, count: 3 });
  assert.deepEqual(resolveShard('auto', { AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '2' }), { index: 0, count: 2 });
  assert.deepEqual(resolveShard({ index: 0, count: 1 }, {}), { index: 0, count: 1 });
  assert.throws(() => resolveShard('3/3', {}), /the index must be 0\.\.2/);
  assert.throws(() => resolveShard('0/0', {}), /number of shards must be 1\.\./);
  assert.throws(() => resolveShard('1of3', {}), /--shard must be I\/N/);
  assert.throws(() => resolveShard('auto', {}), /neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is set/);
  assert.throws(() => resolveShard('auto', { JOB_COMPLETION_INDEX: '0' }), /how many shards\? give --shard auto\/N or set MVT_BUILD_SHARDS/);
  assert.throws(() => resolveShard('auto/3', { JOB_COMPLETION_INDEX: '3' }), /JOB_COMPLETION_INDEX=3: the index must be 0\.\.2/);
  assert.throws(() => resolveShard('auto/3', { JOB_COMPLETION_INDEX: 'x' }), /JOB_COMPLETION_INDEX must be a whole number/);
});

test('subtree numbers follow the quadkey order and invert', () => {
  assert.equal(subtreeNumber(0, 0, 2), 0);
  assert.equal(subtreeNumber(1, 0, 2), 1);
  assert.equal(subtreeNumber(0, 1, 2), 2);
  assert.equal(subtreeNumber(2, 0, 2), 4);
  assert.equal(subtreeNumber(3, 3, 2), 15);
  for (let n = 0; n < 256; n++) assert.equal(subtreeNumber(...subtreeTile(n, 4), 4), n);
  const r = { zoom: 2, levels: 2, start: 4, end: 8, low: false };
  assert.equal(ownsTile(r, 1, 0, 0), false);
  assert.equal(ownsTile({ ...r, low: true }, 1, 0, 0), true);
  assert.equal(ownsTile(r, 2, 2, 0), true);
  assert.equal(ownsTile(r, 5, 2 * 8 + 7, 7), true); // under (2, 2, 0)
  assert.equal(ownsTile(r, 5, 7, 7), false); // under (2, 0, 0)
  // A box in zoom-0 units: the top-right quarter is subtrees 4..7 at zoom 2.
  assert.equal(boxMayTouch(r, 0.6, 0.9, 0.1, 0.4, 0), true);
  assert.equal(boxMayTouch(r, 0.1, 0.4, 0.1, 0.4, 0), false);
  assert.equal(boxMayTouch(r, 0.1, 0.49, 0.1, 0.4, 0.05), true, 'the buffer reaches across');
});

test('the cut covers every subtree once, balances the features, and depends on the data only', () => {
  // 1000 places in the west half, 3000 in the east half of one zoom-0 tile.
  const places = BigUint64Array.from(Array.from({ length: 4000 }, (_, i) => gridIndex(i < 1000 ? 0.1 + (i % 100) / 400 : 0.6 + (i % 300) / 800, ((i * 7) % 997) / 997, 0))).sort();
  const cut = cutTileTree({ places, k: 0, count: 4, minzoom: 0, maxzoom: 10 });
  assert.equal(cut.ranges.length, 4);
  let at = 0;
  for (const [s, e] of cut.ranges) {
    assert.equal(s, at);
    at = e;
  }
  assert.equal(at, 4 ** cut.levels);
  assert.deepEqual(cutTileTree({ places, k: 0, count: 4, minzoom: 0, maxzoom: 10 }), cut);
  // Work per shard: shard 0 draws every feature at the zooms below the cut as well.
  const shift = BigInt(64 - 2 * cut.levels);
  const work = cut.ranges.map(([s, e], i) => {
    const n = [...places].filter((p) => Number(p >> shift) >= s && Number(p >> shift) < e).length;
    return n * (10 - cut.zoom + 1) + (i === 0 ? places.length * cut.zoom : 0);
  });
  const mean = work.reduce((a, b) => a + b) / 4;
  for (const w of work) assert.ok(Math.abs(w - mean) < 0.35 * mean, `work ${work.join(', ')}`);
  assert.deepEqual(regionOf(cut, 0), { zoom: cut.zoom, levels: cut.levels, start: 0, end: cut.ranges[0][1], low: true });
  assert.equal(regionOf(cut, 2).low, false);
  // One shard: the whole tree from zoom 0; a given zoom is kept; one out of range is refused.
  assert.deepEqual(cutTileTree({ places, k: 0, count: 1, minzoom: 0, maxzoom: 10 }), { zoom: 0, levels: 0, ranges: [[0, 1]] });
  assert.equal(cutTileTree({ places, k: 1, count: 3, minzoom: 0, maxzoom: 10, zoom: 4 }).levels, 5);
  assert.throws(() => cutTileTree({ places, k: 0, count: 3, minzoom: 0, maxzoom: 6, zoom: 7 }), /--shard-zoom must be 0\.\.6/);
});

test('the cut weighs a feature by the tiles it is drawn in, not as one', () => {
  // 100 polygons of 0.01 zoom-0 tiles² in the top half (subtrees 0–7 at zoom 2), 3000 points in the bottom half (8–15).
  const top = Array.from({ length: 100 }, (_, i) => gridIndex(0.05 + (i % 10) / 11, 0.05 + Math.floor(i / 10) / 25, 0));
  const bottom = Array.from({ length: 3000 }, (_, i) => gridIndex(((i * 7) % 997) / 997, 0.55 + (i % 60) / 140, 0));
  const places = BigUint64Array.from([...top, ...bottom]).sort();
  const r = { places, k: 0, count: 2, minzoom: 0, maxzoom: 8, zoom: 2 };
  // Counted as features, the 100 polygons are a thirtieth of the work: shard 0 takes them and some points too.
  const counted = cutTileTree(r);
  assert.ok(counted.ranges[0][1] > 8, JSON.stringify(counted.ranges));
  // Weighed, each polygon is drawn in about 0.01·4^z + 0.2·2^z + 1 tiles at zoom z, ~1000 over zooms 2–8,
  // against 7 for a point: the polygons are four fifths of the work, and the two shards share them.
  const weighed = cutTileTree({ ...r, sized: BigUint64Array.from(top), sizes: Float64Array.from(top.flatMap(() => [0.01, 0.2])) });
  assert.ok(weighed.ranges[0][1] > 0 && weighed.ranges[0][1] < 8, JSON.stringify(weighed.ranges));
  assert.deepEqual(weighed.ranges[1][1], 16);
});
