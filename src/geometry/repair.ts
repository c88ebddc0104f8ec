// Makes a polygon that geometry/validity.ts doubts valid on the integer tile grid, in two steps:
//
// 1. The union of its rounded rings under the "positive" fill rule, by Clipper2 (clipper2-ts), which
//    works natively on integer coordinates as mapnik-vector-tile (Clipper, then wagyu) and
//    tippecanoe do. Exteriors wind positive and holes negative, so a region is filled where more
//    exteriors than holes cover it: overlapping parts merge, a hole reaching outside its exterior
//    cuts only the exterior, a hole alone or a reversed lobe of a self-crossing ring disappears.
// 2. Clipper2's rings may still touch themselves at a vertex (a pinch) or put a vertex on another
//    ring's edge. Both are invalid in OGC terms or become so once a reader georeferences the
//    integers in floating point (the vertex lands a hair inside the other ring), so every such
//    vertex is inserted into the edge it touches, every ring is split where it passes a vertex
//    twice, and each hole goes to the smallest exterior holding it. Rings then meet only at shared
//    vertices, which OGC allows and which no transformation moves apart.
import { Clipper64, ClipType, FillRule, type Path64, type Paths64 } from 'clipper2-ts';
import { BoxIndex } from './box-index.js';
import { exactProblem } from './polygon-validity.js';
import { RingSet, removeSpikes, shoelace2 } from './ring-set.js';
import { ringSuccessors, someEdgePair } from './segment-grid.js';
import { snapRound } from './snap-round.js';
import { EdgeBands, flagMeetingRings, pointInRing, within } from './validity.js';
import { WindingRows } from './winding.js';

/**
 * Replaces the rings of `rs` with a valid equivalent: each exterior followed by its holes. Rings
 * under `tinyArea2` (twice the area, tile units²) that the repair leaves go before the result is
 * judged (so no pass is spent on a sliver that would not be written); returns how many went.
 * `meeting`, when given, flags every ring whose edges meet another's or its own (validity.ts's
 * checkPolygon): the repair starts from those instead of finding them again.
 */
export function repairPolygon(rs: RingSet, tinyArea2 = 0, meeting?: Uint8Array): number {
  // A ring missing from the flags would be taken for one that meets nothing.
  if (meeting && meeting.length < rs.count) throw new RangeError(`repairPolygon: ${meeting.length} meeting flags for ${rs.count} rings`);
  const original = { xy: rs.xy.slice(0, rs.n), start: rs.start.slice(0, rs.count + 1), exterior: rs.exterior.slice(0, rs.count) };
  let dropped = repairRings(rs, tinyArea2, meeting?.slice(0, rs.count));
  if (rs.count > 0) return dropped;
  // Holes that rounding made as large as their exterior cancel it: the feature keeps its exteriors
  // rather than vanish from the tile (GDAL's MakeValid keeps it too).
  rs.reset();
  for (let r = 0; r < original.exterior.length; r++) {
    if (original.exterior[r]) rs.add(original.xy.subarray(original.start[r], original.start[r + 1]), original.start[r + 1] - original.start[r], true);
  }
  if (rs.count) dropped += repairRings(rs, tinyArea2);
  return dropped;
}

/** `meeting`: the rings of `rs` whose edges meet another's (validity.ts's checkPolygon), when known. */
function repairRings(rs: RingSet, tinyArea2: number, meeting?: Uint8Array): number {
  const given = { xy: rs.xy.slice(0, rs.n), start: rs.start.slice(0, rs.count + 1), exterior: rs.exterior.slice(0, rs.count) };
  // First the rings that need it only (see repairPass); where that leaves the result invalid, every
  // ring. First without taking spikes out: that keeps the most of each part. Spikes run back along
  // the buffered clip edge can make Clipper2 round a sliver shell inside its own part (countries
  // 6/17/8); where that leaves the result invalid, the repair starts again from the same rings
  // with the spikes removed before each union.
  for (const [spikes, everyRing] of [[false, false], [false, true], [true, true]]) {
    rs.reset();
    for (let r = 0; r < given.exterior.length; r++) rs.add(given.xy.subarray(given.start[r], given.start[r + 1]), given.start[r + 1] - given.start[r], given.exterior[r] === 1);
    const dropped = repairPasses(rs, tinyArea2, spikes, everyRing, everyRing ? undefined : meeting);
    if (dropped >= 0) return dropped;
  }
  keepValidParts(rs);
  return 0;
}

