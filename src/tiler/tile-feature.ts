// Cuts one feature into every tile it touches at every zoom: clip once per parent, split to children.
import { clipRuns } from '../geometry/clip.js';
import { Commands, encodeRuns, type TileFrame } from '../geometry/quantize.js';
import { RunGeometry, SHRINK_AT, toRuns } from '../geometry/runs.js';
import type { Geometry } from '../model/geometry.js';
import { subtreeNumber, type ShardRegion } from '../model/subtrees.js';

/** What the tiler needs to know; plain data, so it can be sent to a worker thread. */
export interface TilerOptions {
  minzoom: number;
  maxzoom: number;
  extent: number;
  buffer: number;
  matrixWidthZ0: number;
  matrixHeightZ0: number;
  /** Squared tolerance in scheme units for each zoom 0..maxzoom; 0 = keep every vertex. */
  sqTolerances: number[];
  /** Rings smaller than this twice-area in tile units² are not drawn (TINY_AREA2); 0 or absent keeps them all. */
  tinyArea2?: number;
  /** Make polygons valid (TileFrame.repair). Default true. */
  repair?: boolean;
  /** Matrix width (scheme units) to wrap around at the antimeridian, 0 when the scheme does not wrap. */
  wrapWidth: number;
  /**
   * A sharded build (src/shard/): only this shard's tiles are drawn — the zooms below `zoom` if
   * `low`, and at and below `zoom` the subtrees it owns (the others are not even cut into).
   */
  shard?: ShardRegion;
}

/**
 * Called once per tile the feature lands in, with its MVT geometry commands. The array is reused
 * for the next tile: copy what you keep.
 */
export type FragmentSink = (z: number, x: number, y: number, commands: Uint32Array) => void;

/**
 * Per-depth working buffers, reused for every feature (per thread). At depth z, `half` holds the
 * left or right half of the tile being split and `child` its top or bottom quarter; a half's or a
 * child's subtree is finished before its sibling is cut, so one of each per depth is enough.
 */
interface Level {
  half: RunGeometry;
  child: RunGeometry;
}
const levels: Level[] = [];
const level = (z: number): Level => (levels[z] ??= { half: new RunGeometry(), child: new RunGeometry() });
const root = new RunGeometry();
const rootX = new RunGeometry();
const rootXY = new RunGeometry();
const wrapped = new RunGeometry();
const wrapPart = new RunGeometry();
const wrapPart2 = new RunGeometry();
const cmds = new Commands();
const all = () => [root, rootX, rootXY, wrapped, wrapPart, wrapPart2, ...levels.flatMap((l) => [l.half, l.child])];

/**
 * Tiles one geometry. Work is proportional to the vertices in each tile, not to the feature's
 * size times the tile count: each level clips the parent's already-clipped geometry.
 */
export function tileGeometry(geometry: Geometry, o: TilerOptions, emit: FragmentSink): void {
  tileRuns(loadGeometry(geometry), o, emit);
}

/**
 * Copies a geometry into the tiler's own buffer (one per thread, valid until the next call); the
 * geometry's arrays can be let go before tileRuns, which matters for a feature of millions of points.
 */
export function loadGeometry(geometry: Geometry): RunGeometry {
  return toRuns(geometry, root);
}

/** A geometry's [minU, maxU, minV, maxV]. */
export function extentOf(g: RunGeometry): [number, number, number, number] {
  return [...g.extent(0), ...g.extent(1)];
}

/**
 * tileGeometry for a geometry from loadGeometry (which wrapping may extend in place). `extent` is
 * extentOf(runs) when the caller has it already (a pass over every vertex each).
 */
export function tileRuns(runs: RunGeometry, o: TilerOptions, emit: FragmentSink, extent = extentOf(runs)): void {
  const k = o.buffer / o.extent; // buffer in tile widths
  let [minU, maxU, minV, maxV] = extent;
  let g: RunGeometry | null = runs;
  if (o.wrapWidth > 0 && (minU < k || maxU > o.wrapWidth - k)) {
    g = wrap(g, o, minU, maxU);
    if (!g) return;
    [minU, maxU, minV, maxV] = extentOf(g);
  }
  // Zoom 0 may hold several tiles (W0 × H0); start from each one the feature reaches.
  const x0 = Math.max(0, Math.floor(minU - k)), x1 = Math.min(o.matrixWidthZ0 - 1, Math.floor(maxU + k));
  const y0 = Math.max(0, Math.floor(minV - k)), y1 = Math.min(o.matrixHeightZ0 - 1, Math.floor(maxV + k));
  const frame: TileFrame = { scale: 1, x: 0, y: 0, extent: o.extent, sqTolerance: 0, tinyArea2: o.tinyArea2, repair: o.repair };
  for (let x = x0; x <= x1; x++) {
    const gx = clipRuns(g, x - k, x + 1 + k, 0, rootX);
    if (!gx) continue;
    for (let y = y0; y <= y1; y++) {
      const gy = clipRuns(gx, y - k, y + 1 + k, 1, rootXY);
      if (gy) visit(0, x, y, gy, o, k, frame, emit);
    }
  }
}

