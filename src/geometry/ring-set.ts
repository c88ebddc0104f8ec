// One feature's polygon rings in one tile, rounded to the integer tile grid: every ring's points in
// one Int32Array (x0, y0, x1, y1, …, no closing point), exteriors flagged, each followed by its holes.
// Reused from feature to feature, so checking and repairing allocate nothing once it has grown.

export class RingSet {
  xy: Int32Array = new Int32Array(1 << 12);
  /** Ints used in xy. */
  n = 0;
  /** Ring r is xy[start[r] … start[r + 1]). */
  start: Int32Array = new Int32Array(65);
  /** 1 for an exterior ring (a new polygon), 0 for a hole of the exterior before it. */
  exterior: Uint8Array = new Uint8Array(64);
  count = 0;

  reset(): void {
    this.n = 0;
    this.count = 0;
    this.start[0] = 0;
  }

  /** Makes room for k more ints. */
  reserve(k: number): void {
    if (this.n + k <= this.xy.length) return;
    const next = new Int32Array(Math.max(2 * this.xy.length, this.n + k));
    next.set(this.xy.subarray(0, this.n));
    this.xy = next;
  }

  /** Ends the ring whose points were written since the last one (at xy[start[count]] … xy[n]). */
  close(exterior: boolean): void {
    if (this.count + 1 === this.exterior.length) {
      const e = new Uint8Array(2 * this.exterior.length);
      e.set(this.exterior);
      this.exterior = e;
      const s = new Int32Array(2 * this.start.length);
      s.set(this.start);
      this.start = s;
    }
    this.exterior[this.count] = exterior ? 1 : 0;
    this.start[++this.count] = this.n;
  }

  /** Forgets the ring being written (its points since the last close). */
  discard(): void {
    this.n = this.start[this.count];
  }

  /** Appends a ring from `p[0 … len)`. */
  add(p: ArrayLike<number>, len: number, exterior: boolean): void {
    this.reserve(len);
    const xy = this.xy;
    for (let i = 0; i < len; i++) xy[this.n + i] = p[i];
    this.n += len;
    this.close(exterior);
  }

  /** Twice the signed area of ring r (positive: an exterior in MVT's y-down convention). */
  area2(r: number): number {
    return shoelace2(this.xy, this.start[r], this.start[r + 1]);
  }

  /** Ring r's bounding box into out[at … at + 3]: minX, minY, maxX, maxY. */
  boxInto(r: number, out: { [i: number]: number }, at: number): void {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = this.start[r]; i < this.start[r + 1]; i += 2) {
      const x = this.xy[i], y = this.xy[i + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    out[at] = x0;
    out[at + 1] = y0;
    out[at + 2] = x1;
    out[at + 3] = y1;
  }
}

/**
 * Twice the signed area of the ring p[s … e) of x, y pairs (no closing point), by the shoelace
 * formula; positive is clockwise on screen with y down, an exterior in MVT.
 */
export function shoelace2(p: ArrayLike<number>, s: number, e: number): number {
  let a = 0;
  for (let i = s, j = e - 2; i < e; j = i, i += 2) a += (p[j] - p[i]) * (p[i + 1] + p[j + 1]);
  return a;
}

/** Does the path a → m → b turn straight back at m (collinear, b on a's side of m)? */
export function foldsBack(ax: number, ay: number, mx: number, my: number, bx: number, by: number): boolean {
  return (mx - ax) * (by - ay) - (my - ay) * (bx - ax) === 0 && (ax - mx) * (bx - mx) + (ay - my) * (by - my) > 0;
}

/** Removes spikes where the ring closes (at its last or first point), as the caller did inside it. */
export function unspikeClosing(p: Int32Array, n: number): number {
  for (;;) {
    if (n < 6) return n;
    if (foldsBack(p[n - 4], p[n - 3], p[n - 2], p[n - 1], p[0], p[1])) n -= 2;
    else if (foldsBack(p[n - 2], p[n - 1], p[0], p[1], p[2], p[3])) {
      p.copyWithin(0, 2, n);
      n -= 2;
    } else return n;
    if (p[0] === p[n - 2] && p[1] === p[n - 1]) n -= 2;
  }
}

/**
 * Removes every spike (a path running out and straight back, enclosing nothing) from the rings of
 * `rs`, in place; rings left with fewer than 3 points go. Snap rounding makes spikes where an edge
 * along the buffered clip edge is bent through a vertex of another, and Clipper2 given collinear
 * edges running back along each other can round its way to output that overlaps itself.
 */
export function removeSpikes(rs: RingSet): void {
  const p = rs.xy;
  let w = 0, out = 0;
  for (let r = 0, count = rs.count; r < count; r++) {
    const s = rs.start[r], e = rs.start[r + 1], exterior = rs.exterior[r];
    let n = 0; // points written for this ring, ×2, at p[w …]
    for (let i = s; i < e; i += 2) {
      const x = p[i], y = p[i + 1];
      while (n >= 4 && foldsBack(p[w + n - 4], p[w + n - 3], p[w + n - 2], p[w + n - 1], x, y)) n -= 2;
      if (n >= 2 && p[w + n - 2] === x && p[w + n - 1] === y) continue;
      p[w + n] = x;
      p[w + n + 1] = y;
      n += 2;
    }
    if (n > 2 && p[w] === p[w + n - 2] && p[w + 1] === p[w + n - 1]) n -= 2;
    n = unspikeClosing(p.subarray(w, w + n), n);
    if (n < 6) continue;
    w += n;
    rs.exterior[out] = exterior;
    rs.start[++out] = w;
  }
  rs.count = out;
  rs.n = w;
}