/** Up to three passes; how many tiny rings went, or −1 when the result is still invalid. */
function repairPasses(rs: RingSet, tinyArea2: number, spikes: boolean, everyRing: boolean, meeting?: Uint8Array): number {
  let dropped = 0;
  // Rarely (an island and its lake left sharing an edge, a part that Clipper2 rounds onto another
  // near a fold) one pass leaves rings that still run along, across or inside each other; the next
  // pass, from a cleaner start, resolves them. Each pass is judged by the exact OGC check, so what
  // the build writes is what `mvt-build validate` accepts.
  for (let pass = 0; pass < 3; pass++) {
    // The first pass has the rings as given, whose meeting edges the caller may have found.
    const done = repairPass(rs, tinyArea2, spikes, everyRing, pass === 0 ? meeting : undefined);
    // A lake kept as it was that no exterior holds any more (snapping moved the shore past it):
    // this attempt has lost it, the next one starts from the rings as given.
    if (done.lost) return -1;
    dropped += done.dropped;
    if (!exactProblem(rs, undefined, done.fresh)) return dropped;
  }
  return -1;
}

/**
 * One pass: snap rounding, the union, and rings re-traced where they meet. Only over the rings that
 * meet another ring or themselves (the "dirty" ones) unless `everyRing`: at low zooms a country is
 * thousands of rings of which a tenth meet another, holding 40% of the points, and the union is
 * most of the repair's cost. A clean ring meets no edge, so the union of all the rings either has
 * it whole for a boundary or not at all: it has when the filled side changes across it, which the
 * winding number of the other rings at one of its vertices tells (0 outside an exterior, 1 outside
 * a hole). A tiny lake going with an island in it leaves the island inside the land: tiny rings
 * (under `tinyArea2`) go after, and the pass returns how many went.
 */
