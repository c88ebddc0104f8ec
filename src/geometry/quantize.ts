// Scheme units → integer tile coordinates, with the validity rules GDAL's reader and MVT 2.1 expect,
// straight into MVT geometry commands.
import { repairPolygon } from './repair.js';
import { foldsBack, RingSet, shoelace2, unspikeClosing } from './ring-set.js';
import { type RunGeometry, toRuns } from './runs.js';
import { checkPolygon } from './validity.js';
import { LINESTRING, POINT, type Geometry } from '../model/geometry.js';

/** Where a tile sits and how finely it is drawn. */
export interface TileFrame {
  /** 2^z */
  scale: number;
  x: number;
  y: number;
  extent: number;
  /** Keep a vertex when its importance is above this (squared, scheme units); 0 keeps all. */
  sqTolerance: number;
  /** Rings with less than this twice-area (tile units²) are too small to draw (TINY_AREA2); 0 or absent keeps all. */
  tinyArea2?: number;
  /** Make polygons OGC-valid on the integer grid (validity.ts, repair.ts). Default true. */
  repair?: boolean;
}

const MOVE_TO = 1, LINE_TO = 2, CLOSE_PATH = 7;
const command = (id: number, count: number) => (id & 7) | (count << 3);
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/**
 * Encodes `g` for one tile into `cmds` (cleared first); returns false when nothing valid is left:
 * - repeated points removed; MultiPoint duplicates merged (as GDAL does);
 * - lines need 2 distinct points, rings 3 and a non-zero area;
 * - exterior rings get positive area in tile coordinates (y down), holes negative;
 * - a ring whose area sign flips or vanishes through rounding is dropped (a hole alone, an
 *   exterior with its holes), and so is a ring too small to draw (TINY_AREA2);
 * - what is left must be OGC-valid on the integer grid (validity.ts); when it may not be (rings
 *   that cross or touch after clipping, rounding and simplification, a lake cut along the buffered
 *   tile edge next to its land), it is replaced by the union of its rings (repair.ts).
 */
