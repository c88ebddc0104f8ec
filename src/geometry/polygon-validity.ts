// Is a decoded MVT polygon OGC-valid, exactly, and if not, why and where? geometry/validity.ts's
// isValidPolygon answers most polygons at once, but it errs on one side (any touching counts as
// suspect, so that the tiler repairs it): OGC allows rings of one polygon to touch at points, and
// our own repaired output does so. What it doubts is judged here as GEOS's IsValid judges it:
//
// 1. no edge crosses another, runs along another, or folds back on the previous one; a ring does
//    not touch itself (self-tangency: simple rings only);
// 2. rings of one polygon touch at points only, and not so as to cut its interior in two: rings and
//    touching points, as a graph, hold no cycle (GEOS's "interior is disconnected");
// 3. each hole lies in its own exterior, no hole in another hole of its polygon, and an exterior
//    inside another polygon's exterior lies in one of that polygon's holes (an island in a lake).
//
// Coordinates are integers of magnitude ≤ 2^25, so every orientation product is exact in a double.
import { BoxIndex } from './box-index.js';
import type { RingSet } from './ring-set.js';
import { ringSuccessors, someEdgePair } from './segment-grid.js';
import { EdgeBands, isValidPolygon, pointInRing, within } from './validity.js';

export type PolygonRule =
  | 'polygon-self-intersection'
  | 'polygon-rings-cross'
  | 'polygon-disconnected-interior'
  | 'polygon-hole-outside'
  | 'polygon-nested-holes'
  | 'polygon-overlap';

export interface PolygonProblem {
  rule: PolygonRule;
  message: string;
  /** Where, in tile coordinates (a crossing may fall between grid points). */
  at?: [number, number];
}

/** Largest coordinate magnitude the exact check takes (validity.ts's bound). */
export const EXACT_LIMIT = 2 ** 25;

/**
 * The first OGC problem of the rings in `rs` (each exterior followed by its holes, no closing
 * points, no repeated consecutive points, at least 3 points a ring), or undefined when valid.
 * `ringIndex[r]` is ring r's number in the feature, for messages.
 */
export function polygonProblem(rs: RingSet, ringIndex?: ArrayLike<number>): PolygonProblem | undefined {
  return isValidPolygon(rs) ? undefined : exactProblem(rs, ringIndex);
}

/**
 * polygonProblem without the fast check first: for rings that touch at shared vertices by design
 * (repair.ts's output), which the fast check always doubts, so that running it would be wasted.
 * With `fresh` (a flag per ring), edges of rings not flagged are known not to meet each other or
 * themselves (rings the repair kept as they were) and are not compared.
 */