function repairPass(rs: RingSet, tinyArea2: number, spikes: boolean, everyRing: boolean, meeting?: Uint8Array): { dropped: number; fresh?: Uint8Array; lost: boolean } {
  const xy = rs.xy, count = rs.count;
  const dirty = new Uint8Array(count);
  if (everyRing) dirty.fill(1);
  else if (meeting) dirty.set(meeting.subarray(0, count));
  else flagMeetingRings(rs, dirty);
  const d = dirtyRings, all = allRings;
  const kept: Ring[] = [];
  for (let again = true; again; ) {
    kept.length = 0;
    if (dirty.indexOf(0) < 0) break;
    // Which clean rings bound the union is asked of the rings as given: they meet no clean ring, so
    // the answer is exact. (Asked of the snapped rings, it could be wrong without a sign: snapping
    // moves an edge by up to half a unit, and a vertex of an island just off a shore that it passed
    // over would be inside the land.) Where snapping did move an edge over a clean ring, the union
    // now crosses that ring or holds it: the exact check sees it, and the next pass has it dirty.
    all.reset();
    for (let r = 0; r < count; r++) if (dirty[r]) all.add(xy.subarray(rs.start[r], rs.start[r + 1]), rs.start[r + 1] - rs.start[r], true);
    const firstClean = all.count;
    const cleanRing: number[] = []; // all's clean rings → rs's
    for (let r = 0; r < count; r++) {
      if (dirty[r]) continue;
      cleanRing.push(r);
      all.add(xy.subarray(rs.start[r], rs.start[r + 1]), rs.start[r + 1] - rs.start[r], true);
    }
    const winding = new WindingRows(all.xy, all.start, all.count, firstClean);
    again = false;
    for (let r = firstClean; r < all.count; r++) {
      const s = all.start[r], e = all.start[r + 1];
      const w = winding.ofRing(r);
      if (shoelace2(all.xy, s, e) > 0 ? w === 0 : w === 1) kept.push(makeRing(all.xy.subarray(s, e)));
    }
    // A dirty ring inside clean ones (an island and its lake inside the land) is filled or not by
    // them too, so the union must have them: they are dirty too.
    let enclosing: BoxIndex | undefined;
    for (let r = 0; r < firstClean; r++) {
      const x = all.xy[all.start[r]], y = all.xy[all.start[r] + 1];
      if (winding.ofRest(r) === 0) continue;
      again = true;
      if (!enclosing) {
        const box = new Float64Array(4 * (all.count - firstClean));
        for (let c = firstClean; c < all.count; c++) all.boxInto(c, box, 4 * (c - firstClean));
        enclosing = new BoxIndex(box, all.count - firstClean);
      }
      enclosing.containing(x, y, x, y, (k) => {
        const c = firstClean + k;
        if (!dirty[cleanRing[k]] && pointInRing(all.xy, all.start[c], all.start[c + 1], x, y) > 0) dirty[cleanRing[k]] = 1;
        return false;
      });
    }
  }
  // The dirty rings, settled, snapped once.
  d.reset();
  for (let r = 0; r < count; r++) if (dirty[r]) d.add(xy.subarray(rs.start[r], rs.start[r + 1]), rs.start[r + 1] - rs.start[r], true);
  if (d.count) snapRound(d);
  if (spikes) removeSpikes(d);
  let rings = kept;
  if (d.count) {
    union(d);
    insertTouchingVertices(d);
    if (kept.length) {
      // Only the dirty rings were snapped, so a vertex of their union may lie inside an edge of a
      // ring kept as it was, or one of its vertices inside an edge of the union: exact on the grid,
      // a crossing once a reader georeferences the integers in floating point (GEOS:
      // "Self-intersection", 11 countries polygon-tiles at z0–7). Such vertices go into both.
      const unionRings = d.count, unionPoints = d.n >> 1;
      for (const k of kept) d.add(k.xy, k.xy.length, true);
      if (insertVerticesBetween(d, unionPoints)) {
        // The kept rings as they came out, vertices added (when none were, they stand as they are).
        all.reset();
        for (let r = unionRings; r < d.count; r++) all.add(d.xy.subarray(d.start[r], d.start[r + 1]), d.start[r + 1] - d.start[r], true);
        for (let r = 0; r < all.count; r++) kept[r] = makeRing(all.xy.subarray(all.start[r], all.start[r + 1]));
      }
      d.count = unionRings;
      d.n = d.start[unionRings];
    }
    relink(d);
    rings = splitPinches(d).concat(kept);
  }
  // Rings kept as they were meet no other ring but where the union's do: the exact check need not
  // pair their edges with each other (most of a country's points).
  const { fresh, lost } = assignHoles(rings, rs);
  return { dropped: tinyArea2 > 0 ? dropTinyRings(rs, tinyArea2, fresh) : 0, fresh: everyRing ? undefined : fresh, lost };
}

// Scratch for repairPass (the repair is not re-entrant).
const dirtyRings = new RingSet(), allRings = new RingSet();

/** Tiny rings (slivers the repair made) go, and with a tiny exterior its holes; returns how many went. */
function dropTinyRings(rs: RingSet, tinyArea2: number, flags: Uint8Array): number {
  const xy = rs.xy;
  let w = 0, out = 0, keep = false;
  for (let r = 0, count = rs.count; r < count; r++) {
    const s = rs.start[r], e = rs.start[r + 1], exterior = rs.exterior[r] === 1;
    if (exterior) keep = Math.abs(rs.area2(r)) >= tinyArea2;
    if (!keep || (!exterior && Math.abs(rs.area2(r)) < tinyArea2)) {
      continue;
    }
    xy.copyWithin(w, s, e);
    w += e - s;
    flags[out] = flags[r];
    rs.exterior[out] = exterior ? 1 : 0;
    rs.start[++out] = w;
  }
  const dropped = rs.count - out;
  rs.count = out;
  rs.n = w;
  return dropped;
}


/**
 * Last resort, when three passes left the rings invalid: the polygons (each exterior with its holes)
 * are kept largest first as long as the whole stays valid, so that a part that will not come clean
 * is dropped rather than written invalid.
 */
