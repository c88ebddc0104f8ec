// Thinning by zoom, as tippecanoe's --drop-rate (-r) and --base-zoom (-B): at and above the base zoom
// every point is drawn; at zoom z below it, one in rate^(base − z). Which ones: the features are walked
// along a Hilbert curve (curve.ts), and at each zoom every rate^(base − z)-th is kept — among those
// kept at the zoom below, so that a point drawn at zoom z is drawn at every deeper zoom, and evenly
// over space, since neighbours along the curve are neighbours on the map. The first feature of each
// layer in each tile is kept too (as in tippecanoe), so no tile loses all its points.
//
// The walk needs every feature, so it runs between the tile phase, which collects each feature's key,
// and the encode phase, which leaves out the records of features whose first zoom is deeper than the
// tile's (minzooms, indexed by input position). Inputs are read once: streams work. The guesses
// (-rg, -Bg) read the densest tile of each zoom off the same walk.
import { CURVE_DEPTH, curveOrder, tileOfKey } from './curve.js';

export interface ThinningOptions {
  /** One in `rate` features goes at each zoom below the base (a number ≥ 1), or 'g': guessed. */
  rate: number | 'g';
  /** The first zoom with every feature, or 'g': guessed; undefined: the max zoom. */
  baseZoom: number | 'g' | undefined;
  /** Thin lines and polygons too (tippecanoe --drop-lines, --drop-polygons); points always. */
  lines: boolean;
  polygons: boolean;
  /** The densest tile the guesses aim for (tippecanoe's 50,000). */
  guessFeatures: number;
}

/** What the walk chose, for the summary. */
export interface ThinningChoice {
  rate: number;
  baseZoom: number;
  rateGuessed: boolean;
  baseZoomGuessed: boolean;
  /** Features thinned (points, and lines/polygons when asked for). */
  features: number;
  /** Per zoom 0.., the features in its densest tile, before thinning (when a guess was made). */
  densest?: number[];
}

/**
 * The keys the tile phase collects, one per feature: its place on the curve, its input position
 * (seq), its output layer and, for the as-needed strategies (generalize/as-needed-rank.ts), its size
 * (`sized`). Appended in input order; thinning collects the thinnable features, the as-needed
 * strategies every feature.
 */
export class ThinningKeys {
  keys: Float64Array = new Float64Array(1 << 12);
  seqs: Float64Array = new Float64Array(1 << 12);
  layers: Uint16Array = new Uint16Array(1 << 12);
  /** Area (polygons) or π(length/2)² (lines) in zoom-0 tile units², 0 for points; only when sized. */
  sizes: Float64Array;
  length = 0;

  constructor(readonly sized = false) {
    this.sizes = new Float64Array(sized ? 1 << 12 : 0);
  }

  /** Adds a batch's tuples [key, seq, layer, (size,) …], layers renumbered through `layerOf`. */
  add(tuples: Float64Array, layerOf: (layer: number) => number): void {
    const stride = this.sized ? 4 : 3;
    const n = tuples.length / stride;
    if (this.length + n > this.keys.length) this.grow(this.length + n);
    for (let i = 0; i < n; i++) {
      this.keys[this.length] = tuples[stride * i];
      this.seqs[this.length] = tuples[stride * i + 1];
      this.layers[this.length] = layerOf(tuples[stride * i + 2]);
      if (this.sized) this.sizes[this.length] = tuples[stride * i + 3];
      this.length++;
    }
  }

  private grow(need: number): void {
    let size = this.keys.length * 2;
    while (size < need) size *= 2;
    const keys = new Float64Array(size), seqs = new Float64Array(size), layers = new Uint16Array(size), sizes = new Float64Array(this.sized ? size : 0);
    keys.set(this.keys);
    seqs.set(this.seqs);
    layers.set(this.layers);
    sizes.set(this.sizes);
    [this.keys, this.seqs, this.layers, this.sizes] = [keys, seqs, layers, sizes];
  }
}

/** What a tiling thread needs to know: which geometry types are thinned, and the curve's square. */
export interface ThinningContext {
  lines: boolean;
  polygons: boolean;
  /** squareLevels of the scheme's zoom-0 matrix. */
  k: number;
}

/**
 * Walks the keys and gives each feature its first zoom: `minzooms[seq]` (0 for features not thinned),
 * in memory shared with the encoding threads.
 */
export function thin(keys: ThinningKeys, o: ThinningOptions, at: { maxzoom: number; features: number; k: number }): { minzooms: Uint8Array; choice: ThinningChoice } {
  const order = curveOrder(keys.keys, keys.length);
  const guessing = o.rate === 'g' || o.baseZoom === 'g';
  const densest = guessing ? densestTiles(keys, order, at.k) : undefined;
  const { rate, baseZoom } = chooseThinning(o, at.maxzoom, densest);
  const minzooms = new Uint8Array(new SharedArrayBuffer(Math.max(1, at.features)));
  firstZooms(keys, order, rate, baseZoom, at.k, minzooms);
  return {
    minzooms,
    choice: { rate, baseZoom, rateGuessed: o.rate === 'g', baseZoomGuessed: o.baseZoom === 'g', features: keys.length, densest },
  };
}

