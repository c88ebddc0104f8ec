// The as-needed strategies' measure of each feature, taken once for the whole input, so that a choice
// made at one zoom holds at every shallower one. tippecanoe keeps the same per-feature figures (its
// serial_feature's gap, extent and drop sequence) and compares them with one threshold per zoom;
// a tile over the limits raises its zoom's threshold until every tile of the zoom fits. Here the
// thresholds are found deepest zoom first and carried up (zoomThresholds), so a feature that goes
// at zoom z for density goes at every shallower zoom too. A size is not carried: drop- and
// coalesce-smallest on lines and polygons decide each zoom on its own, as tippecanoe does (see
// carriesThresholds).
//
// A feature is kept at zoom z while its value is above the zoom's threshold. The values:
//   densest    its gap: the distance along the curve (curve.ts) from the feature before it in its
//              layer — small in dense places (tippecanoe's gap, in its quadkey order); a line or
//              polygon's is at least the square of half its extent (its size over π), as tippecanoe's
//              gap is the farthest of its vertices from the feature before: a long line is never
//              dense (without it, the coastline's zoom 5 kept 1.94× tippecanoe's lines, mostly short
//              ones, at the same bytes)
//   fraction   minus the bit-reversed rank along the curve: raising the threshold keeps every 2nd,
//              then every 4th … feature of the walk, evenly over space (tippecanoe's drop sequence)
//   smallest   the feature's size: a polygon's area, a line's π(length/2)² (tippecanoe's extent), a
//              point's gap (its share of the curve: points are as small as they are crowded)
// All three are in curve cells, so that points, lines and polygons of one layer compare.
import { CURVE_DEPTH, curveOrder } from './curve.js';
import type { FeatureRanks, Ranking } from '../model/feature-ranks.js';
import type { ThinningKeys } from './drop-rate.js';

/**
 * Whether a zoom's threshold is carried to the shallower zooms. The issue asks that a feature dropped
 * at zoom z for density stay dropped above it, and so it is for the densest and fraction strategies
 * and for points (whose size is their gap). A line's or polygon's size is its own: the threshold a
 * deeper zoom needs is high because that zoom draws every feature with more detail, not because the
 * feature is any smaller there, and carried up it left the shallower tiles far under the limit (the
 * counties' zoom 3 kept 1,647 features where its own threshold keeps 2,125 and tippecanoe 3,127).
 */
export function carriesThresholds(by: Ranking, ranks: FeatureRanks): boolean {
  return by !== 'smallest' || ranks.byGap > 0;
}

/** The ranks of the features whose keys (with sizes) the tile phase collected; `features` read. */
export function rankFeatures(keys: ThinningKeys, by: Ranking, features: number, k: number): FeatureRanks {
  const n = Math.max(1, features);
  const order = new Float64Array(new SharedArrayBuffer(8 * n));
  const value = new Float64Array(new SharedArrayBuffer(8 * n));
  const walk = curveOrder(keys.keys, keys.length);
  // A zoom-0 tile unit² is 4^(CURVE_DEPTH − k) cells.
  const cellsPerUnit2 = 4 ** (CURVE_DEPTH - k);
  const last = new Map<number, { key: number; rank: number }>(); // per layer
  let byGap = 0;
  for (let i = 0; i < walk.length; i++) {
    const j = walk[i];
    const seq = keys.seqs[j];
    const key = keys.keys[j];
    const layer = keys.layers[j];
    const before = last.get(layer);
    const gap = before ? key - before.key : Infinity;
    const rank = before ? before.rank + 1 : 0;
    last.set(layer, { key, rank });
    order[seq] = i;
    const size = keys.sized ? keys.sizes[j] : 0;
    if (by === 'smallest' && !(size > 0)) byGap++;
    value[seq] = by === 'densest' ? (size > 0 ? Math.max(gap, (size * cellsPerUnit2) / Math.PI) : gap) : by === 'fraction' ? -bitReverse32(rank) : size > 0 ? size * cellsPerUnit2 : gap;
  }
  return { order, value, byGap };
}

/** The 32 bits of n (below 2^32) in reverse order. */
export function bitReverse32(n: number): number {
  let r = 0;
  for (let b = 0; b < 32; b++) {
    r = r * 2 + (n % 2);
    n = Math.floor(n / 2);
  }
  return r;
}

/**
 * Each zoom's threshold from what its tiles need (pairs z, threshold; −Infinity: the tile fits
 * whole): the most any tile of the zoom needs, and, when `carry`, never below the next deeper zoom's,
 * so a feature that goes at zoom z + 1 goes at z too. The maximum does not depend on the order tiles
 * come in.
 */
export function zoomThresholds(needs: ArrayLike<number>, maxzoom: number, carry = true): number[] {
  const t = new Array<number>(maxzoom + 1).fill(-Infinity);
  for (let i = 0; i < needs.length; i += 2) t[needs[i]] = Math.max(t[needs[i]], needs[i + 1]);
  if (carry) for (let z = maxzoom - 1; z >= 0; z--) t[z] = Math.max(t[z], t[z + 1]);
  return t;
}