function keepValidParts(rs: RingSet): void {
  const xy = rs.xy.slice(0, rs.n), start = rs.start.slice(0, rs.count + 1), exterior = rs.exterior.slice(0, rs.count);
  const parts: number[] = []; // first ring of each polygon
  for (let r = 0; r < exterior.length; r++) if (exterior[r]) parts.push(r);
  const end = (k: number) => (k + 1 < parts.length ? parts[k + 1] : exterior.length);
  const area = (k: number) => shoelace2(xy, start[parts[k]], start[parts[k] + 1]);
  const order = parts.map((_, k) => k).sort((a, b) => area(b) - area(a) || a - b);
  rs.reset();
  for (const k of order) {
    const n = rs.n, count = rs.count;
    for (let r = parts[k]; r < end(k); r++) rs.add(xy.subarray(start[r], start[r + 1]), start[r + 1] - start[r], r === parts[k]);
    if (exactProblem(rs)) {
      rs.n = n;
      rs.count = count;
    }
  }
}

function union(rs: RingSet): void {
  const paths: Paths64 = [];
  for (let r = 0; r < rs.count; r++) {
    const path: Path64 = [];
    for (let i = rs.start[r]; i < rs.start[r + 1]; i += 2) path.push({ x: rs.xy[i], y: rs.xy[i + 1] });
    paths.push(path);
  }
  const clipper = new Clipper64();
  clipper.preserveCollinear = false;
  clipper.addSubject(paths);
  const out: Paths64 = [];
  clipper.execute(ClipType.Union, FillRule.Positive, out);
  rs.reset();
  for (const path of out) {
    rs.reserve(2 * path.length);
    for (const pt of path) {
      rs.xy[rs.n++] = pt.x;
      rs.xy[rs.n++] = pt.y;
    }
    rs.close(false);
  }
}

/** A ring as flat integer pairs, with its bounding box and twice its signed area. */
interface Ring {
  xy: ArrayLike<number>;
  box: [number, number, number, number];
  area2: number;
  /** Made by this pass's union (not a ring kept as it was). */
  fresh: boolean;
}

/**
 * Every vertex lying inside another edge (of any ring, its own included) is added to that edge.
 * Edges are swept in order of their smallest x, so only edges whose boxes meet are compared.
 */
function insertTouchingVertices(rs: RingSet): void {
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  /** Edge (its first point) → points to insert into it, as x, y pairs. */
  const inserts = new Map<number, number[]>();
  const add = (e: number, x: number, y: number) => {
    const list = inserts.get(e);
    if (!list) inserts.set(e, [x, y]);
    else {
      for (let i = 0; i < list.length; i += 2) if (list[i] === x && list[i + 1] === y) return;
      list.push(x, y);
    }
  };
  someEdgePair(xy, points, next, (a, c) => {
    const an = next[a], cn = next[c];
    const ax = xy[2 * a], ay = xy[2 * a + 1], bx = xy[2 * an], by = xy[2 * an + 1];
    const cx = xy[2 * c], cy = xy[2 * c + 1], dx = xy[2 * cn], dy = xy[2 * cn + 1];
    if (strictlyInside(ax, ay, bx, by, cx, cy)) add(a, cx, cy);
    if (strictlyInside(ax, ay, bx, by, dx, dy)) add(a, dx, dy);
    if (strictlyInside(cx, cy, dx, dy, ax, ay)) add(c, ax, ay);
    if (strictlyInside(cx, cy, dx, dy, bx, by)) add(c, bx, by);
    return false;
  });
  applyInserts(rs, inserts);
}

/**
 * A vertex of one group of rings (points before `apart`, or from it on) lying inside an edge of the
 * other is added to that edge. Only an edge whose ends differ by a multiple of k > 1 in both
 * coordinates has grid points inside it (k - 1 of them): those are looked up among the vertices.
 * Returns whether any was added.
 */
