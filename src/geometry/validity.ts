// Is a feature's polygon, as rounded into one tile, OGC-valid? A fast test that is exact on the
// integer grid and errs on one side only: `true` means valid (GEOS agrees); `false` means it may not
// be, and the caller repairs it (geometry/repair.ts). Most polygons pass, so repair stays rare.
//
// Sufficient conditions checked (MVT spec 4.3.4.4 asks for OGC validity; GEOS IsValid is the judge):
// 1. no two edges of any rings meet, except consecutive edges of a ring at their shared vertex, and
//    those do not fold back onto each other (a spike). Touching anywhere else, even where OGC would
//    allow it (a hole meeting its exterior at one point), counts as suspect: repair is always safe;
// 2. then rings are disjoint or nested, and nesting is tested with one vertex: each hole lies inside
//    its own exterior; no hole lies inside another hole of its polygon; an exterior that lies inside
//    another polygon's exterior lies inside one of that polygon's holes (an island in a lake).
// Coordinates are integers below 2^25 in magnitude (options.ts bounds extent + buffer), so every
// orientation product below is exact in a double.
import type { RingSet } from './ring-set.js';
import { ringSuccessors, someEdgePair } from './segment-grid.js';

export function isValidPolygon(rs: RingSet): boolean {
  if (rs.count === 0) return true;
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  return !someEdgePair(xy, points, next, (a, c) => edgesMeet(xy, next, a, c)) && nestingValid(rs);
}

/**
 * isValidPolygon for the tiler, which repairs what it doubts: every ring with an edge that meets
 * another (rule 1) is flagged in `meeting` (one per ring, cleared first), and the answer is false
 * when any is or when nesting fails. The repair starts from those flags (repair.ts's dirty rings)
 * instead of pairing every edge again.
 */
export function checkPolygon(rs: RingSet, meeting: Uint8Array): boolean {
  return !flagMeetingRings(rs, meeting) && nestingValid(rs);
}

/**
 * Flags in `meeting` (one per ring, cleared first) every ring with an edge that meets another edge
 * where rule 1 forbids (edgesMeet); returns whether any does.
 */
export function flagMeetingRings(rs: RingSet, meeting: Uint8Array): boolean {
  meeting.fill(0, 0, rs.count);
  if (rs.count === 0) return false;
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  if (ringOf.length < points) ringOf = new Int32Array(Math.max(points, 2 * ringOf.length));
  for (let r = 0; r < rs.count; r++) ringOf.fill(r, rs.start[r] >> 1, rs.start[r + 1] >> 1);
  let any = false;
  someEdgePair(xy, points, next, (a, c) => {
    if (edgesMeet(xy, next, a, c)) any = true, (meeting[ringOf[a]] = meeting[ringOf[c]] = 1);
    return false;
  });
  return any;
}
// flagMeetingRings's point → ring table, grown as needed and reused.
let ringOf = new Int32Array(1 << 10);

/**
 * Do edges a → next[a] and c → next[c] meet where rule 1 above forbids? Consecutive edges of a ring
 * (c → a → an, or a → c → cn) share a vertex and meet nowhere else unless they fold back along each
 * other (a spike); any other pair may not meet at all.
 */
export function edgesMeet(xy: ArrayLike<number>, next: Int32Array, a: number, c: number): boolean {
  const an = next[a], cn = next[c];
  const ax = xy[2 * a], ay = xy[2 * a + 1], bx = xy[2 * an], by = xy[2 * an + 1];
  const cx = xy[2 * c], cy = xy[2 * c + 1], dx = xy[2 * cn], dy = xy[2 * cn + 1];
  if (cn === a || an === c) return (cn === a && folds(cx, cy, ax, ay, bx, by)) || (an === c && folds(ax, ay, bx, by, dx, dy));
  return segmentsMeet(ax, ay, bx, by, cx, cy, dx, dy);
}

/** Does the path p → q → s turn back on itself at q (collinear, s on the p side)? */
function folds(px: number, py: number, qx: number, qy: number, sx: number, sy: number): boolean {
  return (qx - px) * (sy - py) - (qy - py) * (sx - px) === 0 && (px - qx) * (sx - qx) + (py - qy) * (sy - qy) > 0;
}

