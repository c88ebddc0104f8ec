// GDAL's MAX_SIZE and MAX_FEATURES: a tile over the limits is first drawn more coarsely (extent
// halved while it is at least 256), then its smallest features are dropped until it fits. Unlike
// GDAL, "smallest" is measured exactly as drawn in the tile, and what is dropped is reported. With
// one of tippecanoe's other as-needed strategies (as-needed.ts) the tile keeps its detail and gives
// up its densest features, or an even fraction of them, or clusters its points, until it fits.
import { gzipSync } from 'node:zlib';
import { Commands, encodeRuns, ringArea, type TileFrame } from '../geometry/quantize.js';
import { RunGeometry } from '../geometry/runs.js';
import { POINT, POLYGON, type GeomType } from '../model/geometry.js';
import { asNeeded, type AsNeeded, type ListLayer } from './as-needed.js';
import { decodeCommands } from './commands.js';
import { encodeTile, type TileFeature, type TileLayer } from './encode-tile.js';

export { decodeCommands } from './commands.js';

export interface TileLimits {
  /** Bytes, after compression when compress is on (GDAL MAX_SIZE, default 500000). */
  maxSize: number;
  /** Features per tile, all layers together (GDAL MAX_FEATURES, default 200000). */
  maxFeatures: number;
  compress: boolean;
  /** As TileFrame.tinyArea2, at the reduced extents. */
  tinyArea2: number;
  repair?: boolean;
  /** What gives way (tippecanoe's --drop-*-as-needed, --cluster-densest-as-needed). Default drop-smallest. */
  strategy?: AsNeeded;
}

export interface LimitReport {
  /** Extent the tile was finally drawn at, when it had to be reduced. */
  reducedExtent?: number;
  droppedForSize: number;
  droppedForCount: number;
  /** Points merged into clusters (cluster-densest), not counted as dropped, and the layers they are in. */
  clustered: number;
  clusteredLayers?: string[];
}

/** Encodes (and compresses) a tile, applying the limits. */
export function encodeWithinLimits(input: TileLayer[], lim: TileLimits): { data: Uint8Array; report: LimitReport } {
  let layers: ListLayer[] = input.map((l) => (Array.isArray(l.features) ? (l as ListLayer) : { ...l, features: [...l.features] }));
  const report: LimitReport = { droppedForSize: 0, droppedForCount: 0, clustered: 0 };
  const pack = (ls: ListLayer[]) => {
    const raw = encodeTile(ls);
    return lim.compress ? gzipSync(raw) : raw;
  };
  if (lim.strategy && lim.strategy !== 'drop-smallest') return withStrategy(layers, lim, asNeeded(layers, lim.strategy), pack, report);
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

/**
 * The most features the strategy can keep within both limits, found by bisection, at full detail
 * (tippecanoe does not draw coarser with these). At least one stays: an empty tile draws nothing.
 */
function withStrategy(layers: ListLayer[], lim: TileLimits, choose: ReturnType<typeof asNeeded>, pack: (ls: ListLayer[]) => Uint8Array, report: LimitReport): { data: Uint8Array; report: LimitReport } {
  const n = layers.reduce((s, l) => s + l.features.length, 0);
  const most = Math.min(n, lim.maxFeatures);
  const attempt = (k: number) => {
    const c = choose(k);
    return { data: pack(c.layers), clustered: c.clustered, layers: c.clusteredLayers };
  };
  let best = attempt(most);
  let lo = most;
  if (best.data.length > lim.maxSize) {
    lo = Math.min(1, n);
    let hi = most - 1;
    best = attempt(lo);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const a = attempt(mid);
      if (a.data.length <= lim.maxSize) {
        lo = mid;
        best = a;
      } else hi = mid - 1;
    }
  }
  // Clustered points are counted as such, not as dropped; the count limit's share is dropped first.
  const gone = n - lo - best.clustered;
  report.clustered = best.clustered;
  if (best.layers.length) report.clusteredLayers = best.layers;
  report.droppedForCount = Math.min(gone, n - most);
  report.droppedForSize = gone - report.droppedForCount;
  return { data: best.data, report };
}

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

const scratch = new RunGeometry();
const cmds = new Commands();

/** Redraws a layer at a smaller extent, with the same validity rules as the first drawing. */
function rescaleLayer(layer: ListLayer, to: number, frame: TileFrame): ListLayer {
  const features: TileFeature[] = [];
  for (const f of layer.features) {
    scratch.reset(f.type as GeomType);
    for (const p of decodeCommands(f.geometry)) {
      scratch.reserve(p.length / 2 + 1);
      scratch.beginRun();
      for (let i = 0; i < p.length; i += 2) scratch.push(p[i], p[i + 1], Infinity);
      // Rings come back closed, exteriors (positive area) flagged, as the encoder expects.
      if (f.type === POLYGON) scratch.push(p[0], p[1], Infinity);
      scratch.endRun(0, f.type === POLYGON && ringArea(p) > 0 ? 1 : 0);
    }
    if (encodeRuns(scratch, frame, cmds)) features.push({ ...f, geometry: Array.from(cmds.view()) });
  }
  return { ...layer, extent: to, features };
}