function insertVerticesBetween(rs: RingSet, apart: number): boolean {
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  const { size, head, link } = pointsByVertex(xy, points);
  const inserts = new Map<number, number[]>();
  for (let p = 0; p < points; p++) {
    const q = next[p], dx = xy[2 * q] - xy[2 * p], dy = xy[2 * q + 1] - xy[2 * p + 1];
    const k = gcd(Math.abs(dx), Math.abs(dy));
    if (k < 2) continue;
    const mine = p < apart;
    if (k > 1024) {
      // A long edge along a grid line (the buffered tile edge): the other group's vertices, once.
      for (let v = 0; v < points; v++) {
        if (v < apart === mine) continue;
        const x = xy[2 * v], y = xy[2 * v + 1];
        if (!strictlyInside(xy[2 * p], xy[2 * p + 1], xy[2 * q], xy[2 * q + 1], x, y)) continue;
        const list = inserts.get(p);
        if (list) list.push(x, y);
        else inserts.set(p, [x, y]);
      }
      continue;
    }
    for (let i = 1; i < k; i++) {
      const x = xy[2 * p] + (i * dx) / k, y = xy[2 * p + 1] + (i * dy) / k;
      for (let v = head[bucket(x, y, size)]; v >= 0; v = link[v]) {
        if (xy[2 * v] !== x || xy[2 * v + 1] !== y || v < apart === mine) continue;
        const list = inserts.get(p);
        if (!list) inserts.set(p, [x, y]);
        else if (list[list.length - 2] !== x || list[list.length - 1] !== y) list.push(x, y);
        break;
      }
    }
  }
  return applyInserts(rs, inserts);
}

