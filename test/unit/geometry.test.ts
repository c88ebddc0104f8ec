// Clipping, simplification and quantization/winding on hand-made geometries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCommands, LINESTRING, POINT, POLYGON } from '../../dist/index.js';
import { clipGeometry, computeImportance, encodeGeometry, ringArea, type Geometry } from '../../dist/internals.js';

/** Builds a stride-3 flat array with importance 1 from [x, y] pairs. */
const flat = (pts: number[][]) => pts.flatMap(([x, y]) => [x, y, 1]);
const xy = (f: number[]) => {
  const out: number[][] = [];
  for (let i = 0; i < f.length; i += 3) out.push([f[i], f[i + 1]]);
  return out;
};

/** Decodes MVT commands into parts of [x, y] points (ClosePath not repeated). */
const decode = (cmds: number[]): number[][][] =>
  decodeCommands(cmds).map((p) => Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i], p[2 * i + 1]]));

const frame = { scale: 1, x: 0, y: 0, extent: 4096, sqTolerance: 0 };

test('clip: a geometry wholly inside comes back as the same object; wholly outside gives null', () => {
  const g: Geometry = { type: LINESTRING, lines: [flat([[0.2, 0.2], [0.4, 0.4]])] };
  assert.equal(clipGeometry(g, 0, 1, 0), g);
  assert.equal(clipGeometry(g, 0.5, 1, 0), null);
});

test('clip: points on the cut lines are kept, others dropped', () => {
  const g: Geometry = { type: POINT, points: flat([[0, 0], [0.5, 0.5], [1, 0.2], [1.01, 0.3]]) };
  const c = clipGeometry(g, 0, 1, 0) as { points: number[] };
  assert.deepEqual(xy(c.points), [[0, 0], [0.5, 0.5], [1, 0.2]]);
});

test('clip: a line leaving and re-entering the stripe splits in two, with cut points on the edges', () => {
  const g: Geometry = { type: LINESTRING, lines: [flat([[0.1, 0], [0.9, 0], [0.9, 1], [0.1, 1]])] };
  const c = clipGeometry(g, 0, 0.5, 0) as { lines: number[][] };
  assert.deepEqual(c.lines.map(xy), [[[0.1, 0], [0.5, 0]], [[0.5, 1], [0.1, 1]]]);
  // cut points always survive simplification
  assert.equal(c.lines[0][5], Infinity);
});

test('clip: a polygon is cut along the edge and stays closed', () => {
  const g: Geometry = { type: POLYGON, polygons: [[flat([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])]] };
  const c = clipGeometry(g, 0.25, 0.75, 0) as { polygons: number[][][] };
  assert.deepEqual(xy(c.polygons[0][0]), [[0.25, 0], [0.75, 0], [0.75, 1], [0.25, 1], [0.25, 0]]);
  const gone = clipGeometry({ type: POLYGON, polygons: [[flat([[0, 0], [0.1, 0], [0.1, 0.1], [0, 0]])]] }, 0.5, 1, 1);
  assert.equal(gone, null);
});

/** Textbook recursive Douglas–Peucker, the reference the importance values must agree with. */
function referenceDP(pts: number[][], tol: number): number[] {
  const keep = new Set([0, pts.length - 1]);
  const sqSeg = (p: number[], a: number[], b: number[]) => {
    let [x, y] = a;
    let dx = b[0] - x, dy = b[1] - y;
    if (dx !== 0 || dy !== 0) {
      const t = ((p[0] - x) * dx + (p[1] - y) * dy) / (dx * dx + dy * dy);
      if (t > 1) [x, y] = b;
      else if (t > 0) (x += dx * t), (y += dy * t);
    }
    dx = p[0] - x;
    dy = p[1] - y;
    return dx * dx + dy * dy;
  };
  const rec = (first: number, last: number) => {
    let max = tol * tol, index = -1;
    for (let i = first + 1; i < last; i++) {
      const d = sqSeg(pts[i], pts[first], pts[last]);
      if (d > max) (max = d), (index = i);
    }
    if (index < 0) return;
    keep.add(index);
    rec(first, index);
    rec(index, last);
  };
  rec(0, pts.length - 1);
  return [...keep].sort((a, b) => a - b);
}

