// How a sharded build cuts the tile tree: the shard zoom K (given, or the first that spreads the
// features over enough subtrees) and, for every shard, one contiguous range of subtree numbers
// (model/subtrees.ts), balanced by the work each subtree is estimated to take. The estimate is
// the survey's count of feature places (the middle of each feature's box) per subtree, times the
// zooms ≥ K; shard 0 also draws every feature at the zooms below K, so it starts with that work.
// Every shard computes the same cut from the same inputs and options: nothing else goes in.
import { UsageError } from '../errors.js';
import { MAX_SHARD_LEVELS, type ShardRegion } from '../model/subtrees.js';

export interface ShardCut {
  zoom: number;
  levels: number;
  /** Per shard, its subtrees [start, end): together 0..4^levels, in order. */
  ranges: [number, number][];
}

export interface CutRequest {
  /** Every feature's place as gridIndex (generalize/zoom-guess.ts: 32 bits per axis), sorted. */
  places: BigUint64Array;
  /** squareLevels of the zoom-0 matrix. */
  k: number;
  count: number;
  minzoom: number;
  maxzoom: number;
  /** --shard-zoom, when given. */
  zoom?: number;
}

export function cutTileTree(r: CutRequest): ShardCut {
  const deepest = Math.min(r.maxzoom, MAX_SHARD_LEVELS - r.k);
  if (r.zoom !== undefined && (!Number.isInteger(r.zoom) || r.zoom < 0 || r.zoom > deepest)) throw new UsageError(`--shard-zoom must be 0..${deepest} (the max zoom, at most ${MAX_SHARD_LEVELS} levels of subtrees), got ${r.zoom}`);
  const zoom = r.zoom ?? chooseZoom(r, deepest);
  const levels = zoom + r.k;
  const counts = subtreeCounts(r.places, levels);
  const zoomsIn = (a: number, b: number) => Math.max(0, Math.min(b, r.maxzoom) - Math.max(a, r.minzoom) + 1);
  const deep = zoomsIn(zoom, r.maxzoom), low = zoomsIn(0, zoom - 1);
  const total = r.places.length * (deep + low);
  const target = total / r.count;
  const ranges: [number, number][] = [];
  let start = 0, shard = 0, done = r.places.length * low;
  for (const [n, c] of counts) {
    // Close shards whose share is full before this subtree, keeping one for the rest.
    while (shard < r.count - 1 && done >= target * (shard + 1)) {
      ranges.push([start, n]);
      start = n;
      shard++;
    }
    done += c * deep;
  }
  while (ranges.length < r.count - 1) {
    ranges.push([start, start]);
  }
  ranges.push([start, 4 ** levels]);
  return { zoom, levels, ranges };
}

/** The region of shard `index` in a cut. */
export function regionOf(cut: ShardCut, index: number): ShardRegion {
  const [start, end] = cut.ranges[index];
  return { zoom: cut.zoom, levels: cut.levels, start, end, low: index === 0 };
}

/** Feature places per subtree at `levels` bits per axis, in subtree order (the places are sorted). */
function subtreeCounts(places: BigUint64Array, levels: number): [number, number][] {
  const shift = BigInt(64 - 2 * levels);
  const out: [number, number][] = [];
  for (const p of places) {
    const n = levels === 0 ? 0 : Number(p >> shift);
    const last = out[out.length - 1];
    if (last && last[0] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

/**
 * One shard: zoom 0 (a single part). More: the first zoom at which no subtree holds more than a
 * quarter of a shard's share of the features, so that the ranges can be cut evenly — but no deeper
 * than half the max zoom, since shard 0 draws every zoom above it for the whole map.
 */
function chooseZoom(r: CutRequest, deepest: number): number {
  if (r.count === 1 || r.places.length === 0) return 0;
  const limit = Math.max(1, Math.min(deepest, Math.floor(r.maxzoom / 2)));
  for (let z = 1; z < limit; z++) {
    const biggest = subtreeCounts(r.places, z + r.k).reduce((m, e) => Math.max(m, e[1]), 0);
    if (biggest <= r.places.length / (4 * r.count)) return z;
  }
  return Math.min(limit, deepest);
}
