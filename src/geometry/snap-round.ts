// Snap rounding (Hobby; Guibas & Marimont) of a feature's rings on the integer tile grid, before their
// union: every pixel holding a vertex or a crossing of two edges is "hot", and every edge passing
// through a hot pixel is bent through its centre. Afterwards edges meet only at shared vertices or
// run along each other, never cross — so the union (repair.ts) computes no new crossing point and
// has nothing left to round. Clipper2 alone rounds crossings to the grid and can leave or make new
// crossings next to them; this is the step wagyu adds for vector tiles.
//
// Pixels are unit squares centred on integer points; tests run on doubled coordinates so that pixel
// edges are integers and every orientation test is exact (coordinates stay far below 2^24).
import type { RingSet } from './ring-set.js';
import { ringSuccessors, someEdgePair } from './segment-grid.js';

/** Cell size (tile units) of the grid that finds hot pixels near an edge. */
const CELL = 8;

export function snapRound(rs: RingSet): void {
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  // Hot pixels: every vertex, and every crossing rounded to the nearest grid point.
  const hot: number[] = Array.from(xy.subarray(0, rs.n));
  forEachCrossing(rs, next, (x, y) => hot.push(x, y));
  const grid = new HotGrid(hot);

  const old = xy.slice(0, rs.n), starts = rs.start.slice(0, rs.count + 1), count = rs.count;
  rs.reset();
  const found: number[] = [];
  for (let r = 0; r < count; r++) {
    for (let i = starts[r]; i < starts[r + 1]; i += 2) {
      const p = i >> 1, q = next[p];
      const px = old[2 * p], py = old[2 * p + 1], qx = old[2 * q], qy = old[2 * q + 1];
      push(rs, px, py);
      found.length = 0;
      grid.alongEdge(px, py, qx, qy, found);
      if (found.length === 0) continue;
      // In order along the edge.
      const order = Array.from({ length: found.length / 2 }, (_, k) => k);
      const t = (k: number) => (found[2 * k] - px) * (qx - px) + (found[2 * k + 1] - py) * (qy - py);
      order.sort((a, b) => t(a) - t(b));
      for (const k of order) push(rs, found[2 * k], found[2 * k + 1]);
    }
    // Drop a closing repeat that bending made.
    const s = rs.start[rs.count];
    if (rs.n - s >= 4 && rs.xy[s] === rs.xy[rs.n - 2] && rs.xy[s + 1] === rs.xy[rs.n - 1]) rs.n -= 2;
    if (rs.n - s >= 6) rs.close(false);
    else rs.discard();
  }
}

/** Appends a point unless it repeats the last one of the ring being written. */
function push(rs: RingSet, x: number, y: number): void {
  const s = rs.start[rs.count];
  if (rs.n > s && rs.xy[rs.n - 2] === x && rs.xy[rs.n - 1] === y) return;
  rs.reserve(2);
  rs.xy[rs.n++] = x;
  rs.xy[rs.n++] = y;
}

