// GDAL's MAX_SIZE and MAX_FEATURES: a tile over the limits is first drawn more coarsely (extent
// halved while it is at least 256), then its smallest features are dropped until it fits. Unlike
// GDAL, "smallest" is measured exactly as drawn in the tile, and what is dropped is reported. With
// one of tippecanoe's as-needed strategies (as-needed.ts) the tile first gives up, at full detail,
// what its zoom's threshold says (encodeRanked), and the threshold a tile needs is found here too
// (fitRanked); GDAL's way only cuts a tile that still does not fit.
import { ringArea, type TileFrame } from '../geometry/quantize.js';
import { POINT, POLYGON } from '../model/geometry.js';
import type { FeatureRanks } from '../model/feature-ranks.js';
import { fitThreshold, TileChoice, type Choice, type ListLayer, type Ranked } from './as-needed.js';
import { decodeCommands } from './commands.js';
import { encodeTile, type TileFeature, type TileLayer } from './encode-tile.js';
import { gzipTile } from './gzip.js';
import { redraw } from './redraw.js';

export { decodeCommands } from './commands.js';

export interface TileLimits {
  /** Bytes, after compression when compress is on (GDAL MAX_SIZE, default 500000). */
  maxSize: number;
  /** Features per tile, all layers together (GDAL MAX_FEATURES, default 200000). */
  maxFeatures: number;
  /** zlib level of each tile's gzip (1–9); 0: raw protobuf. */
  gzipLevel: number;
  /** As TileFrame.tinyArea2, at the reduced extents. */
  tinyArea2: number;
  repair?: boolean;
}

/** A tile under one of tippecanoe's strategies: its zoom's threshold, and every feature's rank. */
export interface RankedTile {
  strategy: Ranked;
  ranks: FeatureRanks;
  threshold: number;
}

export interface LimitReport {
  /** Extent the tile was finally drawn at, when it had to be reduced. */
  reducedExtent?: number;
  droppedForSize: number;
  droppedForCount: number;
  /** Features the zoom's threshold left out (tippecanoe's strategies, as-needed.ts). */
  droppedAsNeeded: number;
  /** Points merged into clusters, features merged into others (not counted as dropped), and the layers holding clusters. */
  clustered: number;
  coalesced: number;
  clusteredLayers?: string[];
}

const packer = (level: number) => (ls: ListLayer[]) => {
  const raw = encodeTile(ls);
  return level ? gzipTile(raw, level) : raw;
};

/** Encodes (and compresses) a tile, applying the limits as GDAL does. */
export function encodeWithinLimits(input: TileLayer[], lim: TileLimits): { data: Uint8Array; report: LimitReport } {
  let layers: ListLayer[] = input.map((l) => (Array.isArray(l.features) ? (l as ListLayer) : { ...l, features: [...l.features] }));
  const report: LimitReport = { droppedForSize: 0, droppedForCount: 0, droppedAsNeeded: 0, clustered: 0, coalesced: 0 };
  const pack = packer(lim.gzipLevel);
  let total = 0;
  for (const l of layers) total += l.features.length;
  if (total > lim.maxFeatures) {
    layers = keepLargest(layers, lim.maxFeatures);
    report.droppedForCount = total - lim.maxFeatures;
    total = lim.maxFeatures;
  }
  let data = pack(layers);
  if (data.length <= lim.maxSize) return { data, report };

  // Coarser drawing first: every feature stays, with fewer distinct coordinates. Each extent is
  // drawn from the tile as first drawn, not from the previous halving: rounding twice would add
  // up the errors (x = 52, 53, 54 at extent 128 where the source gives 51, 52, 53).
  const full = layers[0]?.extent ?? 4096;
  let extent = full;
  let reduced = layers;
  while (data.length > lim.maxSize && extent >= 256) {
    extent = Math.floor(extent / 2);
    const frame: TileFrame = { scale: 1, x: 0, y: 0, extent: extent / full, sqTolerance: 0, tinyArea2: lim.tinyArea2, repair: lim.repair };
    reduced = layers.map((l) => rescaleLayer(l, extent, frame));
    data = pack(reduced);
    report.reducedExtent = extent;
  }
  if (data.length <= lim.maxSize) return { data, report };

  // Then the smallest features go: the most that fit, found by bisection. The largest one stays
  // even if it alone is over the limit: an empty tile would draw nothing at all.
  const n = reduced.reduce((s, l) => s + l.features.length, 0);
  let lo = Math.min(1, n), hi = n;
  let best = pack(keepLargest(reduced, lo));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const d = pack(keepLargest(reduced, mid));
    if (d.length <= lim.maxSize) {
      lo = mid;
      best = d;
    } else hi = mid - 1;
  }
  report.droppedForSize = n - lo;
  return { data: best, report };
}