/** Do the closed segments ab and cd share any point? */
function segmentsMeet(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  // Touching or collinear overlap: an endpoint on the other segment (bounding boxes already meet).
  return (
    (d1 === 0 && within(cx, cy, dx, dy, ax, ay)) ||
    (d2 === 0 && within(cx, cy, dx, dy, bx, by)) ||
    (d3 === 0 && within(ax, ay, bx, by, cx, cy)) ||
    (d4 === 0 && within(ax, ay, bx, by, dx, dy))
  );
}

/** Is the point (collinear with ab) within ab's bounding box? */
export function within(ax: number, ay: number, bx: number, by: number, x: number, y: number): boolean {
  // biome-ignore lint/complexity/useMathMinMax: no calls on the hot path (see clip.ts)
  return x >= (ax < bx ? ax : bx) && x <= (ax > bx ? ax : bx) && y >= (ay < by ? ay : by) && y <= (ay > by ? ay : by);
}

/** Edges disjoint: rings are nested or apart; see the rules at the top. */
function nestingValid(rs: RingSet): boolean {
  const count = rs.count;
  if (count === 1) return true;
  const box = new Int32Array(4 * count);
  const owner = new Int32Array(count); // the exterior each ring belongs to
  for (let r = 0, ext = 0; r < count; r++) {
    if (rs.exterior[r]) ext = r;
    owner[r] = ext;
    rs.boxInto(r, box, 4 * r);
  }
  const index = new RingIndex(rs);
  // Each hole inside its own exterior.
  for (let r = 0; r < count; r++) if (!rs.exterior[r] && !inside(rs, index, box, r, owner[r])) return false;
  // Pairs whose boxes nest, by a sweep over the rings sorted by their smallest x.
  const order = Array.from({ length: count }, (_, r) => r).sort((a, b) => box[4 * a] - box[4 * b] || a - b);
  for (let i = 0; i < count; i++) {
    const a = order[i];
    for (let j = i + 1; j < count; j++) {
      const b = order[j];
      if (box[4 * b] > box[4 * a + 2]) break;
      if (!nestingAllowed(rs, index, box, owner, a, b) || !nestingAllowed(rs, index, box, owner, b, a)) return false;
    }
  }
  return true;
}

/** False when ring `inner` lies inside ring `outer` in a way OGC forbids. */
function nestingAllowed(rs: RingSet, index: RingIndex, box: Int32Array, owner: Int32Array, outer: number, inner: number): boolean {
  if (owner[inner] === outer || !inside(rs, index, box, inner, outer)) return true;
  // Two holes of one polygon nested, or a hole holding its own polygon's exterior.
  if (!rs.exterior[outer]) return owner[outer] !== owner[inner];
  // An exterior (or a hole of it) inside another polygon's exterior must sit in one of its holes.
  return inSomeHole(rs, index, box, rs.exterior[inner] ? inner : owner[inner], outer);
}

function boxContains(box: Int32Array, outer: number, inner: number): boolean {
  const o = 4 * outer, i = 4 * inner;
  return box[i] >= box[o] && box[i + 1] >= box[o + 1] && box[i + 2] <= box[o + 2] && box[i + 3] <= box[o + 3];
}

/**
 * Is ring `inner` strictly inside ring `outer`? Its first vertex not on `outer` tells (rings that
 * passed the edge test touch at most at shared vertices).
 */
function inside(rs: RingSet, index: RingIndex, box: Int32Array, inner: number, outer: number): boolean {
  if (!boxContains(box, outer, inner)) return false;
  for (let i = rs.start[inner]; i < rs.start[inner + 1]; i += 2) {
    const where = index.pointIn(outer, rs.xy[i], rs.xy[i + 1]);
    if (where !== 0) return where > 0;
  }
  return false;
}

/** Does one of exterior `ext`'s holes hold ring `ring`? */
function inSomeHole(rs: RingSet, index: RingIndex, box: Int32Array, ring: number, ext: number): boolean {
  for (let h = ext + 1; h < rs.count && !rs.exterior[h]; h++) if (inside(rs, index, box, ring, h)) return true;
  return false;
}

/** Point-in-ring tests for a RingSet's rings: a plain scan for small rings, edge bands for big ones. */
class RingIndex {
  private readonly bands = new Map<number, EdgeBands>();
  constructor(private readonly rs: RingSet) {}