/** The deepest zoom whose tiles the curve tells apart. */
const deepest = (k: number) => Math.min(30, CURVE_DEPTH - k);

/** Per zoom 0..deepest, the most features whose key lies in one tile. */
export function densestTiles(keys: ThinningKeys, order: Uint32Array, k: number): number[] {
  const zmax = deepest(k);
  const max = new Array<number>(zmax + 1).fill(0);
  const count = new Array<number>(zmax + 1).fill(0);
  const tile = new Array<number>(zmax + 1).fill(-1);
  for (let i = 0; i < order.length; i++) {
    const key = keys.keys[order[i]];
    for (let z = 0; z <= zmax; z++) {
      const t = tileOfKey(key, z, k);
      if (t !== tile[z]) {
        tile[z] = t;
        count[z] = 0;
      }
      if (++count[z] > max[z]) max[z] = count[z];
    }
  }
  return max;
}

/** tippecanoe rounds guessed rates to five decimals. */
const round5 = (r: number) => Math.round(r * 1e5) / 1e5;

/**
 * The rate and base zoom, guessed as tippecanoe guesses them: the base zoom is the first zoom whose
 * densest tile holds fewer than `guessFeatures`; the rate the smallest that keeps every shallower
 * zoom's densest tile under it. Data too dense even at the max zoom gets a base zoom beyond it (the
 * max zoom is thinned too) and, if the rate is guessed as well, the rate that takes the densest tile
 * of the max zoom to that of zoom 0.
 */
export function chooseThinning(o: ThinningOptions, maxzoom: number, densest: number[] | undefined): { rate: number; baseZoom: number } {
  const limit = o.guessFeatures;
  const d = (z: number) => densest![Math.min(z, densest!.length - 1)];
  let rate = o.rate === 'g' ? undefined : o.rate;
  let baseZoom: number;
  if (o.baseZoom !== 'g') baseZoom = o.baseZoom ?? maxzoom;
  else {
    baseZoom = densest!.findIndex((n) => n < limit);
    if (baseZoom < 0) baseZoom = densest!.length - 1;
    if (baseZoom > maxzoom) {
      rate ??= maxzoom === 0 ? 2.5 : round5(Math.exp(Math.log(d(0) / d(maxzoom)) / maxzoom));
      if (rate > 1) {
        baseZoom = 0;
        for (let z = 0; z <= maxzoom; z++) baseZoom = Math.max(baseZoom, Math.ceil(z + Math.log(d(z) / limit) / Math.log(rate)));
      } else baseZoom = maxzoom;
    }
  }
  if (rate === undefined) {
    rate = 1;
    for (let z = baseZoom - 1; z >= 0; z--) {
      if (d(z) / rate ** (baseZoom - z) >= limit) rate = round5(Math.exp(Math.log(d(z) / limit) / (baseZoom - z)));
    }
  }
  return { rate, baseZoom: Math.min(baseZoom, 30) };
}

/**
 * Each feature's first zoom. Walking the curve, zoom z < base keeps a count that every feature
 * raises by one and every feature kept at z lowers by rate^(base − z); a feature is kept at z when it
 * is kept at z + 1 and the count is not negative — every rate^(base − z)-th, nested. The first
 * feature of its layer in its tile (the tile holding its key) at a zoom is kept there whatever the
 * count says: first at z, it is first in its tile at z + 1 too, so the nesting holds.
 */
function firstZooms(keys: ThinningKeys, order: Uint32Array, rate: number, base: number, k: number, minzooms: Uint8Array): void {
  if (base <= 0) return;
  const interval = Array.from({ length: base }, (_, z) => rate ** (base - z));
  const count = new Float64Array(base);
  const lastTile = new Map<number, Float64Array>(); // per layer, per zoom
  for (let i = 0; i < order.length; i++) {
    const j = order[i];
    const key = keys.keys[j];
    for (let z = 0; z < base; z++) count[z]++;
    let first = 0;
    for (let z = base - 1; z >= 0; z--) {
      if (count[z] < 0) {
        first = z + 1;
        break;
      }
      count[z] -= interval[z];
    }
    let last = lastTile.get(keys.layers[j]);
    if (!last) lastTile.set(keys.layers[j], (last = new Float64Array(base).fill(-1)));
    for (let z = base - 1; z >= 0; z--) {
      const t = tileOfKey(key, z, k);
      if (t !== last[z]) {
        last[z] = t;
        if (z < first) first = z;
      }
    }
    minzooms[keys.seqs[j]] = first;
  }
}