function gcd(a: number, b: number): number {
  while (b) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Rewrites the rings with the points to insert after each point (edge start → x, y pairs); false when there are none. */
function applyInserts(rs: RingSet, inserts: Map<number, number[]>): boolean {
  if (!inserts.size) return false;
  const old = rs.xy.slice(0, rs.n), starts = rs.start.slice(0, rs.count + 1), count = rs.count;
  rs.reset();
  for (let r = 0; r < count; r++) {
    for (let i = starts[r]; i < starts[r + 1]; i += 2) {
      const x = old[i], y = old[i + 1];
      const list = inserts.get(i >> 1);
      rs.reserve(2 + (list?.length ?? 0));
      rs.xy[rs.n++] = x;
      rs.xy[rs.n++] = y;
      if (!list) continue;
      // Along the edge, nearest first.
      const order = Array.from({ length: list.length / 2 }, (_, k) => k);
      const dist = (k: number) => Math.abs(list[2 * k] - x) + Math.abs(list[2 * k + 1] - y);
      order.sort((u, v) => dist(u) - dist(v));
      for (const k of order) {
        rs.xy[rs.n++] = list[2 * k];
        rs.xy[rs.n++] = list[2 * k + 1];
      }
    }
    rs.close(false);
  }
  return true;
}

/**
 * Re-traces the rings where several meet at a vertex so that each ring bounds one connected piece
 * of the filled area: coming into a vertex, a ring leaves by the first edge clockwise from the one
 * it came in by (not taken by another way in: see the pairing below). The filled side is to the
 * left of every edge after the union (exteriors wind counter-clockwise in x-right, y-up terms,
 * holes clockwise), so this hugs the filled wedge it is in. A hole touching its exterior at two points thus becomes two parts touching at two points
 * (OGC forbids a hole that cuts the interior in two); one touching at a point comes out as a ring
 * through that vertex twice, which splitPinches then parts into exterior and hole.
 */
export function relink(rs: RingSet): void {
  const xy = rs.xy, points = rs.n >> 1;
  const next = ringSuccessors(rs.start, rs.count, points);
  const { size, head, link } = pointsByVertex(xy, points);
  const prev = new Int32Array(points);
  for (let p = 0; p < points; p++) prev[next[p]] = p;
  const follow = new Int32Array(points).fill(-1);
  let shared = false;
  // At a vertex where several rings meet: its edges in clockwise order (decreasing angle, the
  // incoming ones by the direction back along them), each incoming edge paired with the next
  // outgoing one not taken by an incoming edge after it, as brackets pair. Where the rings alternate
  // in and out around the vertex (the union's output should) that is the first edge clockwise; where
  // Clipper2 leaves two rings crossing at a shared vertex, it is still one way out for each way in,
  // so every edge stays in one ring and the area is kept (the next pass merges them).
  const around: { e: number; angle: number; out: boolean }[] = [];
  const open: number[] = [];
  for (let v = 0; v < points; v++) {
    if (follow[prev[v]] >= 0) continue;
    const vx = xy[2 * v], vy = xy[2 * v + 1], first = head[bucket(vx, vy, size)];
    let leaving = 0;
    for (let e = first; e >= 0 && leaving < 2; e = link[e]) if (xy[2 * e] === vx && xy[2 * e + 1] === vy) leaving++;
    if (leaving === 1) {
      follow[prev[v]] = v;
      continue;
    }
    shared = true;
    around.length = 0;
    for (let e = first; e >= 0; e = link[e]) {
      if (xy[2 * e] !== vx || xy[2 * e + 1] !== vy) continue;
      const n = next[e], p = prev[e];
      around.push({ e, angle: Math.atan2(xy[2 * n + 1] - vy, xy[2 * n] - vx), out: true });
      around.push({ e: p, angle: Math.atan2(xy[2 * p + 1] - vy, xy[2 * p] - vx), out: false });
    }
    // At equal angles the outgoing edge first: leaving straight back is the last way out.
    around.sort((s, t) => t.angle - s.angle || (s.out === t.out ? 0 : s.out ? -1 : 1));
    open.length = 0;
    for (let k = 0, m = around.length; k < 2 * m; k++) {
      const it = around[k % m];
      if (!it.out) {
        if (k < m) open.push(it.e);
      } else if (open.length && !taken(it.e)) follow[open.pop() as number] = it.e;
    }
  }
  if (!shared) return;
  function taken(e: number): boolean {
    for (const it of around) if (!it.out && follow[it.e] === e) return true;
    return false;
  }
  const old = xy.slice(0, rs.n);
  const seen = new Uint8Array(points);
  rs.reset();
  for (let p = 0; p < points; p++) {
    if (seen[p]) continue;
    rs.reserve(2);
    for (let e = p; !seen[e]; e = follow[e]) {
      seen[e] = 1;
      rs.reserve(2);
      rs.xy[rs.n++] = old[2 * e];
      rs.xy[rs.n++] = old[2 * e + 1];
    }
    if (rs.n - rs.start[rs.count] >= 6) rs.close(false);
    else rs.discard();
  }
}

/**
 * The points at each vertex, as chains through a hash table of flat arrays (a Map of arrays made an
 * allocation per vertex): head[bucket(x, y, size)] is the first point of a bucket, link[p] the next
 * one after p, in increasing order (-1 ends a chain).
 */
function pointsByVertex(xy: Int32Array, points: number): { size: number; head: Int32Array; link: Int32Array } {
  const size = 2 ** Math.ceil(Math.log2(2 * points + 2)), head = new Int32Array(size).fill(-1), link = new Int32Array(points);
  for (let p = points - 1; p >= 0; p--) {
    const h = bucket(xy[2 * p], xy[2 * p + 1], size);
    link[p] = head[h];
    head[h] = p;
  }
  return { size, head, link };
}

/** The hash bucket of a grid point, of `size` (a power of two, at least twice the points). */
function bucket(x: number, y: number, size: number): number {
  return (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77)) & (size - 1);
}

/** Is (x, y) on the edge from (x0, y0) to (x1, y1), and not one of its ends? */
function strictlyInside(x0: number, y0: number, x1: number, y1: number, x: number, y: number): boolean {
  if ((x === x0 && y === y0) || (x === x1 && y === y1)) return false;
  return (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0) === 0 && within(x0, y0, x1, y1, x, y);
}

/**
 * Splits each ring where it comes back to a vertex it passed: the loop in between becomes a ring
 * of its own (the same orientation: another part or hole touching at that vertex; the other: a
 * hole or an island there). Loops without area (spikes) vanish.
 */
