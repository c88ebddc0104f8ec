// Winding numbers of a set of rings at their first vertices: how many exteriors minus holes hold the
// point, with every exterior winding positive (ring-set.ts's shoelace2 > 0) and every hole negative.
// The repair (repair.ts) keeps a ring that meets no other as it is, and asks here whether the union
// of all the rings has it for a boundary.
//
// Coordinates are integers, so a query at height y only meets the edges that cross the horizontal
// line y, each at one x. For every row asked about, those crossings are sorted once; the winding
// number of a ray from (x, y) to +x is then two binary searches per list, not a scan of every edge
// near the row (at low zooms a row of a tile crosses hundreds of coastline edges, and a country has
// thousands of rings to ask about).
//
// Half-open in y, as a ray through a vertex must count it once: an edge from y0 to y1 crosses the
// rows min(y0, y1) … max(y0, y1) - 1. An upward edge adds 1 and a downward one takes 1 away when the
// point is left of it, which for both is x < xCross. xCross = x0 + (x1 - x0)(y - y0) / (y1 - y0) is
// exact when it is a whole number and otherwise at least 1 / |y1 - y0| ≥ 2^-26 from any integer
// (coordinates below 2^25, options.ts), far more than its rounding error (under 2^-27): comparing
// it with an integer x is exact.

/** Lists per row: crossings of upward and downward edges, of the first group of rings and of the rest. */
const UP_FIRST = 0, DOWN_FIRST = 1, UP_REST = 2, DOWN_REST = 3, LISTS = 4;

export class WindingRows {
  /** The heights asked about (each ring's first vertex), ascending, once each: row k is heights[k]. */
  private readonly heights: Int32Array;
  /** Where heights are dense enough: nextRow[y - heights[0]] is the first row at or above y. */
  private readonly nextRow: Int32Array | undefined;
  /** Crossings (x) of row k's list l at cross[first[LISTS * k + l]] … cross[first[LISTS * k + l + 1]] - 1, sorted. */
  private readonly first: Int32Array;
  private readonly cross: Float64Array;

  /**
   * Rings r of `xy` at start[r] … start[r + 1] (ints, x y pairs); those before ring `split` are the
   * first group (ofRest counts only the others).
   */
  constructor(
    private readonly xy: ArrayLike<number>,
    private readonly start: Int32Array,
    count: number,
    split: number,
  ) {
    const ys = new Float64Array(count);
    for (let r = 0; r < count; r++) ys[r] = xy[start[r] + 1];
    ys.sort();
    let rows = 0;
    for (let r = 0; r < count; r++) if (r === 0 || ys[r] !== ys[r - 1]) ys[rows++] = ys[r];
    const heights = Int32Array.from(ys.subarray(0, rows));
    this.heights = heights;
    // A table from height to row where the rows span a few thousand units (a tile); a binary search
    // where they are sparse (extents up to 2^24 are allowed, options.ts).
    const span = rows ? heights[rows - 1] - heights[0] + 2 : 0;
    if (rows && span <= 8 * rows + 65536) {
      const next = new Int32Array(span);
      for (let k = 0, y = heights[0]; y < heights[0] + span; y++) {
        while (k < rows && heights[k] < y) k++;
        next[y - heights[0]] = k;
      }
      this.nextRow = next;
    }
    const first = new Int32Array(LISTS * rows + 1);
    const splitPoint = start[split];
    let cross = new Float64Array(0), fill = first;
    // Two passes over the edges (count, then fill) into one flat array. An edge from y0 to y1 crosses
    // the rows at heights min … max - 1 (see the top); only the rows asked about are visited.
    for (let pass = 0; pass < 2; pass++) {
      for (let r = 0; r < count; r++) {
        const s = start[r], e = start[r + 1], rest = s >= splitPoint ? UP_REST : UP_FIRST;
        for (let i = s; i < e; i += 2) {
          const j = i + 2 === e ? s : i + 2;
          const x0 = xy[i], y0 = xy[i + 1], x1 = xy[j], y1 = xy[j + 1];
          if (y0 === y1) continue;
          const list = rest + (y1 > y0 ? 0 : 1);
          // biome-ignore lint/complexity/useMathMinMax: no calls on the hot path (see clip.ts)
          const lo = y0 < y1 ? y0 : y1;
          // biome-ignore lint/complexity/useMathMinMax: as above
          const hi = y0 < y1 ? y1 : y0;
          for (let k = this.firstRow(lo); k < rows && heights[k] < hi; k++) {
            if (pass === 0) first[LISTS * k + list + 1]++;
            else cross[fill[LISTS * k + list]++] = x0 + ((x1 - x0) * (heights[k] - y0)) / (y1 - y0);
          }
        }
      }
      if (pass === 0) {
        for (let k = 0; k < LISTS * rows; k++) first[k + 1] += first[k];
        cross = new Float64Array(first[LISTS * rows]);
        fill = first.slice(0, LISTS * rows);
      }
    }
    for (let k = 0; k < LISTS * rows; k++) sortRange(cross, first[k], first[k + 1]);
    this.first = first;
    this.cross = cross;
  }

  /** The first row whose height is at least y. */
  private firstRow(y: number): number {
    const heights = this.heights, rows = heights.length;
    if (rows === 0 || y <= heights[0]) return 0;
    if (y > heights[rows - 1]) return rows;
    if (this.nextRow) return this.nextRow[y - heights[0]];
    let lo = 0, hi = rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (heights[mid] < y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The winding number at ring r's first vertex of every ring but r. */
  ofRing(r: number): number {
    const xy = this.xy, s = this.start[r], e = this.start[r + 1], x = xy[s], y = xy[s + 1];
    let own = 0;
    for (let i = s; i < e; i += 2) {
      const j = i + 2 === e ? s : i + 2;
      const x0 = xy[i], y0 = xy[i + 1], x1 = xy[j], y1 = xy[j + 1];
      if (y0 <= y && y < y1) {
        if (x < x0 + ((x1 - x0) * (y - y0)) / (y1 - y0)) own++;
      } else if (y1 <= y && y < y0) {
        if (x < x0 + ((x1 - x0) * (y - y0)) / (y1 - y0)) own--;
      }
    }
    const at = LISTS * this.firstRow(y);
    return this.right(at + UP_FIRST, x) - this.right(at + DOWN_FIRST, x) + this.right(at + UP_REST, x) - this.right(at + DOWN_REST, x) - own;
  }

  /** The winding number at ring r's first vertex of the rings from `split` on (r not among them). */
  ofRest(r: number): number {
    const xy = this.xy, s = this.start[r], x = xy[s];
    const at = LISTS * this.firstRow(xy[s + 1]);
    return this.right(at + UP_REST, x) - this.right(at + DOWN_REST, x);
  }

  /** How many crossings of list k lie right of x (xCross > x). */
  private right(k: number, x: number): number {
    const cross = this.cross, end = this.first[k + 1];
    let lo = this.first[k], hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cross[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return end - lo;
  }
}

/** Sorts a[from … to - 1] ascending: insertion for the short rows most are, the engine's sort otherwise. */
function sortRange(a: Float64Array, from: number, to: number): void {
  if (to - from > 24) {
    a.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
