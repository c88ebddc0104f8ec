// Scheme units → integer tile coordinates, with the validity rules GDAL's reader and MVT 2.1 expect,
// straight into MVT geometry commands.
import { RunGeometry, toRuns } from './runs.js';
import { LINESTRING, POINT, type Geometry } from './types.js';

/** Where a tile sits and how finely it is drawn. */
export interface TileFrame {
  /** 2^z */
  scale: number;
  x: number;
  y: number;
  extent: number;
  /** Keep a vertex when its importance is above this (squared, scheme units); 0 keeps all. */
  sqTolerance: number;
  /**
   * Where the buffered tile's edges fall after rounding (-buffer and extent + buffer), when the
   * geometry was clipped to them. A lake crossing that edge is clipped along it, and so is the land
   * around it: the hole then meets its exterior on the edge, outside the visible tile, by
   * construction. Hole vertices there are not held against the hole (see holeFits).
   */
  edges?: [number, number];
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
 *   exterior with its holes), and so is a hole pushed onto or across its exterior (see holeFits);
 *   contact on the buffered tile edge, where clipping puts both, does not count (TileFrame.edges).
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
      const n = quantizeRun(xy, g.start[r], g.end[r], f, false);
      if (n >= 4) writePath(cmds, q, n, false);
    }
    return cmds.n > 0;
  }
  let bands: EdgeBands | null = null;
  let skipHoles = true;
  let extN = 0;
  for (let r = 0; r < g.runs; r++) {
    const isExterior = g.exterior[r] === 1;
    if (!isExterior && skipHoles) continue;
    if (isExterior) {
      skipHoles = true;
      bands = null;
    }
    const n = quantizeRun(xy, g.start[r], g.end[r], f, true);
    if (n < 6) continue;
    const after = pairsArea(q, n);
    const before = runFloatArea;
    if (after === 0 || Math.sign(after) !== Math.sign(before)) continue;
    if (after > 0 !== isExterior) reversePairs(q, n);
    if (isExterior) {
      if (ext.length < n) ext = new Int32Array(Math.max(n, 2 * ext.length));
      for (let i = 0; i < n; i++) ext[i] = q[i]; // (q.subarray would allocate a view per ring)
      extN = n;
      skipHoles = false;
    } else if (!holeFits(q, n, (bands ??= new EdgeBands(ext, extN)), f.edges)) continue;
    writePath(cmds, q, n, true);
  }
  return cmds.n > 0;
}

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
/** The current polygon's exterior ring, as q held it. */
let ext = new Int32Array(1 << 12);
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
function quantizeRun(src: Float64Array, s: number, e: number, f: TileFrame, ring: boolean): number {
  if (q.length < ((e - s) / 3) * 2) grow(((e - s) / 3) * 2);
  const out = q;
  const tol = f.sqTolerance;
  let n = 0;
  let px = NaN, py = NaN;
  let area = 0, fx = NaN, fy = NaN, lx = NaN, ly = NaN;
  for (let i = s; i < e; i += 3) {
    if (tol > 0 && src[i + 2] <= tol) continue;
    const u = src[i], v = src[i + 1];
    if (ring) {
      if (lx === lx) area += (lx - u) * (v + ly);
      else (fx = u), (fy = v);
      lx = u;
      ly = v;
    }
    const x = qx(u, f), y = qy(v, f);
    if (x === px && y === py) continue;
    out[n++] = x;
    out[n++] = y;
    px = x;
    py = y;
  }
  if (ring) {
    if (fx === fx) area += (lx - fx) * (fy + ly);
    runFloatArea = area;
    if (n > 2 && out[0] === out[n - 2] && out[1] === out[n - 1]) n -= 2;
  }
  return n;
}

/**
 * After rounding, a hole can end up on or across its exterior's boundary, which makes the polygon
 * invalid (GDAL repairs it with GEOS MakeValid, which drops such a hole). Rounding moves a vertex by
 * at most half a unit, so only a hole that comes within a unit of the exterior can be affected: the
 * exterior's edge index finds those cheaply, and only they get the exact test — no vertex outside,
 * at most one on the boundary (a single touching point is valid).
 */