export function encodeRuns(g: RunGeometry, f: TileFrame, cmds: Commands): boolean {
  cmds.n = 0;
  cursor.x = cursor.y = 0;
  const xy = g.xy;
  if (g.type === POINT) {
    let count = 0;
    for (let r = 0; r < g.runs; r++) count += (g.end[r] - g.start[r]) / 3;
    const seen = count > 1 ? new Set<number>() : undefined;
    let n = 0;
    for (let r = 0; r < g.runs; r++) {
      for (let i = g.start[r]; i < g.end[r]; i += 3) {
        const ix = qx(xy[i], f), iy = qy(xy[i + 1], f);
        if (seen) {
          // |ix|, |iy| ≤ extent + buffer ≤ 2^25 (options.ts): the key stays below 2^53, exact and unique.
          const key = ix * 134217728 + iy;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        if (n + 2 > q.length) grow(n + 2);
        q[n++] = ix;
        q[n++] = iy;
      }
    }
    if (!n) return false;
    cmds.push(command(MOVE_TO, n / 2));
    for (let i = 0; i < n; i += 2) delta(cmds, q[i], q[i + 1]);
    return true;
  }
  if (g.type === LINESTRING) {
    for (let r = 0; r < g.runs; r++) {
      const n = quantizeRun(xy, g.start[r], g.end[r], f, false, f.sqTolerance);
      if (n >= 4) writePath(cmds, q, n, false);
    }
    return cmds.n > 0;
  }
  rings.reset();
  const tinyLimit = f.tinyArea2 ?? 0;
  let tinyArea2 = 0, largestTiny = 0;
  let keepHoles = false;
  for (let r = 0; r < g.runs; r++) {
    const isExterior = g.exterior[r] === 1;
    if (!isExterior && !keepHoles) continue;
    if (isExterior) keepHoles = false;
    const s = g.start[r], e = g.end[r];
    let n = quantizeRun(xy, s, e, f, true, f.sqTolerance);
    let after = n < 6 ? 0 : shoelace2(q, 0, n);
    if ((after === 0 || Math.sign(after) !== Math.sign(runFloatArea)) && f.sqTolerance > 0) {
      // Simplified away: its three most important vertices stay (tippecanoe keeps four points of a
      // ring, the closing one included), so that a county smaller than the tolerance is still drawn.
      const t = retainedTolerance(xy, s, e, f.sqTolerance);
      if (t < f.sqTolerance) {
        n = quantizeRun(xy, s, e, f, true, t);
        after = n < 6 ? 0 : shoelace2(q, 0, n);
      }
    }
    if (after === 0 || Math.sign(after) !== Math.sign(runFloatArea)) {
      // Rounded away: nothing to draw, but an exterior's area still counts towards the feature's squares.
      if (isExterior && tinyLimit > 0) {
        const area2 = Math.abs(trueArea2(xy, s, e)) * (f.scale * f.extent) ** 2;
        if (area2 > 0) {
          polygonStats.tinyRings++;
          if ((tinyArea2 += area2) >= SQUARE_AREA2) {
            tinyArea2 -= SQUARE_AREA2;
            addSquare(qx(xy[s], f) - 1, qy(xy[s + 1], f) - 1);
          }
        }
      }
      continue;
    }
    if (after > 0 !== isExterior) reversePairs(q, n);
    if (Math.abs(after) < tinyLimit) {
      // Too small to draw: gone, but the area of a feature's tiny parts is kept as squares.
      polygonStats.tinyRings++;
      if (!isExterior) continue;
      if (Math.abs(after) > largestTiny) {
        largestTiny = Math.abs(after);
        if (tiny.length < n) tiny = new Int32Array(Math.max(n, 2 * tiny.length));
        tiny.set(q.subarray(0, n));
        tinyN = n;
      }
      if ((tinyArea2 += Math.abs(after)) >= SQUARE_AREA2) {
        tinyArea2 -= SQUARE_AREA2;
        addSquare(q[0], q[1]);
      }
      continue;
    }
    rings.add(q, n, isExterior);
    if (isExterior) keepHoles = true;
  }
  if (rings.count === 0 && largestTiny > 0) {
    // Nothing of the feature is big enough to draw: its largest speck stays, so that the feature
    // itself is not lost from the tile (GDAL keeps it too).
    rings.add(tiny, tinyN, true);
    polygonStats.tinyRings--;
  }
  if (rings.count && f.repair !== false) {
    if (meeting.length < rings.count) meeting = new Uint8Array(Math.max(rings.count, 2 * meeting.length));
    if (!checkPolygon(rings, meeting)) {
      polygonStats.tinyRings += repairPolygon(rings, tinyLimit, meeting);
      polygonStats.repaired++;
    }
  }
  for (let r = 0; r < rings.count; r++) {
    const s = rings.start[r];
    writePath(cmds, rings.xy.subarray(s, rings.start[r + 1]), rings.start[r + 1] - s, true);
  }
  return cmds.n > 0;
}

/**
 * Rings with less than this twice-area (in tile units squared) are not drawn: under two units' square,
 * a speck no renderer shows, which at low zooms would otherwise fill tiles with thousands of islands
 * and lakes (MapLibre warns past 65535 vertices). As tippecanoe's tiny-polygon reduction does, the
 * area of a feature's tiny parts in a tile is summed and drawn back as 2 × 2 squares; a feature with
 * nothing but tiny parts keeps the largest one.
 */
export const TINY_AREA2 = 4;
const SQUARE_AREA2 = 8;

/** Polygon work done on this thread since the last reset (the tiler reports it per batch). */
export const polygonStats = { repaired: 0, tinyRings: 0 };

function addSquare(x: number, y: number): void {
  square[0] = x;
  square[1] = y;
  square[2] = x + 2;
  square[3] = y;
  square[4] = x + 2;
  square[5] = y + 2;
  square[6] = x;
  square[7] = y + 2;
  rings.add(square, 8, true);
}
const square = new Int32Array(8);
/** Rings whose edges meet another's, from the check to the repair (one flag per ring). */
let meeting = new Uint8Array(64);

/** Encodes one Geometry for one tile (convenience form of encodeRuns). */
export function encodeGeometry(g: Geometry, f: TileFrame): number[] | null {
  const cmds = new Commands();
  return encodeRuns(toRuns(g), f, cmds) ? Array.from(cmds.view()) : null;
}

/**
 * MVT geometry commands being written: a reusable buffer and a count (an array emptied with
 * `length = 0` for every tile would have V8 drop and regrow its storage each time).
 */
export class Commands {
  // Typed without the buffer parameter, so that the emitted .d.ts reads in TypeScript < 5.7 too.
  buf: Uint32Array = new Uint32Array(1 << 10);
  n = 0;

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Uint32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  /** The commands written (a view, overwritten by the next encoding). */
  view(): Uint32Array {
    return this.buf.subarray(0, this.n);
  }
}

// Scratch state: encoding is synchronous and not re-entrant. Typed buffers with a count rather than
// arrays emptied with `length = 0`, which makes V8 drop their storage and grow it again every time.
/** The run being encoded, rounded: x0, y0, x1, y1, … */
let q = new Int32Array(1 << 12);
/** The current feature's rings in this tile. */
const rings = new RingSet();
/** Its largest ring too small to draw, in case nothing else is left. */
let tiny = new Int32Array(64);
let tinyN = 0;
/** Twice the signed area of the last ring quantizeRun read, before rounding (in tile units). */
let runFloatArea = 0;
const cursor = { x: 0, y: 0 };

function grow(n: number): void {
  const next = new Int32Array(Math.max(n, 2 * q.length));
  next.set(q);
  q = next;
}

// Half away from zero, like C's round() in GDAL, so buffer coordinates round as GDAL's do.
export const round = (n: number) => (n < 0 ? -Math.round(-n) : Math.round(n));
function qx(u: number, f: TileFrame): number {
  return round((u * f.scale - f.x) * f.extent);
}
function qy(v: number, f: TileFrame): number {
  return round((v * f.scale - f.y) * f.extent);
}

/**
 * Rounds the kept vertices of a run into q as [x0, y0, x1, y1, …] without consecutive repeats (and,
 * for rings, without the closing point). Returns the number of coordinates written (2 per point).
 * For rings it also sums, in the same pass, the area of the kept vertices before rounding (into
 * runFloatArea), to tell a ring that rounding flipped.
 */
function quantizeRun(src: Float64Array, s: number, e: number, f: TileFrame, ring: boolean, tol: number): number {
  if (q.length < ((e - s) / 3) * 2) grow(((e - s) / 3) * 2);
  const out = q;
  let n = 0;
  let px = NaN, py = NaN;
  const unspike = ring && f.repair !== false;
  let area = 0, fx = NaN, fy = NaN, lx = NaN, ly = NaN;
  for (let i = s; i < e; i += 3) {
    if (tol > 0 && src[i + 2] <= tol) continue;
    const u = src[i], v = src[i + 1];
    if (ring) {
      // biome-ignore lint/suspicious/noSelfCompare: x === x is false only for NaN, without a call
      if (lx === lx) area += (lx - u) * (v + ly);
      else (fx = u), (fy = v);
      lx = u;
      ly = v;
    }
    const x = qx(u, f), y = qy(v, f);
    if (x === px && y === py) continue;
    if (unspike) {
      // A path that runs out and straight back (a spike: stripe clipping leaves them along the
      // buffered clip edge, and rounding makes more) is OGC-invalid and encloses nothing: its tip
      // goes here, rather than the whole polygon through the repair.
      while (n >= 4 && foldsBack(out[n - 4], out[n - 3], out[n - 2], out[n - 1], x, y)) n -= 2;
      if (n >= 2 && out[n - 2] === x && out[n - 1] === y) {
        px = x;
        py = y;
        continue;
      }
    }
    out[n++] = x;
    out[n++] = y;
    px = x;
    py = y;
  }
  if (ring) {
    // biome-ignore lint/suspicious/noSelfCompare: x === x is false only for NaN, without a call
    if (fx === fx) area += (lx - fx) * (fy + ly);
    runFloatArea = area;
    if (n > 2 && out[0] === out[n - 2] && out[1] === out[n - 1]) n -= 2;
    if (unspike) n = unspikeClosing(out, n);
  }
  return n;
}

/**
 * The tolerance that keeps a ring's two most important vertices between its ends (and any tied
 * with them): below `tol` when simplification at `tol` would keep fewer.
 */
function retainedTolerance(src: Float64Array, s: number, e: number, tol: number): number {
  let v1 = 0, v2 = 0;
  for (let i = s + 5; i < e - 3; i += 3) {
    const v = src[i];
    if (v > v1) (v2 = v1), (v1 = v);
    else if (v > v2 && v < v1) v2 = v;
  }
  if (v2 >= tol || v2 === 0) return tol;
  // The most important vertex below the second: kept vertices are those above it.
  let v3 = 0;
  for (let i = s + 5; i < e - 3; i += 3) if (src[i] < v2 && src[i] > v3) v3 = src[i];
  // 0 would keep every vertex (tolerance off); the smallest positive number keeps those that matter.
  return Math.max(v3, Number.MIN_VALUE);
}

/** Twice the signed area of every vertex of a run (scheme units, before simplification and rounding). */
function trueArea2(src: Float64Array, s: number, e: number): number {
  let a = 0;
  for (let i = s; i < e - 3; i += 3) a += (src[i + 3] - src[i]) * (src[i + 4] + src[i + 1]);
  return a;
}

/** Twice the signed area (shoelace) of a closed run of integer pairs; y down → positive = clockwise on screen. */
export function ringArea(p: ArrayLike<number>): number {
  return shoelace2(p, 0, p.length);
}

function reversePairs(p: Int32Array, n: number): void {
  for (let i = 0, j = n - 2; i < j; i += 2, j -= 2) {
    const x = p[i], y = p[i + 1];
    p[i] = p[j];
    p[i + 1] = p[j + 1];
    p[j] = x;
    p[j + 1] = y;
  }
}

function writePath(cmds: Commands, p: ArrayLike<number>, n: number, close: boolean): void {
  cmds.push(command(MOVE_TO, 1));
  delta(cmds, p[0], p[1]);
  cmds.push(command(LINE_TO, n / 2 - 1));
  for (let i = 2; i < n; i += 2) delta(cmds, p[i], p[i + 1]);
  if (close) cmds.push(command(CLOSE_PATH, 1));
}

function delta(cmds: Commands, x: number, y: number): void {
  cmds.push(zigzag(x - cursor.x));
  cmds.push(zigzag(y - cursor.y));
  cursor.x = x;
  cursor.y = y;
}
