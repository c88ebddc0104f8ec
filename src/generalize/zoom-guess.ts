// The max zoom guessed from the data, as tippecanoe's -zg: deep enough that features near each other
// (and the vertices within a feature) are told apart. tippecanoe measures in its 2^32 × 2^32 world
// grid; here the grid is laid over the scheme's own matrix (the 2^k × 2^k square of zoom-0 tiles that
// holds it, curve.ts), so the same rule works in any CRS: a zoom whose tile unit is half the distance
// between nearby features.
//
// The distances: every feature's place (the middle of its bounding box) as a Z-order (quadkey) index
// in that grid, sorted; the gaps between neighbouring indices are log-normally spread, and tippecanoe
// takes as "nearby" the geometric mean gap less 1.5 standard deviations (in log), and as the distance
// the square root of a gap (an index gap is an area). Within lines and polygons the vertices' gaps
// count too: their geometric mean over 8.
import { interleave16 } from '../model/morton.js';
import { MAX_ZOOM } from '../scheme/tiling-scheme.js';

/** Bits of the grid along each axis of the square. */
export const GRID_BITS = 32;

/** The Z-order (quadkey) index of (u, v), in zoom-0 tile units, in the grid over the square of side 2^k. */
export function gridIndex(u: number, v: number, k: number): bigint {
  const scale = 2 ** (GRID_BITS - k);
  const max = 2 ** GRID_BITS - 1;
  const x = Math.min(max, Math.max(0, Math.floor(u * scale)));
  const y = Math.min(max, Math.max(0, Math.floor(v * scale)));
  // Interleave 16 bits at a time: y's bit above x's in each pair, as a quadkey reads.
  return (BigInt(interleave16(x >>> 16, y >>> 16)) << 32n) | BigInt(interleave16(x & 0xffff, y & 0xffff));
}

/** What the survey of the input measured. */
export interface Spacing {
  /** Every feature's place, as gridIndex, sorted. */
  places: BigUint64Array;
  /** Σ n·ln(d) and Σ n over lines and polygons with n vertex gaps whose geometric mean distance is d (grid units). */
  withinSum: number;
  withinCount: number;
  /** Polygons' area, in grid units² (to keep the tile count in bounds). */
  area: number;
}

export interface ZoomGuess {
  maxzoom: number;
  /** The typical and the nearby distance between features, in grid units (undefined: fewer than two places). */
  typical?: number;
  nearby?: number;
  /** The typical distance between the vertices of a feature, in grid units. */
  within?: number;
  /** Why the guess was cut back, if it was. */
  limitedBy?: 'tiles' | 'precision' | 'minzoom';
}

/** Most tiles (all zooms) a guessed max zoom may ask for polygons to fill, as tippecanoe's 2M. */
const MAX_GUESSED_TILES = 2 * 1024 * 1024;

/**
 * The max zoom for this spacing, tiles of `extent` units (tippecanoe's -d detail = log2 extent), in a
 * square of 2^k zoom-0 tiles; at least `minzoom`. Undefined when there is nothing to measure (fewer
 * than two distinct places and no line or polygon): tippecanoe stops there too.
 */
export function guessMaxzoom(s: Spacing, o: { extent: number; k: number; minzoom: number }): ZoomGuess | undefined {
  const detail = Math.log2(o.extent);
  const tileBits = GRID_BITS - o.k; // a zoom-0 tile is 2^tileBits grid units
  // Welford's running mean and variance of ln(gap) over distinct neighbours.
  let n = 0, mean = 0, m2 = 0;
  for (let i = 1; i < s.places.length; i++) {
    if (s.places[i] === s.places[i - 1]) continue;
    const x = Math.log(Number(s.places[i] - s.places[i - 1]));
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  if (n === 0 && s.withinCount === 0) return undefined;
  // The zoom at which one tile unit is `want` grid units.
  const zoomFor = (want: number) => Math.ceil(tileBits - Math.log2(want) - detail);
  const g: ZoomGuess = { maxzoom: 0 };
  if (n > 0) {
    const sd = Math.sqrt(m2 / n);
    g.typical = Math.sqrt(Math.exp(mean));
    g.nearby = Math.sqrt(Math.exp(mean - 1.5 * sd));
    g.maxzoom = zoomFor(g.nearby / 2); // a zoom beyond what tells nearby features apart
  }
  if (s.withinCount > 0) {
    g.within = Math.exp(s.withinSum / s.withinCount);
    const mz = zoomFor(g.within / 8);
    if (mz > g.maxzoom || n === 0) g.maxzoom = mz;
  }
  g.maxzoom = Math.max(0, g.maxzoom);
  const deepest = Math.min(MAX_ZOOM, Math.floor(tileBits - detail)); // the grid's precision
  if (g.maxzoom > deepest) [g.maxzoom, g.limitedBy] = [deepest, 'precision'];
  let tiles = 0;
  for (let z = 1; z <= g.maxzoom; z++) {
    tiles += Math.ceil(s.area / 4 ** (tileBits - z));
    if (tiles > MAX_GUESSED_TILES) {
      [g.maxzoom, g.limitedBy] = [z - 1, 'tiles'];
      break;
    }
  }
  if (g.maxzoom < o.minzoom) [g.maxzoom, g.limitedBy] = [o.minzoom, 'minzoom'];
  return g;
}
