// Winding numbers of a set of rings at given points: how many exteriors minus holes hold the point,
// with every exterior winding positive (ring-set.ts's shoelace2 > 0) and every hole negative. The
// repair (repair.ts) keeps a ring that meets no other as it is, and asks here whether the union of
// all the rings has it for a boundary.
//
// Edges are bucketed into horizontal bands by the y range they span (as validity.ts's EdgeBands
// does for one ring), so a query looks at the edges of its band only. Exact for integers.

export class WindingBands {
  private readonly minY: number;
  private readonly height: number;
  private readonly bands: number;
  /** Edges (their first point p; the edge runs to next[p]) of band b at first[b] … first[b + 1] - 1. */
  private readonly first: Int32Array;
  private readonly edges: Int32Array;
  /** After windingAt returned NaN: the first point of the edge the point lies on. */
  on = -1;

  constructor(
    private readonly xy: ArrayLike<number>,
    points: number,
    private readonly next: Int32Array,
  ) {
    let minY = Infinity, maxY = -Infinity;
    for (let p = 0; p < points; p++) {
      const y = xy[2 * p + 1];
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.minY = minY;
    this.bands = Math.max(1, Math.min(4096, points >> 2));
    this.height = Math.max(maxY - minY, 1) / this.bands;
    const first = new Int32Array(this.bands + 1), lo = new Int32Array(points), hi = new Int32Array(points);
    for (let p = 0; p < points; p++) {
      const y0 = xy[2 * p + 1], y1 = xy[2 * next[p] + 1];
      lo[p] = this.band(Math.min(y0, y1));
      hi[p] = this.band(Math.max(y0, y1));
      for (let b = lo[p]; b <= hi[p]; b++) first[b + 1]++;
    }
    for (let b = 0; b < this.bands; b++) first[b + 1] += first[b];
    const edges = new Int32Array(first[this.bands]), fill = first.slice(0, this.bands);
    for (let p = 0; p < points; p++) for (let b = lo[p]; b <= hi[p]; b++) edges[fill[b]++] = p;
    this.first = first;
    this.edges = edges;
  }

  private band(y: number): number {
    const b = Math.floor((y - this.minY) / this.height);
    return b < 0 ? 0 : b >= this.bands ? this.bands - 1 : b;
  }

  /**
   * The winding number at (x, y) of all edges but those starting at points p0 … p1 - 1 (the ring
   * asked about), or NaN when the point lies on one of the edges counted (then `on` says which).
   */
  windingAt(x: number, y: number, p0: number, p1: number): number {
    const xy = this.xy, next = this.next, edges = this.edges;
    let w = 0;
    for (let k = this.first[this.band(y)], end = this.first[this.band(y) + 1]; k < end; k++) {
      const p = edges[k];
      if (p >= p0 && p < p1) continue;
      const q = next[p];
      const x0 = xy[2 * p], y0 = xy[2 * p + 1], x1 = xy[2 * q], y1 = xy[2 * q + 1];
      // > 0 when (x, y) is left of the edge's direction.
      const cross = (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0);
      if (cross === 0 && x >= Math.min(x0, x1) && x <= Math.max(x0, x1) && y >= Math.min(y0, y1) && y <= Math.max(y0, y1)) {
        this.on = p;
        return Number.NaN;
      }
      // Half-open in y, so that a ray through a vertex counts it once; a ray to +x meets an upward
      // edge that the point is left of, and a downward one that it is right of.
      if (y0 <= y && y < y1) {
        if (cross > 0) w++;
      } else if (y1 <= y && y < y0) {
        if (cross < 0) w--;
      }
    }
    return w;
  }
}