test('simplify: importance filtered at any tolerance equals textbook Douglas–Peucker at that tolerance', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let run = 0; run < 20; run++) {
    const pts: number[][] = [];
    let x = 0, y = 0;
    for (let i = 0; i < 200; i++) pts.push([(x += rand()), (y += rand() - 0.5)]);
    const f = flat(pts);
    computeImportance(f, 0);
    for (const tol of [0.01, 0.1, 0.5, 2]) {
      const kept = pts.map((_, i) => i).filter((i) => f[i * 3 + 2] > tol * tol);
      assert.deepEqual(kept, referenceDP(pts, tol), `run ${run}, tolerance ${tol}`);
    }
  }
});

test('simplify: points under the minimum tolerance get importance 0', () => {
  const f = flat([[0, 0], [1, 1e-9], [2, 0]]);
  computeImportance(f, 1e-6);
  assert.equal(f[5], 0);
});

test('quantize: exterior rings get positive area, holes negative, whatever the input winding', () => {
  // Exterior counter-clockwise on screen (negative area in y-down), hole clockwise: both wrong.
  const ext = flat([[0.1, 0.1], [0.1, 0.9], [0.9, 0.9], [0.9, 0.1], [0.1, 0.1]]);
  const hole = flat([[0.3, 0.3], [0.6, 0.3], [0.6, 0.6], [0.3, 0.6], [0.3, 0.3]]);
  const parts = decode(encodeGeometry({ type: POLYGON, polygons: [[ext, hole]] }, frame)!);
  assert.equal(parts.length, 2);
  assert.ok(ringArea(parts[0].flat()) > 0, 'exterior positive');
  assert.ok(ringArea(parts[1].flat()) < 0, 'hole negative');
  assert.deepEqual([...parts[0]].sort(), [[410, 410], [410, 3686], [3686, 3686], [3686, 410]].sort());
  assert.equal(parts[0].length, 4, 'closing point not repeated');
});

