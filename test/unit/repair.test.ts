// Polygon repair on the integer grid, case by case: each classic way a rounded polygon goes wrong,
// repaired, with the area the positive fill rule gives (GEOS's verdict: test/e2e/repair-geos.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidPolygon, pointInRing, polygonProblem, relink, repairPolygon, WindingRows } from '../../dist/internals.js';
import { area, repaired, ringSet, sq, wkt } from '../repair-cases.js';

for (const { c, rs, before } of repaired) {
  test(`repair: ${c.name}`, () => {
    assert.equal(before, false, 'the check doubts it');
    assert.equal(area(rs), c.area, 'area');
    let ext = 0;
    for (let r = 0; r < rs.count; r++) if (rs.exterior[r]) ext++;
    assert.equal(ext, c.exteriors, `exteriors in ${wkt(rs)}`);
    assert.equal(rs.count - ext, c.holes, `holes in ${wkt(rs)}`);
    for (let r = 0; r < rs.count; r++) assert.equal(rs.area2(r) > 0, rs.exterior[r] === 1, 'exteriors positive, holes negative');
    assert.equal(polygonProblem(rs)?.message, undefined, `validate's exact check accepts ${wkt(rs)}`);
  });
}

test('check: a valid polygon with holes and an island in a lake passes without repair', () => {
  // Each exterior is followed by its own holes: the island (20–30) sits in the first lake.
  const rs = ringSet([sq(0, 0, 100, 100), sq(10, 10, 50, 50, false), sq(60, 60, 70, 70, false), sq(20, 20, 30, 30), sq(200, 0, 210, 10)]);
  assert.equal(isValidPolygon(rs), true);
});

test('repair: a ring that meets no other comes out as it was, collinear vertex and all', () => {
  // The union would drop (120, 0), which lies on the edge from (100, 0) to (140, 0): only the rings
  // that meet another go through it.
  const { rs } = repaired.find((r) => r.c.name.startsWith('rings meeting nothing')) ?? assert.fail('case missing');
  const rings: string[] = [];
  for (let r = 0; r < rs.count; r++) rings.push(Array.from(rs.xy.subarray(rs.start[r], rs.start[r + 1])).join(' '));
  assert.ok(rings.includes('100 0 120 0 140 0 140 40 100 40'), `kept verbatim in ${wkt(rs)}`);
});

test('relink: two rings crossing at a shared vertex keep every edge and the area', () => {
  // Seen in Clipper2's output on the countries (z5): around (563, 3320) the edges run in, out, out,
  // in (clockwise), so "the first edge clockwise" sent both incoming edges out the same way and lost
  // two fifths of the polygon-tile's area. Each way in now has its own way out.
  const rs = ringSet([
    [[562, 3322], [563, 3320], [564, 3318], [570, 3330]],
    [[564, 3319], [563, 3320], [562, 3320], [555, 3310]],
  ]);
  const before = area(rs), points = rs.n / 2;
  relink(rs);
  assert.equal(area(rs), before, `area kept in ${Array.from(rs.xy.subarray(0, rs.n)).join(" ")}`);
  assert.equal(rs.n / 2, points, 'every vertex kept');
});

test('repair: an island just off a shore that snapping bends stays (its side is judged on the rings as given)', () => {
  // The shore (7, 3) → (0, 0) of the land (dirty: a square shares an edge with its bottom) passes
  // through the pixel of (1, 1), a vertex of a bowtie, and is bent through it: bent, it runs above
  // (2, 1), the island's first vertex, which lies just above the shore as given. Judged on the
  // snapped rings, the island was inside the land and went; it must still be drawn.
  const island = [[2, 1], [3, 2], [2, 2]];
  const rs = ringSet([[[7, 3], [0, 0], [0, -10], [7, -10]], sq(3, -12, 4, -10), [[1, 1], [-1, 3], [-1, 1], [1, 3]], island]);
  repairPolygon(rs);
  let w = 0; // winding number of the result at a point inside the island
  for (let r = 0; r < rs.count; r++) {
    if (pointInRing(rs.xy, rs.start[r], rs.start[r + 1], 2.3, 1.7) > 0) w += rs.area2(r) > 0 ? 1 : -1;
  }
  assert.equal(w, 1, `the island's inside is filled in ${wkt(rs)}`);
  assert.equal(polygonProblem(rs)?.message, undefined, `valid: ${wkt(rs)}`);
});

test('winding rows: the winding number at each ring\'s first vertex matches a count over every edge', () => {
  // Random rings on a 12-unit grid: vertices at the query heights, horizontal edges and rings
  // crossing each other all come up. Queries that land on another ring's edge are left out (the
  // repair never asks them: such rings meet, and go through the union).
  // Also on a sparser grid (fewer queries on an edge) and scaled up to 2^24 (the largest extents,
  // where the rows asked about are found by binary search rather than a table).
  let seed = 7, asked = 0;
  const rand = (n: number) => ((seed = (seed * 48271) % 2147483647) % n);
  for (let trial = 0; trial < 600; trial++) {
    const [grid, scale] = trial < 300 ? [12, 1] : trial < 450 ? [40, 1] : [12, 1398101];
    const rings: number[][] = [];
    for (let r = 0, count = 2 + rand(6); r < count; r++) {
      const ring: number[] = [];
      for (let i = 0, n = 3 + rand(6); i < n; i++) ring.push(scale * rand(grid), scale * rand(grid));
      rings.push(ring);
    }
    const start = new Int32Array(rings.length + 1);
    rings.forEach((ring, r) => (start[r + 1] = start[r] + ring.length));
    const xy = Int32Array.from(rings.flat());
    const split = rand(rings.length + 1);
    const w = new WindingRows(xy, start, rings.length, split);
    const count = (x: number, y: number, from: number, to: number, skip: number) => {
      let n = 0;
      for (let r = from; r < to; r++) {
        if (r === skip) continue;
        const s = start[r], e = start[r + 1];
        for (let i = s; i < e; i += 2) {
          const j = i + 2 === e ? s : i + 2;
          const x0 = xy[i], y0 = xy[i + 1], x1 = xy[j], y1 = xy[j + 1];
          const c = (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0);
          if (c === 0 && x >= Math.min(x0, x1) && x <= Math.max(x0, x1) && y >= Math.min(y0, y1) && y <= Math.max(y0, y1)) return Number.NaN;
          if (y0 <= y && y < y1 && c > 0) n++;
          else if (y1 <= y && y < y0 && c < 0) n--;
        }
      }
      return n;
    };
    for (let r = 0; r < rings.length; r++) {
      const x = xy[start[r]], y = xy[start[r] + 1];
      const all = count(x, y, 0, rings.length, r);
      if (!Number.isNaN(all)) assert.equal(w.ofRing(r), all, `trial ${trial}, ring ${r}`), asked++;
      const rest = count(x, y, split, rings.length, -1);
      if (r < split && !Number.isNaN(rest)) assert.equal(w.ofRest(r), rest, `trial ${trial}, ring ${r} against the rest`), asked++;
    }
  }
  assert.ok(asked > 1000, `${asked} answers checked`);
  assert.equal(new WindingRows(new Int32Array(0), new Int32Array(1), 0, 0) instanceof WindingRows, true, 'no rings');
});
