// The tiler: which tiles a feature lands in, buffers, wrapping, and that split-from-parent clipping
// gives what clipping the full geometry straight to each tile would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCommands, LINESTRING, POINT, POLYGON } from '../dist/index.js';
import { clipGeometry, encodeGeometry, tileGeometry, type Geometry, type TilerOptions } from '../dist/internals.js';

const base: TilerOptions = {
  minzoom: 0, maxzoom: 4, extent: 4096, buffer: 80, matrixWidthZ0: 1, matrixHeightZ0: 1,
  sqTolerances: [0, 0, 0, 0, 0], wrapWidth: 0,
};
const flat = (pts: number[][]) => pts.flatMap(([x, y]) => [x, y, Infinity]);

/** What a command list draws: for polygons the total area and the vertex set, for lines the segments. */
function drawn(cmds: number[], type: number): unknown {
  const parts = decodeCommands(cmds).map((p) => Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i], p[2 * i + 1]]));
  if (type === POLYGON) {
    let area = 0;
    for (const r of parts) for (let a = 0, b = r.length - 1; a < r.length; b = a++) area += (r[b][0] - r[a][0]) * (r[a][1] + r[b][1]);
    // Collinear points on the buffered edge (-80 / 4176) depend on where the cut ran: leave them out.
    const inner = parts.flat().filter(([px, py]) => ![px, py].some((v) => v === -80 || v === 4176));
    return { area, vertices: [...new Set(inner.map((p) => p.join(',')))].sort() };
  }
  const segs = parts.flatMap((r) => r.slice(1).map((p, j) => [r[j].join(','), p.join(',')].sort().join(' ')));
  return [...new Set(segs)].sort();
}

function collect(g: Geometry, o: TilerOptions): Map<string, number[]> {
  const out = new Map<string, number[]>();
  tileGeometry(g, o, (z, x, y, cmds) => {
    assert.ok(!out.has(`${z}/${x}/${y}`), 'each tile once');
    out.set(`${z}/${x}/${y}`, [...cmds]); // the array is reused for the next tile
  });
  return out;
}

test('a point lands in one tile per zoom, and in neighbours only within the buffer', () => {
  const tiles = collect({ type: POINT, points: flat([[0.3, 0.6]]) }, base);
  assert.deepEqual([...tiles.keys()].sort(), ['0/0/0', '1/0/1', '2/1/2', '3/2/4', '4/4/9']);
  // 0.5 + 40/4096/2 → on the z1 boundary, inside the buffer of both neighbours
  const edge = collect({ type: POINT, points: flat([[0.5 + 20 / 4096 / 2, 0.25]]) }, { ...base, maxzoom: 1 });
  assert.deepEqual([...edge.keys()].sort(), ['0/0/0', '1/0/0', '1/1/0']);
  assert.deepEqual(edge.get('1/0/0'), [9, 2 * (4096 + 20), 2 * 2048]);
});

test('minzoom skips emitting low zooms but still descends', () => {
  const tiles = collect({ type: POINT, points: flat([[0.3, 0.6]]) }, { ...base, minzoom: 3 });
  assert.deepEqual([...tiles.keys()].sort(), ['3/2/4', '4/4/9']);
});

