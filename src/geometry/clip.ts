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
    const out: Flat = [];
    const p = g.points;
    for (let i = 0; i < p.length; i += 3) {
      const a = p[i + axis];
      if (a >= k1 && a <= k2) out.push(p[i], p[i + 1], p[i + 2]);
    }
    return out.length ? { type: POINT, points: out } : null;
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

function clipLine(src: Flat, k1: number, k2: number, axis: 0 | 1, out: Flat[], closed: boolean): void {
  let slice: Flat = [];
  const n = src.length;
  for (let i = 0; i < n - 3; i += 3) {
    const ax = src[i], ay = src[i + 1];
    const bx = src[i + 3], by = src[i + 4];
    const a = axis === 0 ? ax : ay;
    const b = axis === 0 ? bx : by;
    let exited = false;
    if (a < k1) {
      if (b > k1) {
        cut(slice, ax, ay, bx, by, k1, axis);
        if (b > k2) {
          cut(slice, ax, ay, bx, by, k2, axis);
          exited = true;
        }
      }
    } else if (a > k2) {
      if (b < k2) {
        cut(slice, ax, ay, bx, by, k2, axis);
        if (b < k1) {
          cut(slice, ax, ay, bx, by, k1, axis);
          exited = true;
        }
      }
    } else {
      slice.push(ax, ay, src[i + 2]);
      if (b < k1) {
        cut(slice, ax, ay, bx, by, k1, axis);
        exited = true;
      } else if (b > k2) {
        cut(slice, ax, ay, bx, by, k2, axis);
        exited = true;
      }
    }
    if (!closed && exited) {
      if (slice.length >= 6) out.push(slice);
      slice = [];
    }
  }
  const last = n - 3;
  if (last >= 0) {
    const a = src[last + axis];
    if (a >= k1 && a <= k2) slice.push(src[last], src[last + 1], src[last + 2]);
  }
  if (closed && slice.length >= 3) {
    const m = slice.length - 3;
    if (slice[0] !== slice[m] || slice[1] !== slice[m + 1]) slice.push(slice[0], slice[1], slice[2]);
  }
  if (closed ? slice.length >= 12 : slice.length >= 6) out.push(slice);
}

function cut(out: Flat, ax: number, ay: number, bx: number, by: number, k: number, axis: 0 | 1): void {
  if (axis === 0) {
    const t = (k - ax) / (bx - ax);
    out.push(k, ay + (by - ay) * t, KEEP);
  } else {
    const t = (k - ay) / (by - ay);
    out.push(ax + (bx - ax) * t, k, KEEP);
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
  if (t === POINT) return { type: POINT, points: parts.flatMap((p) => (p as { points: Flat }).points) };
  if (t === LINESTRING) return { type: LINESTRING, lines: parts.flatMap((p) => (p as { lines: Flat[] }).lines) };
  return { type: POLYGON, polygons: parts.flatMap((p) => (p as { polygons: Flat[][] }).polygons) };
}
