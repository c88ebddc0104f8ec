// Stripe clipping: keep the part of a geometry between two axis-parallel lines (after geojson-vt).
import { KEEP, LINESTRING, POINT, POLYGON, type Flat, type Geometry } from './types.js';

/**
 * Clips `g` to `k1 <= coord[axis] <= k2` (axis 0 = u, 1 = v). Returns `g` itself when it lies wholly
 * inside, null when nothing is left. Lines may split into several; polygon rings are cut
 * Sutherland–Hodgman style, so they run along the cut line where they leave the stripe.
 * New vertices on the cut get importance KEEP so that simplification never moves a tile edge.
 */
export function clipGeometry(g: Geometry, k1: number, k2: number, axis: 0 | 1): Geometry | null {
  const [min, max] = extentAlong(g, axis);
  if (min >= k1 && max <= k2) return g;
  if (max < k1 || min > k2) return null;
  if (g.type === POINT) {
    len = 0;
    const p = g.points;
    for (let i = 0; i < p.length; i += 3) {
      const a = p[i + axis];
      if (a >= k1 && a <= k2) push3(p[i], p[i + 1], p[i + 2]);
    }
    return len ? { type: POINT, points: take() } : null;
  }
  if (g.type === LINESTRING) {
    const lines: Flat[] = [];
    for (const line of g.lines) clipLine(line, k1, k2, axis, lines, false);
    return lines.length ? { type: LINESTRING, lines } : null;
  }
  const polygons: Flat[][] = [];
  for (const rings of g.polygons) {
    const out: Flat[] = [];
    for (let r = 0; r < rings.length; r++) {
      const before = out.length;
      clipLine(rings[r], k1, k2, axis, out, true);
      if (r === 0 && out.length === before) break; // exterior gone: holes cannot survive alone
    }
    if (out.length) polygons.push(out);
  }
  return polygons.length ? { type: POLYGON, polygons } : null;
}

/** Minimum and maximum coordinate along one axis. */
export function extentAlong(g: Geometry, axis: 0 | 1): [number, number] {
  let min = Infinity, max = -Infinity;
  const scan = (f: Flat) => {
    for (let i = axis; i < f.length; i += 3) {
      const a = f[i];
      if (a < min) min = a;
      if (a > max) max = a;
    }
  };
  if (g.type === POINT) scan(g.points);
  else if (g.type === LINESTRING) g.lines.forEach(scan);
  else for (const p of g.polygons) scan(p[0]); // holes lie within the exterior
  return [min, max];
}

// Output is built in one reusable scratch buffer and copied out at exact size: no growth by
// doubling, no per-vertex allocation.
let scratch = new Float64Array(1 << 16);
let len = 0;

function push3(x: number, y: number, w: number): void {
  if (len + 3 > scratch.length) {
    const next = new Float64Array(scratch.length * 2);
    next.set(scratch);
    scratch = next;
  }
  scratch[len] = x;
  scratch[len + 1] = y;
  scratch[len + 2] = w;
  len += 3;
}

function take(): number[] {
  // A plain array of doubles: allocated in V8's heap (cheap) where millions of small typed arrays
  // would each carry an ArrayBuffer for the garbage collector to track.
  const out: number[] = new Array(len);
  for (let i = 0; i < len; i++) out[i] = scratch[i];
  len = 0;
  return out;
}

function clipLine(src: Flat, k1: number, k2: number, axis: 0 | 1, out: Flat[], closed: boolean): void {
  len = 0;
  const n = src.length;
  for (let i = 0; i < n - 3; i += 3) {
    const ax = src[i], ay = src[i + 1];
    const bx = src[i + 3], by = src[i + 4];
    const a = axis === 0 ? ax : ay;
    const b = axis === 0 ? bx : by;
    let exited = false;
    if (a < k1) {
      if (b > k1) {
        cut(ax, ay, bx, by, k1, axis);
        if (b > k2) {
          cut(ax, ay, bx, by, k2, axis);
          exited = true;
        }
      }
    } else if (a > k2) {
      if (b < k2) {
        cut(ax, ay, bx, by, k2, axis);
        if (b < k1) {
          cut(ax, ay, bx, by, k1, axis);
          exited = true;
        }
      }
    } else {
      push3(ax, ay, src[i + 2]);
      if (b < k1) {
        cut(ax, ay, bx, by, k1, axis);
        exited = true;
      } else if (b > k2) {
        cut(ax, ay, bx, by, k2, axis);
        exited = true;
      }
    }
    if (!closed && exited) {
      if (len >= 6) out.push(take());
      len = 0;
    }
  }
  const last = n - 3;
  if (last >= 0) {
    const a = src[last + axis];
    if (a >= k1 && a <= k2) push3(src[last], src[last + 1], src[last + 2]);
  }
  if (closed && len >= 3) {
    const m = len - 3;
    if (scratch[0] !== scratch[m] || scratch[1] !== scratch[m + 1]) push3(scratch[0], scratch[1], scratch[2]);
  }
  if (closed ? len >= 12 : len >= 6) out.push(take());
  len = 0;
}

function cut(ax: number, ay: number, bx: number, by: number, k: number, axis: 0 | 1): void {
  if (axis === 0) {
    const t = (k - ax) / (bx - ax);
    push3(k, ay + (by - ay) * t, KEEP);
  } else {
    const t = (k - ay) / (by - ay);
    push3(ax + (bx - ax) * t, k, KEEP);
  }
}

/** Shifts a geometry along u (used to wrap around the antimeridian). Returns a copy. */
export function shiftGeometry(g: Geometry, du: number): Geometry {
  const shift = (f: Flat): Flat => {
    const o = f.slice();
    for (let i = 0; i < o.length; i += 3) o[i] += du;
    return o;
  };
  if (g.type === POINT) return { type: POINT, points: shift(g.points) };
  if (g.type === LINESTRING) return { type: LINESTRING, lines: g.lines.map(shift) };
  return { type: POLYGON, polygons: g.polygons.map((p) => p.map(shift)) };
}

/** Joins geometries of the same type into one multi-geometry. */
export function mergeGeometries(parts: Geometry[]): Geometry | null {
  if (parts.length <= 1) return parts[0] ?? null;
  const t = parts[0].type;
  if (t === POINT) {
    const all = parts.map((p) => (p as { points: Flat }).points);
    const out = new Float64Array(all.reduce((n, a) => n + a.length, 0));
    let o = 0;
    for (const a of all) {
      out.set(a, o);
      o += a.length;
    }
    return { type: POINT, points: out };
  }
  if (t === LINESTRING) return { type: LINESTRING, lines: parts.flatMap((p) => (p as { lines: Flat[] }).lines) };
  return { type: POLYGON, polygons: parts.flatMap((p) => (p as { polygons: Flat[][] }).polygons) };
}