export function exactProblem(rs: RingSet, ringIndex?: ArrayLike<number>, fresh?: Uint8Array): PolygonProblem | undefined {
  if (rs.count === 0) return undefined;
  const name = (r: number) => `ring ${ringIndex ? ringIndex[r] : r}`;
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  const ringOf = new Int32Array(points);
  const owner = new Int32Array(rs.count); // the exterior each ring belongs to
  const focus = fresh ? new Uint8Array(points) : undefined;
  for (let r = 0, ext = 0; r < rs.count; r++) {
    if (rs.exterior[r]) ext = r;
    owner[r] = ext;
    for (let p = rs.start[r] >> 1; p < rs.start[r + 1] >> 1; p++) ringOf[p] = r;
    if (focus && fresh?.[r]) focus.fill(1, rs.start[r] >> 1, rs.start[r + 1] >> 1);
  }

  // 1. Edge pairs: crossings and overlaps are invalid at once; touching points are collected.
  const touches = new Map<number, { x: number; y: number; rings: number[] }>();
  const touch = (x: number, y: number, r1: number, r2: number) => {
    // Touching points are vertices of the integer grid, |x|, |y| ≤ 2^25: the key is exact and
    // unique (a string per touch made a tenth of a repair's time in garbage).
    const key = x * 134217728 + y;
    let t = touches.get(key);
    if (!t) touches.set(key, (t = { x, y, rings: [] }));
    if (!t.rings.includes(r1)) t.rings.push(r1);
    if (!t.rings.includes(r2)) t.rings.push(r2);
  };
  let problem: PolygonProblem | undefined;
  someEdgePair(xy, points, next, (a, c) => {
    const an = next[a], cn = next[c];
    const ax = xy[2 * a], ay = xy[2 * a + 1], bx = xy[2 * an], by = xy[2 * an + 1];
    const cx = xy[2 * c], cy = xy[2 * c + 1], dx = xy[2 * cn], dy = xy[2 * cn + 1];
    const ra = ringOf[a], rc = ringOf[c];
    const same = ra === rc;
    if (same && (cn === a || an === c)) {
      // Consecutive edges share a vertex; they may only meet there, not fold back along each other.
      // (Every vertex comes here: no array is made for it.)
      const c1 = cn === a;
      const px = c1 ? cx : ax, py = c1 ? cy : ay, qx = c1 ? ax : bx, qy = c1 ? ay : by, sx = c1 ? bx : dx, sy = c1 ? by : dy;
      if (cross(px, py, qx, qy, sx, sy) === 0 && (px - qx) * (sx - qx) + (py - qy) * (sy - qy) > 0) {
        problem = { rule: 'polygon-self-intersection', message: `${name(ra)} folds back on itself at (${qx}, ${qy}) (a spike)`, at: [qx, qy] };
        return true;
      }
      return false;
    }
    const d1 = cross(cx, cy, dx, dy, ax, ay), d2 = cross(cx, cy, dx, dy, bx, by);
    const d3 = cross(ax, ay, bx, by, cx, cy), d4 = cross(ax, ay, bx, by, dx, dy);
    if (d1 !== 0 && d2 !== 0 && d3 !== 0 && d4 !== 0) {
      if (d1 > 0 === d2 > 0 || d3 > 0 === d4 > 0) return false;
      const t = d1 / (d1 - d2);
      const at: [number, number] = [ax + t * (bx - ax), ay + t * (by - ay)];
      const where = `(${round(at[0])}, ${round(at[1])})`;
      problem = same
        ? { rule: 'polygon-self-intersection', message: `${name(ra)} crosses itself at ${where}`, at }
        : { rule: 'polygon-rings-cross', message: `${name(ra)} and ${name(rc)} cross at ${where}`, at };
      return true;
    }
    if (d1 === 0 && d2 === 0) {
      // Collinear: overlapping along a stretch is invalid, meeting end to end a touch.
      const vertical = ax === bx ? 1 : 0;
      const [a0, a1] = sorted(vertical ? ay : ax, vertical ? by : bx);
      const [c0, c1] = sorted(vertical ? cy : cx, vertical ? dy : dx);
      const lo = Math.max(a0, c0), hi = Math.min(a1, c1);
      if (lo > hi) return false;
      if (lo < hi) {
        const at = pointOn(ax, ay, bx, by, vertical, lo);
        problem = same
          ? { rule: 'polygon-self-intersection', message: `${name(ra)} runs along itself from (${at[0]}, ${at[1]})`, at }
          : { rule: 'polygon-rings-cross', message: `${name(ra)} and ${name(rc)} share an edge from (${at[0]}, ${at[1]})`, at };
        return true;
      }
      const at = pointOn(ax, ay, bx, by, vertical, lo);
      return record(at[0], at[1]);
    }
    // They meet at most at an end point lying on the other segment.
    if (d1 === 0 && within(cx, cy, dx, dy, ax, ay)) return record(ax, ay);
    if (d2 === 0 && within(cx, cy, dx, dy, bx, by)) return record(bx, by);
    if (d3 === 0 && within(ax, ay, bx, by, cx, cy)) return record(cx, cy);
    if (d4 === 0 && within(ax, ay, bx, by, dx, dy)) return record(dx, dy);
    return false;

    function record(x: number, y: number): boolean {
      if (same) {
        problem = { rule: 'polygon-self-intersection', message: `${name(ra)} touches itself at (${x}, ${y})`, at: [x, y] };
        return true;
      }
      touch(x, y, ra, rc);
      return false;
    }
  }, focus);
  if (problem) return problem;

  // 2. Touches between rings of one polygon must not close a loop.
  const parent = new Int32Array(rs.count + touches.size).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  let node = rs.count;
  for (const t of touches.values()) {
    const byPolygon = new Map<number, number[]>();
    for (const r of t.rings) {
      const list = byPolygon.get(owner[r]);
      if (list) list.push(r);
      else byPolygon.set(owner[r], [r]);
    }
    for (const rings of byPolygon.values()) {
      if (rings.length < 2) continue;
      const p = node++;
      for (const r of rings) {
        const a = find(p), b = find(r);
        if (a === b) {
          return {
            rule: 'polygon-disconnected-interior',
            message: `rings of the polygon of ${name(owner[r])} touch so as to cut its interior in two (again at (${t.x}, ${t.y}))`,
            at: [t.x, t.y],
          };
        }
        parent[a] = b;
      }
    }
  }

  // 3. Nesting.
  return nestingProblem(rs, owner, name);
}

