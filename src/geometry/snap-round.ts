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
import { gridCells, ringSuccessors, someEdgePair } from './segment-grid.js';

export function snapRound(rs: RingSet): void {
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  // Hot pixels: every vertex, and every crossing rounded to the nearest grid point.
  const crossings: number[] = [];
  forEachCrossing(rs, next, (x, y) => crossings.push(x, y));
  const grid = new HotGrid(xy, rs.n, crossings);

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

/**
 * Hot pixels (the rings' vertices and the rounded crossings) bucketed into a uniform grid of about
 * one pixel per cell: one counting sort into flat arrays, nothing allocated per pixel or query.
 */
class HotGrid {
  private readonly minX: number;
  private readonly minY: number;
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Pixels of cell k at pts[2 * first[k]] … pts[2 * first[k + 1]] (x, y pairs). */
  private readonly first: Int32Array;
  private readonly pts: Int32Array;

  constructor(xy: Int32Array, n: number, crossings: number[]) {
    const count = (n + crossings.length) >> 1;
    const at = (k: number) => (2 * k < n ? xy[2 * k] : crossings[2 * k - n]);
    const atY = (k: number) => (2 * k < n ? xy[2 * k + 1] : crossings[2 * k + 1 - n]);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let k = 0; k < count; k++) {
      const x = at(k), y = atY(k);
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    ({ cell: this.cell, cols: this.cols, rows: this.rows } = gridCells(minX, minY, maxX, maxY, count));
    this.minX = minX;
    this.minY = minY;
    const cells = this.cols * this.rows;
    const first = new Int32Array(cells + 1), key = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      key[k] = Math.floor((atY(k) - minY) / this.cell) * this.cols + Math.floor((at(k) - minX) / this.cell);
      first[key[k] + 1]++;
    }
    for (let c = 0; c < cells; c++) first[c + 1] += first[c];
    const fill = first.slice(0, cells), pts = new Int32Array(2 * count);
    for (let k = 0; k < count; k++) {
      const w = fill[key[k]]++;
      pts[2 * w] = at(k);
      pts[2 * w + 1] = atY(k);
    }
    this.first = first;
    this.pts = pts;
  }

  /** Hot pixels (other than its ends) that the edge from p to q passes through, as x, y pairs. */
  alongEdge(px: number, py: number, qx: number, qy: number, out: number[]): void {
    const cell = this.cell, cols = this.cols;
    const cx0 = Math.max(0, Math.floor((Math.min(px, qx) - 1 - this.minX) / cell)), cx1 = Math.min(cols - 1, Math.floor((Math.max(px, qx) + 1 - this.minX) / cell));
    const cy0 = Math.max(0, Math.floor((Math.min(py, qy) - 1 - this.minY) / cell)), cy1 = Math.min(this.rows - 1, Math.floor((Math.max(py, qy) + 1 - this.minY) / cell));
    const pts = this.pts, first = this.first;
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const k = cy * cols + cx;
        for (let i = first[k]; i < first[k + 1]; i++) {
          const hx = pts[2 * i], hy = pts[2 * i + 1];
          if ((hx === px && hy === py) || (hx === qx && hy === qy)) continue;
          if (!edgeMeetsPixel(px, py, qx, qy, hx, hy)) continue;
          // The same pixel listed twice (a vertex that is also a crossing, or a ring passing it twice).
          let seen = false;
          for (let j = 0; j < out.length && !seen; j += 2) seen = out[j] === hx && out[j + 1] === hy;
          if (!seen) out.push(hx, hy);
        }
      }
    }
  }
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
