// Pairs of ring edges that may meet, found through a uniform grid: each edge is listed in the cells
// its bounding box covers, and a pair is reported once, from the cell holding the lowest corner of
// the overlap of their boxes. Checking, snapping and repairing polygons (validity.ts, snap-round.ts,
// repair.ts) all ask this question; a sweep over x alone degrades on a coastline running north–south
// (every edge shares its x range with thousands of others).

/**
 * Calls `f(a, c)` once for every pair of edges whose bounding boxes meet (closed), where edge p runs
 * from point p to point next[p] of `xy` (x, y pairs; `points` of them). Stops when f returns true,
 * and returns true then. With `focus` (a flag per point), only pairs in which one edge is flagged:
 * a cell without a flagged edge is skipped whole.
 */
export function someEdgePair(xy: ArrayLike<number>, points: number, next: Int32Array, f: (a: number, c: number) => boolean, focus?: Uint8Array): boolean {
  if (points < 2) return false;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let p = 0; p < points; p++) {
    const x = xy[2 * p], y = xy[2 * p + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  // About one edge per cell, and never more cells than 4 per edge: edges here are short (a few
  // units after simplification) except along the tile's clip edges.
  const { cell, cols, rows } = gridCells(minX, minY, maxX, maxY, points);
  // Each edge's bounding box, and the cells it covers, once (flat arrays: nothing allocated per
  // edge or pair, and no callback per cell).
  const box = scratchBox(4 * points), span4 = scratchSpan(4 * points);
  for (let p = 0; p < points; p++) {
    const q = next[p], x0 = xy[2 * p], y0 = xy[2 * p + 1], x1 = xy[2 * q], y1 = xy[2 * q + 1];
    // biome-ignore lint/complexity/useMathMinMax: no calls on the hot path (see clip.ts)
    const lx = x0 < x1 ? x0 : x1, hx = x0 < x1 ? x1 : x0, ly = y0 < y1 ? y0 : y1, hy = y0 < y1 ? y1 : y0;
    box[4 * p] = lx;
    box[4 * p + 1] = ly;
    box[4 * p + 2] = hx;
    box[4 * p + 3] = hy;
    span4[4 * p] = Math.floor((lx - minX) / cell);
    span4[4 * p + 1] = Math.floor((ly - minY) / cell);
    span4[4 * p + 2] = Math.floor((hx - minX) / cell);
    span4[4 * p + 3] = Math.floor((hy - minY) / cell);
  }
  const cells = cols * rows;
  // With a focus, only the cells a flagged edge covers are filled: the other edges (most of them,
  // rings the repair kept as they were) go into those cells alone.
  let hot: Uint8Array | undefined;
  if (focus) {
    hot = new Uint8Array(cells);
    for (let p = 0; p < points; p++) {
      if (focus[p] === 0) continue;
      const x0 = span4[4 * p], y0 = span4[4 * p + 1], x1 = span4[4 * p + 2], y1 = span4[4 * p + 3];
      for (let cy = y0; cy <= y1; cy++) for (let cx = x0; cx <= x1; cx++) hot[cy * cols + cx] = 1;
    }
  }
  const first = new Int32Array(cells + 1);
  for (let p = 0; p < points; p++) {
    const x0 = span4[4 * p], y0 = span4[4 * p + 1], x1 = span4[4 * p + 2], y1 = span4[4 * p + 3];
    for (let cy = y0; cy <= y1; cy++) for (let cx = x0; cx <= x1; cx++) if (!hot || hot[cy * cols + cx]) first[cy * cols + cx + 1]++;
  }
  for (let k = 0; k < cells; k++) first[k + 1] += first[k];
  const edges = new Int32Array(first[cells]);
  const fill = first.slice(0, cells);
  for (let p = 0; p < points; p++) {
    const x0 = span4[4 * p], y0 = span4[4 * p + 1], x1 = span4[4 * p + 2], y1 = span4[4 * p + 3];
    for (let cy = y0; cy <= y1; cy++) for (let cx = x0; cx <= x1; cx++) if (!hot || hot[cy * cols + cx]) edges[fill[cy * cols + cx]++] = p;
  }
  for (let k = 0; k < cells; k++) {
    const e = first[k + 1];
    if (e - first[k] < 2) continue;
    const cx = k % cols, cy = (k - cx) / cols;
    for (let i = first[k]; i < e; i++) {
      const a = edges[i];
      const ax0 = box[4 * a], ay0 = box[4 * a + 1], ax1 = box[4 * a + 2], ay1 = box[4 * a + 3];
      const aOut = focus !== undefined && focus[a] === 0;
      for (let j = i + 1; j < e; j++) {
        const c = edges[j];
        if (aOut && focus[c] === 0) continue;
        const cx0 = box[4 * c], cy0 = box[4 * c + 1];
        if (cx0 > ax1 || box[4 * c + 2] < ax0 || cy0 > ay1 || box[4 * c + 3] < ay0) continue;
        // Report from one cell only: the one holding the overlap's lowest corner.
        if ((cx0 > ax0 ? span4[4 * c] : span4[4 * a]) !== cx || (cy0 > ay0 ? span4[4 * c + 1] : span4[4 * a + 1]) !== cy) continue;
        if (f(a, c)) return true;
      }
    }
  }
  return false;
}

/**
 * The uniform grid the grids here share (edge pairs; box-index.ts, snap-round.ts): square cells of a
 * whole number of units over [minX, maxX] × [minY, maxY], about `count` of them.
 */
export function gridCells(minX: number, minY: number, maxX: number, maxY: number, count: number): { cell: number; cols: number; rows: number } {
  const span = Math.max(maxX - minX, maxY - minY, 1);
  const cell = Math.max(1, Math.ceil(span / Math.max(1, Math.floor(Math.sqrt(count)))));
  return { cell, cols: Math.floor((maxX - minX) / cell) + 1, rows: Math.floor((maxY - minY) / cell) + 1 };
}

/** next[p]: the point after p in its ring, for rings xy[start[r] … start[r + 1]) (ints, 2 per point). */
export function ringSuccessors(start: Int32Array, count: number, points: number): Int32Array {
  const next = new Int32Array(points);
  for (let r = 0; r < count; r++) {
    const p0 = start[r] >> 1, p1 = start[r + 1] >> 1;
    for (let p = p0; p < p1; p++) next[p] = p + 1 === p1 ? p0 : p + 1;
  }
  return next;
}

// Scratch for someEdgePair, grown as needed and reused (checking a polygon allocates nothing once it
// has grown). someEdgePair is not re-entrant: no callback calls it.
let boxes = new Float64Array(1 << 12);
let spans = new Int32Array(1 << 12);
function scratchBox(n: number): Float64Array {
  if (boxes.length < n) boxes = new Float64Array(Math.max(n, 2 * boxes.length));
  return boxes;
}
function scratchSpan(n: number): Int32Array {
  if (spans.length < n) spans = new Int32Array(Math.max(n, 2 * spans.length));
  return spans;
}