function holeFits(hole: Int32Array, n: number, ext: EdgeBands, edges: [number, number] | undefined): boolean {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i += 2) {
    const x = hole[i], y = hole[i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!ext.nearBox(minX - 1, minY - 1, maxX + 1, maxY + 1)) return true;
  let onBoundary = 0;
  const lo = edges ? edges[0] : NaN, hi = edges ? edges[1] : NaN;
  for (let i = 0; i < n; i += 2) {
    const x = hole[i], y = hole[i + 1];
    if (x === lo || x === hi || y === lo || y === hi) continue; // on the clip edge: see TileFrame.edges
    const where = ext.pointInRing(x, y);
    if (where < 0) return false;
    if (where === 0 && ++onBoundary > 1) return false;
  }
  return true;
}

/**
 * A ring's edges bucketed into horizontal bands by the y range they span, so that both questions
 * asked of an exterior — is any edge near this box, is this point inside — look only at the edges
 * of the bands concerned. An edge spanning y is always in y's band, so answers are exact.
 */
export class EdgeBands {
  private readonly minY: number;
  private readonly height: number;
  private readonly bands: number;
  /** Edge start offsets (j of edge j → j + 2) of band b at first[b] … first[b + 1] - 1. */
  private readonly first: Int32Array;
  private readonly edges: Int32Array;

  private readonly ring: ArrayLike<number>;
  /** Coordinates in ring (2 per point). */
  private readonly len: number;

  constructor(ring: ArrayLike<number>, length = ring.length) {
    this.ring = ring;
    this.len = length;
    const n = length / 2;
    let minY = Infinity, maxY = -Infinity;
    for (let i = 1; i < length; i += 2) {
      if (ring[i] < minY) minY = ring[i];
      if (ring[i] > maxY) maxY = ring[i];
    }
    this.minY = minY;
    this.bands = Math.max(1, Math.min(1024, n >> 3));
    this.height = Math.max(maxY - minY, 1) / this.bands;
    // Two passes (count, then fill) into one flat array.
    const first = new Int32Array(this.bands + 1);
    this.forEachEdge((j, b0, b1) => {
      for (let b = b0; b <= b1; b++) first[b + 1]++;
    });
    for (let b = 0; b < this.bands; b++) first[b + 1] += first[b];
    const edges = new Int32Array(first[this.bands]);
    const fill = first.slice(0, this.bands);
    this.forEachEdge((j, b0, b1) => {
      for (let b = b0; b <= b1; b++) edges[fill[b]++] = j;
    });
    this.first = first;
    this.edges = edges;
  }

  private band(y: number): number {
    const b = Math.floor((y - this.minY) / this.height);
    return b < 0 ? 0 : b >= this.bands ? this.bands - 1 : b;
  }

  /** Each edge (from vertex offset j to the next) with the bands its y range spans. */
  private forEachEdge(f: (j: number, b0: number, b1: number) => void): void {
    const r = this.ring, len = this.len;
    for (let i = 0, j = len - 2; i < len; j = i, i += 2) {
      f(j, this.band(Math.min(r[i + 1], r[j + 1])), this.band(Math.max(r[i + 1], r[j + 1])));
    }
  }

  /** True when some edge's bounding box meets the box. */
  nearBox(x0: number, y0: number, x1: number, y1: number): boolean {
    const p = this.ring, edges = this.edges, len = this.len;
    for (let b = this.band(y0), b1 = this.band(y1); b <= b1; b++) {
      for (let e = this.first[b]; e < this.first[b + 1]; e++) {
        const j = edges[e];
        const i = j + 2 === len ? 0 : j + 2;
        if (Math.max(p[i], p[j]) >= x0 && Math.min(p[i], p[j]) <= x1 && Math.max(p[i + 1], p[j + 1]) >= y0 && Math.min(p[i + 1], p[j + 1]) <= y1) return true;
      }
    }
    return false;
  }

  /** 1 inside, 0 on the boundary, -1 outside; exact for integer coordinates. */
  pointInRing(x: number, y: number): number {
    let inside = false;
    const p = this.ring, edges = this.edges, b = this.band(y), len = this.len;
    for (let e = this.first[b]; e < this.first[b + 1]; e++) {
      const j = edges[e];
      const i = j + 2 === len ? 0 : j + 2;
      const xi = p[i], yi = p[i + 1], xj = p[j], yj = p[j + 1];
      const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
      if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return 0;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside ? 1 : -1;
  }
}

/** Twice the signed area (shoelace) of a closed run of integer pairs; y down → positive = clockwise on screen. */
export function ringArea(p: ArrayLike<number>): number {
  return pairsArea(p, p.length);
}

function pairsArea(p: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) s += (p[j] - p[i]) * (p[i + 1] + p[j + 1]);
  return s;
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

function writePath(cmds: Commands, p: Int32Array, n: number, close: boolean): void {
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
