// Cuts one feature into every tile it touches at every zoom: clip once per parent, split to children.
import { clipGeometry, extentAlong, mergeGeometries, shiftGeometry } from '../geometry/clip.js';
import { encodeGeometry, type TileFrame } from '../geometry/quantize.js';
import type { Geometry } from '../geometry/types.js';

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
  /** Matrix width (scheme units) to wrap around at the antimeridian, 0 when the scheme does not wrap. */
  wrapWidth: number;
}

/** Called once per tile the feature lands in, with its MVT geometry commands. */
export type FragmentSink = (z: number, x: number, y: number, commands: number[]) => void;

/**
 * Tiles one geometry. Work is proportional to the vertices in each tile, not to the feature's
 * size times the tile count: each level clips the parent's already-clipped geometry.
 * An explicit stack keeps deep zooms off the call stack.
 */
export function tileGeometry(geometry: Geometry, o: TilerOptions, emit: FragmentSink): void {
  const g = o.wrapWidth > 0 ? wrap(geometry, o) : geometry;
  if (!g) return;
  const k = o.buffer / o.extent; // buffer in tile widths
  const [minU, maxU] = extentAlong(g, 0);
  const [minV, maxV] = extentAlong(g, 1);
  const stack: { z: number; x: number; y: number; g: Geometry }[] = [];
  // Zoom 0 may hold several tiles (W0 × H0); start from each one the feature reaches.
  const x0 = Math.max(0, Math.floor(minU - k)), x1 = Math.min(o.matrixWidthZ0 - 1, Math.floor(maxU + k));
  const y0 = Math.max(0, Math.floor(minV - k)), y1 = Math.min(o.matrixHeightZ0 - 1, Math.floor(maxV + k));
  for (let x = x0; x <= x1; x++) {
    const gx = clipGeometry(g, x - k, x + 1 + k, 0);
    if (!gx) continue;
    for (let y = y0; y <= y1; y++) {
      const gy = clipGeometry(gx, y - k, y + 1 + k, 1);
      if (gy) stack.push({ z: 0, x, y, g: gy });
    }
  }
  const frame: TileFrame = { scale: 1, x: 0, y: 0, extent: o.extent, sqTolerance: 0 };
  while (stack.length) {
    const t = stack.pop()!;
    if (t.z >= o.minzoom) {
      frame.scale = 2 ** t.z;
      frame.x = t.x;
      frame.y = t.y;
      frame.sqTolerance = o.sqTolerances[t.z];
      const cmds = encodeGeometry(t.g, frame);
      if (cmds) emit(t.z, t.x, t.y, cmds);
    }
    if (t.z === o.maxzoom) continue;
    // Children of (z, x, y) are (z+1, 2x + i, 2y + j); cut in scheme units at scale 2^(z+1).
    const z = t.z + 1, s = 2 ** z;
    const kk = k / s;
    const left = clipGeometry(t.g, (2 * t.x - k) / s, (2 * t.x + 1) / s + kk, 0);
    const right = clipGeometry(t.g, (2 * t.x + 1 - k) / s, (2 * t.x + 2) / s + kk, 0);
    // Push bottom-right first so tiles pop in x, y order (cosmetic: the store sorts anyway).
    for (const [gx, cx] of [[right, 2 * t.x + 1], [left, 2 * t.x]] as const) {
      if (!gx) continue;
      const top = clipGeometry(gx, (2 * t.y - k) / s, (2 * t.y + 1) / s + kk, 1);
      const bottom = clipGeometry(gx, (2 * t.y + 1 - k) / s, (2 * t.y + 2) / s + kk, 1);
      if (bottom) stack.push({ z, x: cx, y: 2 * t.y + 1, g: bottom });
      if (top) stack.push({ z, x: cx, y: 2 * t.y, g: top });
    }
  }
}

/**
 * Geographic input on a world-wide grid: what lies beyond the antimeridian (u < 0 or u > W) is
 * moved to the other side, and what lies within a buffer of it is copied there too, so that tiles
 * on both edges draw it (geojson-vt does the same).
 */
function wrap(g: Geometry, o: TilerOptions): Geometry | null {
  const w = o.wrapWidth;
  const k = o.buffer / o.extent;
  const [min, max] = extentAlong(g, 0);
  if (min >= k && max <= w - k) return g;
  const parts: Geometry[] = [];
  const center = clipGeometry(g, -k, w + k, 0);
  if (center) parts.push(center);
  const left = clipGeometry(g, -w - k, k, 0);
  if (left) parts.push(shiftGeometry(left, w));
  const right = clipGeometry(g, w - k, 2 * w + k, 0);
  if (right) parts.push(shiftGeometry(right, -w));
  return mergeGeometries(parts);
}