/** The tile as a zoom's threshold leaves it (as-needed.ts), cut further as GDAL would if still over. */
export function encodeRanked(layers: ListLayer[], lim: TileLimits, ranked: RankedTile): { data: Uint8Array; report: LimitReport } {
  const c = new TileChoice(layers, ranked.ranks, ranked.strategy, fullFrame(lim)).at(ranked.threshold);
  const r = encodeWithinLimits(c.layers, lim);
  r.report.droppedAsNeeded = c.dropped;
  r.report.clustered = c.clustered;
  r.report.coalesced = c.coalesced;
  if (c.clusteredLayers.length) r.report.clusteredLayers = c.clusteredLayers;
  return r;
}

/** A threshold at which the tile fits both limits (fitThreshold). */
export function fitRanked(layers: ListLayer[], lim: TileLimits, ranked: Omit<RankedTile, 'threshold'>): number {
  const pack = packer(lim.gzipLevel);
  // A tile over the count is not encoded: the count alone says how far to go.
  const weigh = (c: Choice) => ({ features: c.kept, bytes: c.kept > lim.maxFeatures ? Infinity : pack(c.layers).length });
  const choice = new TileChoice(layers, ranked.ranks, ranked.strategy, fullFrame(lim));
  return fitThreshold(choice.sorted, (t) => choice.at(t), weigh, lim, ranked.strategy);
}

/** A tile's features as drawn, at full extent: merged geometries are drawn again through it. */
const fullFrame = (lim: TileLimits): TileFrame => ({ scale: 1, x: 0, y: 0, extent: 1, sqTolerance: 0, tinyArea2: lim.tinyArea2, repair: lim.repair });

/**
 * The `keep` largest features, in their original order. Points have no size and go first, then
 * lines by length, then polygons by area (each compared with its own kind, as drawn in this tile).
 */
function keepLargest(layers: ListLayer[], keep: number): ListLayer[] {
  const all: { l: number; i: number; kind: number; size: number }[] = [];
  layers.forEach((layer, l) => layer.features.forEach((f, i) => all.push({ l, i, kind: f.type, size: drawnSize(f) })));
  if (keep >= all.length) return layers;
  all.sort((a, b) => b.kind - a.kind || b.size - a.size || a.l - b.l || a.i - b.i);
  const kept = layers.map(() => new Set<number>());
  for (const k of all.slice(0, keep)) kept[k.l].add(k.i);
  return layers.map((layer, l) => ({ ...layer, features: layer.features.filter((_, i) => kept[l].has(i)) }));
}

/** Area (polygons, px²) or length (lines, px) as drawn; 0 for points. */
export function drawnSize(f: TileFeature): number {
  if (f.type === POINT) return 0;
  const parts = decodeCommands(f.geometry);
  let s = 0;
  for (const p of parts) {
    if (f.type === POLYGON) s += ringArea(p) / 2; // exterior positive, holes negative
    else for (let i = 2; i < p.length; i += 2) s += Math.hypot(p[i] - p[i - 2], p[i + 1] - p[i - 1]);
  }
  return s;
}

/** Redraws a layer at a smaller extent, with the same validity rules as the first drawing. */
function rescaleLayer(layer: ListLayer, to: number, frame: TileFrame): ListLayer {
  const features: TileFeature[] = [];
  for (const f of layer.features) {
    const g = redraw(f, decodeCommands(f.geometry), frame);
    if (g) features.push(g);
  }
  return { ...layer, extent: to, features };
}