/** Calls back with the rounded point of every proper crossing of two edges. */
function forEachCrossing(rs: RingSet, next: Int32Array, f: (x: number, y: number) => void): void {
  const xy = rs.xy;
  someEdgePair(xy, rs.n >> 1, next, (a, c) => {
    const an = next[a], cn = next[c];
    const ax = xy[2 * a], ay = xy[2 * a + 1], bx = xy[2 * an], by = xy[2 * an + 1];
    const cx = xy[2 * c], cy = xy[2 * c + 1], dx = xy[2 * cn], dy = xy[2 * cn + 1];
    const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
    const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
    if (!((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0))) return false;
    const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
    if (!((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return false;
    const t = d1 / (d1 - d2);
    f(Math.round(ax + t * (bx - ax)), Math.round(ay + t * (by - ay)));
    return false;
  });
}

/** Hot pixels bucketed into a grid of CELL-sized cells (compressed rows: one sort, two arrays). */
class HotGrid {
  private readonly cells = new Map<number, number>(); // cell key → first index in order
  private readonly px: Int32Array;
  private readonly py: Int32Array;
  private readonly cellOf: Float64Array;

  constructor(hot: number[]) {
    const n = hot.length >> 1;
    const keys = new Float64Array(n);
    // Key: cell, then point, so that equal points sort together and are kept once.
    for (let k = 0; k < n; k++) keys[k] = cellKey(hot[2 * k], hot[2 * k + 1]) * 2 ** 12 + ((hot[2 * k] & 7) << 3) + (hot[2 * k + 1] & 7);
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => keys[a] - keys[b]);
    const px: number[] = [], py: number[] = [], cellOf: number[] = [];
    let last = NaN;
    for (const k of order) {
      if (keys[k] === last) continue;
      last = keys[k];
      const cell = cellKey(hot[2 * k], hot[2 * k + 1]);
      if (!this.cells.has(cell)) this.cells.set(cell, px.length);
      px.push(hot[2 * k]);
      py.push(hot[2 * k + 1]);
      cellOf.push(cell);
    }
    this.px = Int32Array.from(px);
    this.py = Int32Array.from(py);
    this.cellOf = Float64Array.from(cellOf);
  }

  /** Hot pixels (other than its ends) that the edge from p to q passes through, as x, y pairs. */
  alongEdge(px: number, py: number, qx: number, qy: number, out: number[]): void {
    const cx0 = Math.floor((Math.min(px, qx) - 1) / CELL), cx1 = Math.floor((Math.max(px, qx) + 1) / CELL);
    const cy0 = Math.floor((Math.min(py, qy) - 1) / CELL), cy1 = Math.floor((Math.max(py, qy) + 1) / CELL);
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const cell = (cx + CELL_OFFSET) * CELL_SPAN + (cy + CELL_OFFSET);
        const first = this.cells.get(cell);
        if (first === undefined) continue;
        for (let k = first; k < this.px.length && this.cellOf[k] === cell; k++) {
          const hx = this.px[k], hy = this.py[k];
          if ((hx === px && hy === py) || (hx === qx && hy === qy)) continue;
          if (edgeMeetsPixel(px, py, qx, qy, hx, hy)) out.push(hx, hy);
        }
      }
    }
  }
}

// Cell indices within ±2^19 (coordinates within ±2^22), so that keys stay exact below 2^53.
const CELL_OFFSET = 2 ** 19;
const CELL_SPAN = 2 ** 20;
function cellKey(x: number, y: number): number {
  return (Math.floor(x / CELL) + CELL_OFFSET) * CELL_SPAN + (Math.floor(y / CELL) + CELL_OFFSET);
}

/**
 * Does the edge p → q meet the pixel centred on (hx, hy), taken as the closed square
 * [hx - ½, hx + ½]²? (Closed rather than half-open: an edge grazing a pixel's corner bends through
 * it too, which costs a vertex and keeps the guarantee.) In doubled coordinates relative to p.
 */
function edgeMeetsPixel(px: number, py: number, qx: number, qy: number, hx: number, hy: number): boolean {
  const ex = 2 * (qx - px), ey = 2 * (qy - py);
  const x0 = 2 * (hx - px) - 1, x1 = x0 + 2, y0 = 2 * (hy - py) - 1, y1 = y0 + 2;
  if (Math.max(0, ex) < x0 || Math.min(0, ex) > x1 || Math.max(0, ey) < y0 || Math.min(0, ey) > y1) return false;
  // The line through the edge must not leave all four corners strictly on one side.
  const s00 = ex * y0 - ey * x0, s10 = ex * y0 - ey * x1, s01 = ex * y1 - ey * x0, s11 = ex * y1 - ey * x1;
  return !((s00 > 0 && s10 > 0 && s01 > 0 && s11 > 0) || (s00 < 0 && s10 < 0 && s01 < 0 && s11 < 0));
}
