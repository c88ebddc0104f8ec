// Pairs of ring edges that may meet, found through a uniform grid: each edge is listed in the cells
// its bounding box covers, and a pair is reported once, from the cell holding the lowest corner of
// the overlap of their boxes. Checking, snapping and repairing polygons (validity.ts, snap-round.ts,
// repair.ts) all ask this question; a sweep over x alone degrades on a coastline running north–south
// (every edge shares its x range with thousands of others).

/**
 * Calls `f(a, c)` once for every pair of edges whose bounding boxes meet (closed), where edge p runs
 * from point p to point next[p] of `xy` (x, y pairs; `points` of them). Stops when f returns true,
 * and returns true then.
 */
export function someEdgePair(xy: ArrayLike<number>, points: number, next: Int32Array, f: (a: number, c: number) => boolean): boolean {
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
  const span = Math.max(maxX - minX, maxY - minY, 1);
  const cell = Math.max(1, Math.ceil(span / Math.max(1, Math.floor(Math.sqrt(points)))));
  const cols = Math.floor((maxX - minX) / cell) + 1, rows = Math.floor((maxY - minY) / cell) + 1;
  const first = new Int32Array(cols * rows + 1);
  const each = (p: number, visit: (k: number) => void) => {
    const q = next[p];
    const x0 = Math.floor((Math.min(xy[2 * p], xy[2 * q]) - minX) / cell), x1 = Math.floor((Math.max(xy[2 * p], xy[2 * q]) - minX) / cell);
    const y0 = Math.floor((Math.min(xy[2 * p + 1], xy[2 * q + 1]) - minY) / cell), y1 = Math.floor((Math.max(xy[2 * p + 1], xy[2 * q + 1]) - minY) / cell);
    for (let cy = y0; cy <= y1; cy++) for (let cx = x0; cx <= x1; cx++) visit(cy * cols + cx);
  };
  for (let p = 0; p < points; p++) each(p, (k) => first[k + 1]++);
  for (let k = 0; k < cols * rows; k++) first[k + 1] += first[k];
  const edges = new Int32Array(first[cols * rows]);
  const fill = first.slice(0, cols * rows);
  for (let p = 0; p < points; p++) each(p, (k) => (edges[fill[k]++] = p));
  for (let k = 0; k < cols * rows; k++) {
    const cx = k % cols, cy = (k - cx) / cols;
    for (let i = first[k]; i < first[k + 1]; i++) {
      const a = edges[i], an = next[a];
      const ax0 = Math.min(xy[2 * a], xy[2 * an]), ax1 = Math.max(xy[2 * a], xy[2 * an]);
      const ay0 = Math.min(xy[2 * a + 1], xy[2 * an + 1]), ay1 = Math.max(xy[2 * a + 1], xy[2 * an + 1]);
      for (let j = i + 1; j < first[k + 1]; j++) {
        const c = edges[j], cn = next[c];
        const cx0 = Math.min(xy[2 * c], xy[2 * cn]), cx1 = Math.max(xy[2 * c], xy[2 * cn]);
        const cy0 = Math.min(xy[2 * c + 1], xy[2 * cn + 1]), cy1 = Math.max(xy[2 * c + 1], xy[2 * cn + 1]);
        if (cx0 > ax1 || cx1 < ax0 || cy0 > ay1 || cy1 < ay0) continue;
        // Report from one cell only: the one holding the overlap's lowest corner.
        if (Math.floor((Math.max(ax0, cx0) - minX) / cell) !== cx || Math.floor((Math.max(ay0, cy0) - minY) / cell) !== cy) continue;
        if (f(a, c)) return true;
      }
    }
  }
  return false;
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