test('quantize: a hole that collapses when rounded is dropped, the polygon kept', () => {
  const ext = flat([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
  const tiny = flat([[0.5, 0.5], [0.50001, 0.5], [0.50001, 0.50001], [0.5, 0.5]]);
  const parts = decode(encodeGeometry({ type: POLYGON, polygons: [[ext, tiny]] }, frame)!);
  assert.equal(parts.length, 1);
});

test('quantize: an exterior that collapses takes its holes with it; nothing left gives null', () => {
  const ext = flat([[0.5, 0.5], [0.50001, 0.5], [0.50001, 0.50001], [0.5, 0.5]]);
  assert.equal(encodeGeometry({ type: POLYGON, polygons: [[ext]] }, frame), null);
});

test('quantize: a ring smaller than the tolerance keeps its three most important vertices, as tippecanoe keeps four points', () => {
  // An octagon 12 tile units across, simplified at a tolerance of 20 units: Douglas–Peucker keeps
  // its first vertex and the farthest one, nothing to draw; the next most important one stays too.
  const u = 1 / 4096;
  const ring = flat([[0, 0], [5, -4], [8, -3], [12, 0], [13, 5], [8, 8], [3, 7], [0, 4], [0, 0]].map(([x, y]) => [0.5 + x * u, 0.5 + y * u]));
  computeImportance(ring, 0);
  const f = { ...frame, sqTolerance: (20 * u) ** 2 };
  const parts = decode(encodeGeometry({ type: POLYGON, polygons: [[ring]] }, f)!);
  assert.equal(parts.length, 1);
  assert.equal(parts[0].length, 3, 'a triangle');
  assert.ok(ringArea(parts[0].flat()) > 0);
  // A bigger tolerance changes nothing more: the same three stay.
  assert.deepEqual(decode(encodeGeometry({ type: POLYGON, polygons: [[ring]] }, { ...frame, sqTolerance: (200 * u) ** 2 })!), parts);
});

test('quantize: a sliver that rounds away keeps its area as a 2 × 2 square; without tiny-polygon reduction it goes', () => {
  // 400 units long, 0.02 wide: twice its area is 16 tile units², two squares' worth is 16.
  const u = 1 / 4096;
  const sliver = flat([[0, 0], [400, 0], [400, 0.02], [0, 0.02], [0, 0]].map(([x, y]) => [0.25 + x * u, 0.5 + y * u]));
  const parts = decode(encodeGeometry({ type: POLYGON, polygons: [[sliver]] }, { ...frame, tinyArea2: 4 })!);
  assert.deepEqual(parts, [[[1023, 2047], [1025, 2047], [1025, 2049], [1023, 2049]]]);
  assert.equal(encodeGeometry({ type: POLYGON, polygons: [[sliver]] }, frame), null);
  // Half as wide: under one square's area, nothing is drawn.
  const thinner = flat([[0, 0], [400, 0], [400, 0.009], [0, 0.009], [0, 0]].map(([x, y]) => [0.25 + x * u, 0.5 + y * u]));
  assert.equal(encodeGeometry({ type: POLYGON, polygons: [[thinner]] }, { ...frame, tinyArea2: 4 }), null);
});

test('quantize: a hole whose winding flips through rounding is dropped', () => {
  const ext = flat([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
  // A sliver triangle: in float it winds one way, rounded its apex moves across the base.
  const u = 1 / 4096;
  const hole = flat([[100 * u, 100 * u], [110 * u, 100.4 * u], [120 * u, 100 * u + 1e-9], [100 * u, 100 * u]]);
  const parts = decode(encodeGeometry({ type: POLYGON, polygons: [[ext, hole]] }, frame)!);
  assert.equal(parts.length, 1);
});

test('quantize: repeated points removed; a line needs two distinct points', () => {
  const u = 1 / 4096;
  const line = flat([[0, 0], [0.1 * u, 0], [10 * u, 0], [10 * u, 0.2 * u], [20 * u, 0]]);
  assert.deepEqual(decode(encodeGeometry({ type: LINESTRING, lines: [line] }, frame)!), [[[0, 0], [10, 0], [20, 0]]]);
  const dot = flat([[0, 0], [0.1 * u, 0.1 * u]]);
  assert.equal(encodeGeometry({ type: LINESTRING, lines: [dot] }, frame), null);
});

test('quantize: MultiPoint duplicates merge, as GDAL does', () => {
  const u = 1 / 4096;
  const pts = flat([[5 * u, 5 * u], [5.2 * u, 4.9 * u], [7 * u, 7 * u]]);
  assert.deepEqual(decode(encodeGeometry({ type: POINT, points: pts }, frame)!), [[[5, 5]], [[7, 7]]]);
});

test('quantize: halves round away from zero (C round), also in the buffer', () => {
  const u = 1 / 4096;
  const pts = flat([[-2.5 * u, 2.5 * u]]);
  assert.deepEqual(decode(encodeGeometry({ type: POINT, points: pts }, frame)!), [[[-3, 3]]]);
});

test('quantize: simplification tolerance filters by importance', () => {
  const line = [0, 0, Infinity, 0.5, 1e-6, 1e-12, 1, 0, Infinity];
  const keep = decode(encodeGeometry({ type: LINESTRING, lines: [line] }, frame)!);
  assert.equal(keep[0].length, 3);
  const simplified = decode(encodeGeometry({ type: LINESTRING, lines: [line] }, { ...frame, sqTolerance: 1e-10 })!);
  assert.deepEqual(simplified, [[[0, 0], [4096, 0]]]);
});

test('quantize: a hole pushed onto its exterior edge by rounding is dropped (GDAL drops it via MakeValid)', () => {
  // Exterior triangle with legs of 5 units; the hole's long edge rounds onto the hypotenuse.
  const u = 1 / 4096;
  const ext = flat([[0, 0], [5 * u, 0], [5 * u, 5 * u], [0, 0]]);
  const hole = flat([[1.2 * u, 0.8 * u], [4 * u, 3.7 * u], [4.1 * u, 0.9 * u], [1.2 * u, 0.8 * u]]);
  const parts = decode(encodeGeometry({ type: POLYGON, polygons: [[ext, hole]] }, frame)!);
  assert.equal(parts.length, 1);
  // …while a hole well inside stays
  const big = flat([[0, 0], [50 * u, 0], [50 * u, 50 * u], [0, 0]]);
  const inner = flat([[30 * u, 10 * u], [40 * u, 30 * u], [40 * u, 10 * u], [30 * u, 10 * u]]);
  assert.equal(decode(encodeGeometry({ type: POLYGON, polygons: [[big, inner]] }, frame)!).length, 2);
});

test('validity: a ring\'s edge bands answer point-in-ring exactly as a scan of every edge', async () => {
  const { EdgeBands } = await import('../../dist/geometry/validity.js');
  /** The plain answer: every edge looked at. */
  const scan = (ring: number[], x: number, y: number): number => {
    let inside = false;
    for (let i = 0, n = ring.length, j = n - 2; i < n; j = i, i += 2) {
      const xi = ring[i], yi = ring[i + 1], xj = ring[j], yj = ring[j + 1];
      const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
      if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return 0;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside ? 1 : -1;
  };
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const n of [3, 10, 100, 2000]) {
    // A jagged star on an integer grid: many edges per band, horizontal and vertical ones included.
    const ring: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n, r = 200 + Math.floor(rand() * 200);
      ring.push(Math.round(500 + r * Math.cos(a)), i % 7 === 0 && i > 0 ? ring[ring.length - 1] : Math.round(500 + r * Math.sin(a)));
    }
    const bands = new EdgeBands(ring);
    let inside = 0, on = 0;
    for (let k = 0; k < 3000; k++) {
      // Half the probes on vertices or edge midpoints, so boundary answers are exercised too.
      const v = 2 * Math.floor(rand() * n), w = (v + 2) % ring.length;
      const [x, y] = k % 3 === 0 ? [ring[v], ring[v + 1]] : k % 3 === 1 ? [Math.floor((ring[v] + ring[w]) / 2), Math.floor((ring[v + 1] + ring[w + 1]) / 2)] : [Math.floor(rand() * 1100 - 50), Math.floor(rand() * 1100 - 50)];
      const want = scan(ring, x, y);
      assert.equal(bands.pointInRing(x, y), want, `n=${n} (${x}, ${y})`);
      if (want === 1) inside++;
      if (want === 0) on++;
    }
    assert.ok(inside > 100 && on > 100, `probes cover inside (${inside}) and boundary (${on}) cases`);
  }
});

test('quantize: a spike (a ring running out and straight back) loses its tip, inside the ring and where it closes', () => {
  const u = (pts: number[][]) => flat(pts.map(([x, y]) => [x / 4096, y / 4096]));
  const square = [[0, 0], [100, 0], [100, 100], [50, 100], [0, 100]];
  // The spike in the middle of the ring, then at its first point.
  const inner = u([[0, 0], [100, 0], [100, 100], [50, 100], [50, 200], [50, 100], [0, 100], [0, 0]]);
  const closing = u([[50, 200], [50, 100], [0, 100], [0, 0], [100, 0], [100, 100], [50, 100], [50, 200]]);
  assert.deepEqual(decode(encodeGeometry({ type: POLYGON, polygons: [[inner]] }, frame)!), [square]);
  assert.deepEqual(decode(encodeGeometry({ type: POLYGON, polygons: [[closing]] }, frame)!), [[[50, 100], [0, 100], [0, 0], [100, 0], [100, 100]]]);
  // A straight run through a vertex is no spike, and --no-polygon-repair keeps the rings as rounded.
  assert.deepEqual(decode(encodeGeometry({ type: POLYGON, polygons: [[inner]] }, { ...frame, repair: false })!), [[[0, 0], [100, 0], [100, 100], [50, 100], [50, 200], [50, 100], [0, 100]]]);
});
