// How a sharded build cuts the tile tree: the shard zoom K (given, or the first that spreads the
// work over enough subtrees) and, for every shard, one contiguous range of subtree numbers
// (model/subtrees.ts), balanced by the work each subtree is estimated to take. The estimate is
// the tiles each feature is drawn in, put in the subtree of its place (the middle of its box): at
// zoom z a feature of area a and box width + height s (zoom-0 tile units) is drawn in about
// a·4^z + s·2^z + 1 tiles (its inside, its edge, and one for a point), so a county is weighed by
// its size and a point by one tile per zoom. Shard 0 also draws every feature at the zooms below
// K, so it starts with that work. Every shard computes the same cut from the same inputs and
// options: nothing else goes in.
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
  /** The places of the features with an extent, in any order, and their [area, span] (stages/survey.ts). */
  sized?: BigUint64Array;
  sizes?: Float64Array;
  /** squareLevels of the zoom-0 matrix. */
  k: number;
  count: number;
  minzoom: number;
  maxzoom: number;
  /** --shard-zoom, when given. */
  zoom?: number;
}

/** What lies in one subtree: features, and the sums of their areas and spans. */
interface SubtreeLoad {
  n: number;
  features: number;
  area: number;
  span: number;
}

export function cutTileTree(r: CutRequest): ShardCut {
  const deepest = Math.min(r.maxzoom, MAX_SHARD_LEVELS - r.k);
  if (r.zoom !== undefined && (!Number.isInteger(r.zoom) || r.zoom < 0 || r.zoom > deepest)) throw new UsageError(`--shard-zoom must be 0..${deepest} (the max zoom, at most ${MAX_SHARD_LEVELS} levels of subtrees), got ${r.zoom}`);
  const zoom = r.zoom ?? chooseZoom(r, deepest);
  const levels = zoom + r.k;
  const loads = subtreeLoads(r, levels);
  const deep = tilesOver(r, zoom, r.maxzoom), low = tilesOver(r, 0, zoom - 1);
  let lowWork = 0, total = 0;
  for (const l of loads) {
    lowWork += low(l);
    total += low(l) + deep(l);
  }
  const target = total / r.count;
  const ranges: [number, number][] = [];
  let start = 0, shard = 0, done = lowWork;
  for (const l of loads) {
    // Close shards whose share is full before this subtree, keeping one for the rest.
    while (shard < r.count - 1 && done >= target * (shard + 1)) {
      ranges.push([start, l.n]);
      start = l.n;
      shard++;
    }
    done += deep(l);
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

/** The estimated tiles a subtree's features are drawn in at zooms lo..hi of the build. */
function tilesOver(r: CutRequest, lo: number, hi: number): (l: SubtreeLoad) => number {
  let zooms = 0, four = 0, two = 0;
  for (let z = Math.max(lo, r.minzoom); z <= Math.min(hi, r.maxzoom); z++) {
    zooms++;
    four += 4 ** z;
    two += 2 ** z;
  }
  return (l) => l.features * zooms + l.area * four + l.span * two;
}

/** What lies in each subtree at `levels` bits per axis, in subtree order (the places are sorted). */
function subtreeLoads(r: CutRequest, levels: number): SubtreeLoad[] {
  const shift = BigInt(64 - 2 * levels);
  const number = (p: bigint) => (levels === 0 ? 0 : Number(p >> shift));
  const out: SubtreeLoad[] = [];
  const byNumber = new Map<number, SubtreeLoad>();
  for (const p of r.places) {
    const n = number(p);
    const last = out[out.length - 1];
    if (last && last.n === n) last.features++;
    else {
      const l = { n, features: 1, area: 0, span: 0 };
      out.push(l);
      byNumber.set(n, l);
    }
  }
  // Each sized feature's place is among the places, so its subtree is already there.
  const { sized, sizes } = r;
  if (sized && sizes) {
    for (let i = 0; i < sized.length; i++) {
      const l = byNumber.get(number(sized[i]))!;
      l.area += sizes[2 * i];
      l.span += sizes[2 * i + 1];
    }
  }
  return out;
}

/**
 * One shard: zoom 0 (a single part). More: the first zoom at which no subtree holds more than a
 * quarter of a shard's share of the work below it, so that the ranges can be cut evenly — but no
 * deeper than half the max zoom, since shard 0 draws every zoom above it for the whole map.
 */
function chooseZoom(r: CutRequest, deepest: number): number {
  if (r.count === 1 || r.places.length === 0) return 0;
  const limit = Math.max(1, Math.min(deepest, Math.floor(r.maxzoom / 2)));
  for (let z = 1; z < limit; z++) {
    const deep = tilesOver(r, z, r.maxzoom);
    let biggest = 0, total = 0;
    for (const l of subtreeLoads(r, z + r.k)) {
      const w = deep(l);
      biggest = Math.max(biggest, w);
      total += w;
    }
    if (biggest <= total / (4 * r.count)) return z;
  }
  return Math.min(limit, deepest);
}