/**
 * A huge feature grows the buffers to its size; gives that memory back (call between batches: done
 * per feature, a run of big features would grow and drop them again and again). No buffer outgrows
 * the largest feature (or its wrapped copy), so those two say whether any grew.
 */
export function trimTilerBuffers(): void {
  if (root.xy.length > SHRINK_AT || wrapped.xy.length > SHRINK_AT) for (const b of all()) b.shrink();
}

function visit(z: number, x: number, y: number, g: RunGeometry, o: TilerOptions, k: number, frame: TileFrame, emit: FragmentSink): void {
  const shard = o.shard;
  if (shard && z === shard.zoom) {
    const i = subtreeNumber(x, y, shard.levels);
    if (i < shard.start || i >= shard.end) return;
  }
  if (z >= o.minzoom && (!shard || z >= shard.zoom || shard.low)) {
    frame.scale = 2 ** z;
    frame.x = x;
    frame.y = y;
    frame.sqTolerance = o.sqTolerances[z];
    if (encodeRuns(g, frame, cmds)) emit(z, x, y, cmds.view());
  }
  if (z === o.maxzoom) return;
  // Children of (z, x, y) are (z+1, 2x + i, 2y + j); cut in scheme units at scale 2^(z+1).
  const L = level(z);
  const s = 2 ** (z + 1);
  const kk = k / s;
  const extent = g.extent(0);
  const left = clipRuns(g, (2 * x - k) / s, (2 * x + 1) / s + kk, 0, L.half, extent);
  if (left) split(z + 1, 2 * x, y, left, L, o, k, s, kk, frame, emit);
  const right = clipRuns(g, (2 * x + 1 - k) / s, (2 * x + 2) / s + kk, 0, L.half, extent);
  if (right) split(z + 1, 2 * x + 1, y, right, L, o, k, s, kk, frame, emit);
}

/** Cuts a column half into its top and bottom children and visits each. */
function split(z: number, cx: number, py: number, half: RunGeometry, L: Level, o: TilerOptions, k: number, s: number, kk: number, frame: TileFrame, emit: FragmentSink): void {
  const extent = half.extent(1);
  const top = clipRuns(half, (2 * py - k) / s, (2 * py + 1) / s + kk, 1, L.child, extent);
  if (top) visit(z, cx, 2 * py, top, o, k, frame, emit);
  const bottom = clipRuns(half, (2 * py + 1 - k) / s, (2 * py + 2) / s + kk, 1, L.child, extent);
  if (bottom) visit(z, cx, 2 * py + 1, bottom, o, k, frame, emit);
}

/**
 * Geographic input on a world-wide grid: what lies beyond the antimeridian (u < 0 or u > W) is
 * moved to the other side, and what lies within a buffer of it is copied there too, so that tiles
 * on both edges draw it (geojson-vt does the same). Called for a g whose extent along u, min to
 * max, comes within a buffer of either edge.
 */
function wrap(g: RunGeometry, o: TilerOptions, min: number, max: number): RunGeometry | null {
  const w = o.wrapWidth;
  const k = o.buffer / o.extent;
  if (min >= -k && max <= w + k) {
    // Within the world and its buffers (lon/lat input always is): keep g and add the two edge strips
    // to it, rather than copy the whole feature (a second copy of Russia, in every tile task).
    const nearLeft = clipRuns(g, -w - k, k, 0, wrapPart);
    const nearRight = clipRuns(g, w - k, 2 * w + k, 0, wrapPart2);
    if (nearLeft !== g && nearRight !== g) {
      if (nearLeft) g.append(nearLeft, w);
      if (nearRight) g.append(nearRight, -w);
      return g;
    }
  }
  wrapped.reset(g.type);
  for (const [k1, k2, du] of [[-k, w + k, 0], [-w - k, k, w], [w - k, 2 * w + k, -w]]) {
    const part = clipRuns(g, k1, k2, 0, wrapPart);
    if (part) wrapped.append(part, du);
  }
  return wrapped.runs ? wrapped : null;
}