  pointIn(r: number, x: number, y: number): number {
    const s = this.rs.start[r], e = this.rs.start[r + 1];
    if (e - s < 128) return pointInRing(this.rs.xy, s, e, x, y);
    let b = this.bands.get(r);
    if (!b) this.bands.set(r, (b = new EdgeBands(this.rs.xy.subarray(s, e))));
    return b.pointInRing(x, y);
  }
}

/** 1 inside, 0 on the boundary, -1 outside, for the ring xy[s … e); exact for integers. */
export function pointInRing(p: ArrayLike<number>, s: number, e: number, x: number, y: number): number {
  let inside = false;
  for (let i = s, j = e - 2; i < e; j = i, i += 2) {
    const where = crossing(p[i], p[i + 1], p[j], p[j + 1], x, y);
    if (where === 0) return 0;
    if (where > 0) inside = !inside;
  }
  return inside ? 1 : -1;
}

/** 0 when (x, y) is on the edge, 1 when a ray to +x from it crosses the edge, -1 otherwise. */
function crossing(xi: number, yi: number, xj: number, yj: number, x: number, y: number): number {
  const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
  if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return 0;
  // The edge spans y (half-open), and the crossing is right of x: the sign of cross says so exactly.
  if (yi > y !== yj > y) return (yj > yi ? cross > 0 : cross < 0) ? 1 : -1;
  return -1;
}

/**
 * A ring's edges bucketed into horizontal bands by the y range they span, so that a point-in-ring
 * test looks only at the edges of the point's band. An edge spanning y is always in y's band.
 */
export class EdgeBands {
  private readonly minY: number;
  private readonly height: number;
  private readonly bands: number;
  /** Edge start offsets (j of edge j → j + 2) of band b at first[b] … first[b + 1] - 1. */
  private readonly first: Int32Array;
  private readonly edges: Int32Array;

  constructor(private readonly ring: ArrayLike<number>, private readonly len = ring.length) {
    const n = len / 2;
    let minY = Infinity, maxY = -Infinity;
    for (let i = 1; i < len; i += 2) {
      if (ring[i] < minY) minY = ring[i];
      if (ring[i] > maxY) maxY = ring[i];
    }
    this.minY = minY;
    this.bands = Math.max(1, Math.min(1024, n >> 3));
    this.height = Math.max(maxY - minY, 1) / this.bands;
    // Two passes (count, then fill) into one flat array.
    const first = new Int32Array(this.bands + 1);
    this.forEachEdge((_j, b0, b1) => {
      for (let b = b0; b <= b1; b++) first[b + 1]++;
    });
    for (let b = 0; b < this.bands; b++) first[b + 1] += first[b];
    const edges = new Int32Array(first[this.bands]);
    const fill = first.slice(0, this.bands);
    this.forEachEdge((j, b0, b1) => {
      for (let b = b0; b <= b1; b++) edges[fill[b]++] = j;
    });
    this.first = first;
    this.edges = edges;
  }

  private band(y: number): number {
    const b = Math.floor((y - this.minY) / this.height);
    return b < 0 ? 0 : b >= this.bands ? this.bands - 1 : b;
  }

  /** Each edge (from vertex offset j to the next) with the bands its y range spans. */
  private forEachEdge(f: (j: number, b0: number, b1: number) => void): void {
    const r = this.ring, len = this.len;
    for (let i = 0, j = len - 2; i < len; j = i, i += 2) {
      f(j, this.band(Math.min(r[i + 1], r[j + 1])), this.band(Math.max(r[i + 1], r[j + 1])));
    }
  }

  /** 1 inside, 0 on the boundary, -1 outside; exact for integer coordinates. */
  pointInRing(x: number, y: number): number {
    let inside = false;
    const p = this.ring, edges = this.edges, b = this.band(y), len = this.len;
    for (let e = this.first[b]; e < this.first[b + 1]; e++) {
      const j = edges[e];
      const i = j + 2 === len ? 0 : j + 2;
      const where = crossing(p[i], p[i + 1], p[j], p[j + 1], x, y);
      if (where === 0) return 0;
      if (where > 0) inside = !inside;
    }
    return inside ? 1 : -1;
  }
}
