// Scratch Float64 storage for one feature at a time: the parser's positions and the converter's
// flat rings are views into one buffer that is reused for the next feature, instead of a typed array
// per ring that the garbage collector must find later. V8 frees typed-array memory only when it
// collects, and it lets that memory pile up: workers reached 300–400 MB of dead rings on the countries.

/** Floats kept from feature to feature; a buffer grown past this for one huge feature is given back by trim(). */
const KEEP_FLOATS = 1 << 21;

export class Float64Arena {
  private buf = new Float64Array(1 << 16);
  private used = 0;

  /** n floats, valid until reset(). */
  alloc(n: number): Float64Array {
    if (this.used + n > this.buf.length) {
      // Views handed out so far keep the old buffer alive until they are dropped.
      this.buf = new Float64Array(Math.max(this.buf.length * 2, n * 2));
      this.used = 0;
    }
    const v = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return v;
  }

  /** Takes back every view handed out (their contents will be overwritten). */
  reset(): void {
    this.used = 0;
  }

  /** Takes back every view and drops a buffer grown large (views handed out keep it alive until dropped). */
  trim(): void {
    this.used = 0;
    if (this.buf.length > KEEP_FLOATS) this.buf = new Float64Array(1 << 16);
  }
}