function nestingProblem(rs: RingSet, owner: Int32Array, name: (r: number) => string): PolygonProblem | undefined {
  const count = rs.count;
  const box = new Float64Array(4 * count);
  for (let r = 0; r < count; r++) rs.boxInto(r, box, 4 * r);
  const bands = new Map<number, EdgeBands>();
  const where = (r: number, x: number, y: number) => {
    const s = rs.start[r], e = rs.start[r + 1];
    if (e - s < 128) return pointInRing(rs.xy, s, e, x, y);
    let b = bands.get(r);
    if (!b) bands.set(r, (b = new EdgeBands(rs.xy.subarray(s, e))));
    return b.pointInRing(x, y);
  };
  /** Is ring `inner` inside ring `outer`? Rings here cross nowhere and touch at points only. */
  const inside = (inner: number, outer: number): boolean => {
    const i = 4 * inner, o = 4 * outer;
    if (box[i] < box[o] || box[i + 1] < box[o + 1] || box[i + 2] > box[o + 2] || box[i + 3] > box[o + 3]) return false;
    const s = rs.start[inner], e = rs.start[inner + 1];
    for (let k = s; k < e; k += 2) {
      const w = where(outer, rs.xy[k], rs.xy[k + 1]);
      if (w !== 0) return w > 0;
    }
    // Every vertex on `outer`: the middle of an edge tells (exact: halves of small integers).
    for (let k = s; k < e; k += 2) {
      const k2 = k + 2 < e ? k + 2 : s;
      const w = where(outer, (rs.xy[k] + rs.xy[k2]) / 2, (rs.xy[k + 1] + rs.xy[k2 + 1]) / 2);
      if (w !== 0) return w > 0;
    }
    return false;
  };
  for (let r = 0; r < count; r++) {
    if (!rs.exterior[r] && !inside(r, owner[r])) {
      return { rule: 'polygon-hole-outside', message: `${name(r)} (a hole) is not inside its exterior ${name(owner[r])}`, at: [rs.xy[rs.start[r]], rs.xy[rs.start[r] + 1]] };
    }
  }
  // Pairs where one ring's box holds the other's: only those can nest.
  const index = new BoxIndex(box, count);
  let problem: PolygonProblem | undefined;
  for (let inner = 0; inner < count && !problem; inner++) {
    index.containing(box[4 * inner], box[4 * inner + 1], box[4 * inner + 2], box[4 * inner + 3], (outer) => {
      if (outer === inner || owner[inner] === outer || !inside(inner, outer)) return false;
      const at: [number, number] = [rs.xy[rs.start[inner]], rs.xy[rs.start[inner] + 1]];
      if (!rs.exterior[outer]) {
        if (owner[outer] !== owner[inner]) return false;
        problem = { rule: 'polygon-nested-holes', message: `${name(inner)} lies inside ${name(outer)}, another hole of the same polygon`, at };
        return true;
      }
      // Inside another polygon's exterior: only within one of its holes.
      const ext = rs.exterior[inner] ? inner : owner[inner];
      let inHole = false;
      for (let h = outer + 1; h < count && !rs.exterior[h] && !inHole; h++) inHole = inside(ext, h);
      if (inHole) return false;
      problem = { rule: 'polygon-overlap', message: `the polygon of ${name(ext)} lies inside the polygon of ${name(outer)} (not in one of its holes): polygons overlap`, at };
      return true;
    });
  }
  return problem;
}

/** (q - p) × (s - p): > 0 when s is to the left of p → q (in x-right, y-up terms). */
function cross(px: number, py: number, qx: number, qy: number, sx: number, sy: number): number {
  return (qx - px) * (sy - py) - (qy - py) * (sx - px);
}

const sorted = (a: number, b: number): [number, number] => (a < b ? [a, b] : [b, a]);

/** The point of segment a → b (collinear data) whose x (or y, when `vertical`) is v. */
function pointOn(ax: number, ay: number, bx: number, by: number, vertical: number, v: number): [number, number] {
  if (vertical) return [ax, v];
  if (bx === ax) return [ax, ay];
  return [v, ay + ((by - ay) * (v - ax)) / (bx - ax)];
}

const round = (v: number) => Math.round(v * 10) / 10;