test('split-from-parent clipping equals clipping the whole geometry to each buffered tile', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ring: number[][] = [];
  for (let i = 0; i < 60; i++) {
    const a = (i / 60) * 2 * Math.PI, r = 0.2 + 0.15 * rand();
    ring.push([0.5 + r * Math.cos(a), 0.5 + r * Math.sin(a)]);
  }
  ring.push(ring[0]);
  const line: number[][] = [];
  for (let i = 0; i < 50; i++) line.push([0.1 + 0.8 * rand(), 0.1 + 0.8 * rand()]);
  const k = base.buffer / base.extent;
  for (const g of [
    { type: POLYGON, polygons: [[flat(ring)]] } as Geometry,
    { type: LINESTRING, lines: [flat(line)] } as Geometry,
  ]) {
    const tiles = collect(g, base);
    let checked = 0;
    for (let z = 0; z <= base.maxzoom; z++) {
      const n = 2 ** z;
      for (let x = 0; x < n; x++) {
        for (let y = 0; y < n; y++) {
          const gx = clipGeometry(g, (x - k) / n, (x + 1 + k) / n, 0);
          const direct = gx && clipGeometry(gx, (y - k) / n, (y + 1 + k) / n, 1);
          const expected = direct && encodeGeometry(direct, { scale: n, x, y, extent: 4096, sqTolerance: 0 });
          const got = tiles.get(`${z}/${x}/${y}`);
          assert.equal(!!got, !!expected, `tile ${z}/${x}/${y} present in both or neither`);
          // Rings may start at another vertex: compare what is drawn, not the command order.
          if (got && expected) assert.deepEqual(drawn(got, g.type), drawn(expected, g.type), `tile ${z}/${x}/${y}`);
          checked++;
        }
      }
    }
    assert.equal(checked, 1 + 4 + 16 + 64 + 256);
  }
});

test('zoom-0 matrices wider than one tile (WorldCRS84Quad: 2×1)', () => {
  const tiles = collect({ type: POINT, points: flat([[1.6, 0.25]]) }, { ...base, maxzoom: 1, matrixWidthZ0: 2, matrixHeightZ0: 1 });
  assert.deepEqual([...tiles.keys()].sort(), ['0/1/0', '1/3/0']);
});

test('antimeridian: geometry past the edge wraps to the other side, buffers copy across', () => {
  // A line from u = 0.9 to 1.1 (lon 144° → 216°) on a wrapping 1×1 grid
  const tiles = collect({ type: LINESTRING, lines: [flat([[0.9, 0.5], [1.1, 0.5]])] }, { ...base, maxzoom: 1, wrapWidth: 1 });
  assert.ok(tiles.has('1/1/0') || tiles.has('1/1/1'), 'east part');
  assert.ok(tiles.has('1/0/0') || tiles.has('1/0/1'), 'wrapped west part');
  const nothingOutside = [...tiles.keys()].every((t) => t.split('/').map(Number).every((v) => v >= 0 && v <= 1));
  assert.ok(nothingOutside);
});

test('tiles outside the matrix are never produced', () => {
  const tiles = collect({ type: POINT, points: flat([[1.0, 1.0]]) }, { ...base, maxzoom: 2 });
  assert.deepEqual([...tiles.keys()].sort(), ['0/0/0', '1/1/1', '2/3/3']);
});

test('a lake crossing tile edges becomes a notch in every tile it reaches (a hole meeting its land along the buffered edge is not OGC-valid)', () => {
  // Land 0.1–0.9 with a lake 0.45–0.55 around the centre, where the four z1 tiles meet.
  const land = flat([[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9], [0.1, 0.1]]);
  const lake = flat([[0.45, 0.45], [0.45, 0.55], [0.55, 0.55], [0.55, 0.45], [0.45, 0.45]]);
  const tiles = collect({ type: POLYGON, polygons: [[land, lake]] }, { ...base, maxzoom: 1 });
  for (const key of ['1/0/0', '1/1/0', '1/0/1', '1/1/1']) {
    const rings = decodeCommands(tiles.get(key)!);
    assert.equal(rings.length, 1, `${key}: one ring, the lake cut out of its edge`);
    let s = 0;
    const r = rings[0];
    for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) s += (r[j] - r[i]) * (r[i + 1] + r[j + 1]);
    // The land from 0.1 (819.2 → 819 units at z1) to the buffered edge (4096 + 80), less the lake's
    // corner from 0.45 (3686.4 → 3686) to that edge, or the same mirrored.
    assert.equal(s / 2, (4176 - 819) ** 2 - (4176 - 3686) ** 2, `${key}: the land less the lake, buffer included`);
  }
});
