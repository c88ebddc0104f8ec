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
  private readonly minY: number;
  /** Row index of height y at rowOf[y - minY]; -1 for rows no query asks about. */
  private readonly rowOf: Int32Array;
  /** Crossings (x) of row i's list l at cross[first[LISTS * i + l]] … cross[first[LISTS * i + l + 1]] - 1, sorted. */
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
    let minY = Infinity, maxY = -Infinity;
    for (let r = 0; r < count; r++) {
      const y = xy[start[r] + 1];
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (count === 0) minY = maxY = 0;
    this.minY = minY;
    // One slot per height between the lowest and highest query: tiles are a few thousand units high.
    const rowOf = new Int32Array(maxY - minY + 1).fill(-1);
    let rows = 0;
    for (let r = 0; r < count; r++) {
      const k = xy[start[r] + 1] - minY;
      if (rowOf[k] < 0) rowOf[k] = rows++;
    }
    this.rowOf = rowOf;
    const first = new Int32Array(LISTS * rows + 1);
    const splitPoint = start[split];
    let cross = new Float64Array(0), fill = first;
    // Two passes over the edges (count, then fill) into one flat array.
    for (let pass = 0; pass < 2; pass++) {
      for (let r = 0; r < count; r++) {
        const s = start[r], e = start[r + 1], rest = s >= splitPoint ? UP_REST : UP_FIRST;
        for (let i = s; i < e; i += 2) {
          const j = i + 2 === e ? s : i + 2;
          const x0 = xy[i], y0 = xy[i + 1], x1 = xy[j], y1 = xy[j + 1];
          if (y0 === y1) continue;
          const list = rest + (y1 > y0 ? 0 : 1);
          // biome-ignore lint/complexity/useMathMinMax: no calls on the hot path (see clip.ts)
          const lo = (y0 < y1 ? y0 : y1) < minY ? minY : y0 < y1 ? y0 : y1;
          // biome-ignore lint/complexity/useMathMinMax: no calls on the hot path (see clip.ts)
          const hi = (y0 < y1 ? y1 : y0) > maxY + 1 ? maxY + 1 : y0 < y1 ? y1 : y0;
          for (let y = lo; y < hi; y++) {
            const row = rowOf[y - minY];
            if (row < 0) continue;
            if (pass === 0) first[LISTS * row + list + 1]++;
            else cross[fill[LISTS * row + list]++] = x0 + ((x1 - x0) * (y - y0)) / (y1 - y0);
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
    const at = LISTS * this.rowOf[y - this.minY];
    return this.right(at + UP_FIRST, x) - this.right(at + DOWN_FIRST, x) + this.right(at + UP_REST, x) - this.right(at + DOWN_REST, x) - own;
  }

  /** The winding number at ring r's first vertex of the rings from `split` on (r not among them). */
  ofRest(r: number): number {
    const xy = this.xy, s = this.start[r], x = xy[s];
    const at = LISTS * this.rowOf[xy[s + 1] - this.minY];
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