function splitPinches(rs: RingSet): Ring[] {
  const out: Ring[] = [];
  const emit = (xy: number[]) => {
    if (xy.length < 6) return;
    const ring = makeRing(xy, true);
    if (ring.area2 !== 0) out.push(ring);
  };
  for (let r = 0; r < rs.count; r++) {
    const stack: number[] = [];
    const at = new Map<number, number>(); // vertex key → its index in stack (pairs)
    for (let i = rs.start[r]; i < rs.start[r + 1]; i += 2) {
      const x = rs.xy[i], y = rs.xy[i + 1];
      const key = x * 134217728 + y; // |x|, |y| < 2^25: exact and unique
      const k = at.get(key);
      if (k === undefined) {
        at.set(key, stack.length);
        stack.push(x, y);
        continue;
      }
      const loop = stack.splice(k); // the loop from the first visit, which stays in the ring
      for (let i = 2; i < loop.length; i += 2) at.delete(loop[i] * 134217728 + loop[i + 1]);
      stack.push(x, y);
      emit(loop);
    }
    // The ring's end joins its start: a last repeat there is its closing point.
    emit(stack);
  }
  return out;
}

function makeRing(xy: ArrayLike<number>, fresh = false): Ring {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, a = 0;
  for (let i = 0, j = xy.length - 2; i < xy.length; j = i, i += 2) {
    const x = xy[i], y = xy[i + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    a += (xy[j] - x) * (y + xy[j + 1]);
  }
  return { xy, box: [x0, y0, x1, y1], area2: a, fresh };
}

/**
 * Writes the rings into `rs`, each exterior (positive) followed by the holes (negative) whose
 * smallest holding exterior it is; rings touch only at shared vertices now, so the first vertex of
 * a hole that is not on an exterior's boundary tells whether that exterior holds it. Returns each
 * ring's `fresh`, in rs's order, and whether a hole not fresh found no exterior.
 */
function assignHoles(rings: Ring[], rs: RingSet): { fresh: Uint8Array; lost: boolean } {
  // Smallest first: the first exterior found to hold a hole is the one it belongs to.
  const exteriors = rings.filter((r) => r.area2 > 0);
  const bySize = exteriors.map((_, e) => e).sort((a, b) => exteriors[a].area2 - exteriors[b].area2 || a - b);
  const boxes = new Int32Array(4 * exteriors.length);
  bySize.forEach((e, k) => boxes.set(exteriors[e].box, 4 * k));
  const holesOf = exteriors.map((): Ring[] => []);
  const held = new Set<Ring>();
  const bands = new Map<Ring, EdgeBands>();
  const where = (ext: Ring, x: number, y: number) => {
    if (ext.xy.length < 256) return pointInRing(ext.xy, 0, ext.xy.length, x, y);
    let b = bands.get(ext);
    if (!b) bands.set(ext, (b = new EdgeBands(ext.xy)));
    return b.pointInRing(x, y);
  };
  const index = new BoxIndex(boxes, bySize.length);
  for (const hole of rings) {
    if (hole.area2 > 0) continue;
    const [hx0, hy0, hx1, hy1] = hole.box;
    index.containing(hx0, hy0, hx1, hy1, (k) => {
      const ext = exteriors[bySize[k]];
      let inside = 0;
      for (let i = 0; i < hole.xy.length && inside === 0; i += 2) inside = where(ext, hole.xy[i], hole.xy[i + 1]);
      if (inside <= 0) return false;
      holesOf[bySize[k]].push(hole);
      held.add(hole);
      return true;
    });
  }
  rs.reset();
  const fresh = new Uint8Array(rings.length);
  exteriors.forEach((ext, e) => {
    fresh[rs.count] = ext.fresh ? 1 : 0;
    rs.add(ext.xy, ext.xy.length, true);
    for (const h of holesOf[e]) {
      fresh[rs.count] = h.fresh ? 1 : 0;
      rs.add(h.xy, h.xy.length, false);
    }
  });
  // Holes the union made go when no exterior holds them (a lake whose land rounding took away);
  // a hole kept as it was always had one, so losing it is the snapping's doing.
  let lost = false;
  for (const ring of rings) if (ring.area2 < 0 && !ring.fresh && !held.has(ring)) lost = true;
  return { fresh, lost };
}
