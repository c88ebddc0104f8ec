// The tiler's working geometry: every vertex of a feature in one Float64Array (stride 3: u, v,
// importance) cut into runs — a MultiPoint's points, each line, each ring. Buffers are reused from
// tile to tile and feature to feature, so clipping allocates nothing once they have grown.
import { LINESTRING, POINT, POLYGON, type Flat, type Geometry, type GeomType } from '../model/geometry.js';

/** Floats (8 MiB) past which a buffer grown by one huge feature is given back. */
export const SHRINK_AT = 1 << 20;

export class RunGeometry {
  type: GeomType = POINT;
  // Element types written out (no <ArrayBuffer> in the emitted .d.ts, which TypeScript < 5.7 rejects).
  xy: Float64Array = new Float64Array(3 * 256);
  /** Floats used in xy. */
  n = 0;
  start: Int32Array = new Int32Array(16);
  end: Int32Array = new Int32Array(16);
  /** 1 where a run is a polygon's exterior ring (it starts a new polygon; holes follow it). */
  exterior: Uint8Array = new Uint8Array(16);
  runs = 0;
  private open = -1;

  reset(type: GeomType): this {
    this.type = type;
    this.n = 0;
    this.runs = 0;
    this.open = -1;
    return this;
  }

  /** Drops a buffer grown past 8 MiB (one huge feature) back to a small one. */
  shrink(): void {
    if (this.xy.length > SHRINK_AT) this.xy = new Float64Array(3 * 256);
    if (this.start.length > 1 << 16) {
      this.start = new Int32Array(16);
      this.end = new Int32Array(16);
      this.exterior = new Uint8Array(16);
    }
    this.n = this.runs = 0;
  }

  /** Makes room for k more vertices. */
  reserve(k: number): void {
    if (this.n + 3 * k <= this.xy.length) return;
    // Doubling for growth point by point, but no more than asked for a big reservation: rounding a
    // million-vertex ring up to a power of two would waste up to half the buffer.
    const size = Math.max(this.xy.length * 2, this.n + 3 * k);
    const next = new Float64Array(size);
    next.set(this.xy.subarray(0, this.n));
    this.xy = next;
  }

  push(u: number, v: number, w: number): void {
    if (this.n + 3 > this.xy.length) this.reserve(1);
    const xy = this.xy, n = this.n;
    xy[n] = u;
    xy[n + 1] = v;
    xy[n + 2] = w;
    this.n = n + 3;
  }

  beginRun(): void {
    this.open = this.n;
  }

  /** Where the run begun last starts in xy. */
  get runStart(): number {
    return this.open;
  }

  /** Closes the run begun last; keeps it if it has at least minFloats floats, else drops it. */
  endRun(minFloats: number, exterior = 0): boolean {
    const s = this.open;
    this.open = -1;
    if (this.n - s < minFloats) {
      this.n = s;
      return false;
    }
    if (this.runs === this.start.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start, (n) => new Int32Array(n));
      this.end = grow(this.end, (n) => new Int32Array(n));
      this.exterior = grow(this.exterior, (n) => new Uint8Array(n));
    }
    this.start[this.runs] = s;
    this.end[this.runs] = this.n;
    this.exterior[this.runs] = exterior;
    this.runs++;
    return true;
  }

  /** Appends all runs of `src`, shifted by du along u. */
  append(src: RunGeometry, du = 0): void {
    this.reserve(src.n / 3);
    for (let r = 0; r < src.runs; r++) {
      this.beginRun();
      for (let i = src.start[r]; i < src.end[r]; i += 3) this.push(src.xy[i] + du, src.xy[i + 1], src.xy[i + 2]);
      this.endRun(0, src.exterior[r]);
    }
  }

  /** Minimum and maximum along one axis (0 = u, 1 = v). */
  extent(axis: 0 | 1): [number, number] {
    let min = Infinity, max = -Infinity;
    const xy = this.xy;
    for (let r = 0; r < this.runs; r++) {
      for (let i = this.start[r] + axis, e = this.end[r]; i < e; i += 3) {
        const a = xy[i];
        if (a < min) min = a;
        if (a > max) max = a;
      }
    }
    return [min, max];
  }
}

/**
 * A feature's size, as tippecanoe's extent: a polygon's area (exteriors less holes), a line's
 * π(length/2)² (a circle with the line as diameter), 0 for points; in the geometry's units².
 */
export function runsSize(g: RunGeometry): number {
  const xy = g.xy;
  let sum = 0;
  for (let r = 0; r < g.runs; r++) {
    const s = g.start[r], e = g.end[r];
    if (g.type === POLYGON) {
      let a = 0;
      for (let i = s; i < e; i += 3) {
        const j = i + 3 < e ? i + 3 : s;
        a += xy[i] * xy[j + 1] - xy[j] * xy[i + 1];
      }
      sum += (g.exterior[r] ? 1 : -1) * Math.abs(a / 2);
    } else if (g.type === LINESTRING) for (let i = s + 3; i < e; i += 3) sum += Math.hypot(xy[i] - xy[i - 3], xy[i + 1] - xy[i - 2]);
  }
  return g.type === LINESTRING ? Math.PI * (sum / 2) ** 2 : g.type === POLYGON ? Math.max(0, sum) : 0;
}

/** Copies a Geometry into run form. */
export function toRuns(g: Geometry, out = new RunGeometry()): RunGeometry {
  out.reset(g.type);
  // One reservation for the whole geometry: growing ring by ring would double its way up.
  let floats = 0;
  if (g.type === POINT) floats = g.points.length;
  else if (g.type === LINESTRING) for (const l of g.lines) floats += l.length;
  else for (const p of g.polygons) for (const ring of p) floats += ring.length;
  out.reserve(floats / 3);
  const add = (f: Flat, exterior: number) => {
    out.beginRun();
    for (let i = 0; i < f.length; i += 3) out.push(f[i], f[i + 1], f[i + 2]);
    out.endRun(0, exterior);
  };
  if (g.type === POINT) add(g.points, 0);
  else if (g.type === LINESTRING) for (const l of g.lines) add(l, 0);
  else for (const p of g.polygons) p.forEach((ring, i) => add(ring, i === 0 ? 1 : 0));
  return out;
}

/** Back to a Geometry (for the public per-geometry API and tests). */
export function fromRuns(rg: RunGeometry): Geometry {
  const run = (r: number) => Array.from(rg.xy.subarray(rg.start[r], rg.end[r]));
  const all = Array.from({ length: rg.runs }, (_, r) => r);
  if (rg.type === POINT) return { type: POINT, points: all.flatMap(run) };
  if (rg.type === LINESTRING) return { type: LINESTRING, lines: all.map(run) };
  const polygons: Flat[][] = [];
  for (const r of all) {
    if (rg.exterior[r]) polygons.push([run(r)]);
    else polygons[polygons.length - 1]?.push(run(r));
  }
  return { type: POLYGON, polygons };
}
