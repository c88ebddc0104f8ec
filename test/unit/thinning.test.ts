// Thinning by zoom (--drop-rate, --base-zoom) after tippecanoe: the curve, the guesses, and whole
// builds in Web Mercator and ETRS-TM35FIN — each zoom below the base keeps 1/rate of the points of
// the zoom below it, every point drawn at zoom z is drawn at z + 1, the kept points are spread
// evenly, and the output does not depend on the number of threads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTileset, createTransform, parseTilingScheme, resolveCrs, tileDimension } from '../../dist/index.js';
import { chooseThinning, curveKey, curveOrder, tileOfKey } from '../../dist/internals.js';
import { MemorySink } from '../memory-sink.js';

test('the curve: every tile of every zoom is one stretch of keys; the order is stable', () => {
  // 64 × 64 cells of a 1 × 1 matrix: at zoom 2 the keys of each tile (16 × 16 cells) are contiguous
  const cells: { key: number; tile: string }[] = [];
  for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) cells.push({ key: curveKey((i + 0.5) / 64, (j + 0.5) / 64, 0), tile: `${Math.floor(i / 16)}/${Math.floor(j / 16)}` });
  cells.sort((a, b) => a.key - b.key);
  const runs = cells.filter((c, i) => i === 0 || c.tile !== cells[i - 1].tile).map((c) => c.tile);
  assert.equal(runs.length, 16);
  assert.equal(new Set(runs).size, 16);
  // consecutive cells along the curve are neighbours (Hilbert)
  const cellsIJ: { key: number; i: number; j: number }[] = [];
  for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) cellsIJ.push({ key: curveKey((i + 0.5) / 64, (j + 0.5) / 64, 0), i, j });
  cellsIJ.sort((a, b) => a.key - b.key);
  for (let n = 1; n < cellsIJ.length; n++) assert.equal(Math.abs(cellsIJ[n].i - cellsIJ[n - 1].i) + Math.abs(cellsIJ[n].j - cellsIJ[n - 1].j), 1);
  assert.equal(tileOfKey(curveKey(0.9, 0.1, 0), 1, 0), tileOfKey(curveKey(0.6, 0.4, 0), 1, 0));
  // a 2 × 1 matrix sits in a 2 × 2 square: its two zoom-0 tiles are two stretches
  assert.notEqual(tileOfKey(curveKey(0.5, 0.5, 1), 0, 1), tileOfKey(curveKey(1.5, 0.5, 1), 0, 1));
  const keys = Float64Array.from([5, 2 ** 50 + 3, 5, 0, 2 ** 51, 2 ** 13 + 1, 5]);
  assert.deepEqual([...curveOrder(keys, keys.length)], [3, 0, 2, 6, 5, 1, 4]);
});

test('the guesses, as tippecanoe makes them', () => {
  const base = { lines: false, polygons: false, guessFeatures: 1000 };
  // densest tile per zoom: the base zoom is the first under 1000
  const densest = [64000, 32000, 16000, 8000, 4000, 2000, 999, 500, 250];
  assert.deepEqual(chooseThinning({ ...base, rate: 2.5, baseZoom: 'g' }, 8, densest), { rate: 2.5, baseZoom: 6 });
  // the rate that keeps every shallower zoom's densest tile under 1000: from zoom 0, 64000 in 6 zooms
  const { rate } = chooseThinning({ ...base, rate: 'g', baseZoom: 6 }, 8, densest);
  assert.equal(rate, Math.round(Math.exp(Math.log(64000 / 1000) / 6) * 1e5) / 1e5);
  assert.equal(rate, 2);
  assert.deepEqual(chooseThinning({ ...base, rate: 'g', baseZoom: 'g' }, 8, densest), { rate: 2, baseZoom: 6 });
  // too dense even at the max zoom: the base zoom goes beyond it
  const dense = [90000, 45000, 22500, 11250, ...new Array(23).fill(11250)]; // coincident points: no zoom gets under 1000
  const r = chooseThinning({ ...base, rate: 'g', baseZoom: 'g' }, 4, dense);
  assert.equal(r.rate, Math.round(Math.exp(Math.log(90000 / 11250) / 4) * 1e5) / 1e5);
  assert.equal(r.baseZoom, Math.max(...dense.slice(0, 5).map((d, z) => Math.ceil(z + Math.log(d / 1000) / Math.log(r.rate)))));
  assert.ok(r.baseZoom > 4);
  // rate and base given: nothing guessed
  assert.deepEqual(chooseThinning({ ...base, rate: 3, baseZoom: 5 }, 8, undefined), { rate: 3, baseZoom: 5 });
  assert.deepEqual(chooseThinning({ ...base, rate: 3, baseZoom: undefined }, 8, undefined), { rate: 3, baseZoom: 8 });
});

/** n points evenly random in a box, with ids 0..n−1. */
function points(n: number, [w, s, e, north]: number[], seed = 7) {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, (_, i) => ({ type: 'Feature', id: i, properties: {}, geometry: { type: 'Point', coordinates: [w + rand() * (e - w), s + rand() * (north - s)] } }));
}

/** Per zoom, the ids drawn (a point in a tile's buffer is the same point). */
function idsPerZoom(sink: MemorySink): Set<number>[] {
  const out: Set<number>[] = [];
  for (const f of sink.features()) (out[f.z] ??= new Set()).add(f.id!);
  return out;
}

const SCHEMES: [string, number[]][] = [
  ['WebMercatorQuad', [-100, 30, -90, 40]],
  ['ETRS-TM35FIN', [22, 61, 28, 66]],
];

for (const [tilingScheme, box] of SCHEMES) {
  test(`${tilingScheme}: -r 2 -B 6 — each zoom below 6 keeps half the points of the zoom below it, and every one of them`, async () => {
    const features = points(20000, box);
    const sink = new MemorySink();
    const summary = await buildTileset({ inputs: [{ name: 'p', features }], output: sink, tilingScheme, maxzoom: 7, dropRate: 2, baseZoom: 6, threads: 2 });
    const ids = idsPerZoom(sink);
    assert.equal(ids[7].size, 20000);
    assert.equal(ids[6].size, 20000);
    const counts = ids.map((s) => s.size);
    for (let z = 0; z < 6; z++) {
      const ratio = counts[z] / counts[z + 1];
      assert.ok(Math.abs(ratio - 0.5) <= 0.005, `zoom ${z}: ${counts[z]} of ${counts[z + 1]} (${ratio})`);
      for (const id of ids[z]) assert.ok(ids[z + 1].has(id), `point ${id} at zoom ${z} but not ${z + 1}`);
    }
    assert.deepEqual(summary.thinning && [summary.thinning.rate, summary.thinning.baseZoom, summary.thinning.features], [2, 6, 20000]);
    assert.equal(summary.thinning!.thinned[6], 0);
    assert.ok(summary.thinning!.thinned[0] > 19000);
  });
}

test('the points kept are spread evenly: in each sixteenth of the box, 1/16 of them (±15%)', async () => {
  const features = points(20000, [10, 40, 20, 50], 3);
  const sink = new MemorySink();
  await buildTileset({ inputs: [{ name: 'p', features }], output: sink, maxzoom: 4, dropRate: 2, baseZoom: 4, threads: 1 });
  const kept = [...idsPerZoom(sink)[0]];
  const cells = new Array(16).fill(0);
  for (const id of kept) {
    const [lon, lat] = features[id].geometry.coordinates;
    cells[Math.min(3, Math.floor((lon - 10) / 2.5)) * 4 + Math.min(3, Math.floor((lat - 40) / 2.5))]++;
  }
  for (const c of cells) assert.ok(Math.abs(c - kept.length / 16) <= 0.15 * (kept.length / 16), `${cells.join(' ')} of ${kept.length}`);
});

/** The most points in one tile at each zoom 0..maxzoom, counted from their coordinates. */
function densestOf(features: ReturnType<typeof points>, tilingScheme: string, maxzoom: number): number[] {
  const scheme = parseTilingScheme(tilingScheme);
  const to = createTransform(resolveCrs('EPSG:4326'), resolveCrs(scheme.crs));
  const xy = features.map((f) => {
    const p = Float64Array.from(f.geometry.coordinates);
    to?.(p, 0);
    return p;
  });
  return Array.from({ length: maxzoom + 1 }, (_, z) => {
    const d = tileDimension(scheme, z);
    const n = new Map<string, number>();
    for (const p of xy) {
      const k = `${Math.floor((p[0] - scheme.originX) / d)}/${Math.floor((scheme.originY - p[1]) / d)}`;
      n.set(k, (n.get(k) ?? 0) + 1);
    }
    return Math.max(...n.values());
  });
}

for (const [tilingScheme, box] of SCHEMES) {
  test(`${tilingScheme}: -Bg picks the first zoom whose densest tile holds under the limit; -rg keeps every zoom under it`, async () => {
    const features = points(6000, box.map((v, i) => (i < 2 ? v : v - (box[i] - box[i - 2]) * 0.8)), 11);
    const densest = densestOf(features, tilingScheme, 10);
    const want = densest.findIndex((n) => n < 1000);
    assert.ok(want > 2 && want < 10, `${densest}`);
    const sink = new MemorySink();
    const s = await buildTileset({ inputs: [{ name: 'p', features }], output: sink, tilingScheme, maxzoom: 10, dropRate: 'g', baseZoom: 'g', guessFeatures: 1000, threads: 1 });
    assert.deepEqual(s.thinning!.densest!.slice(0, 11), densest);
    assert.equal(s.thinning!.baseZoom, want);
    assert.deepEqual([s.thinning!.baseZoomGuessed, s.thinning!.rateGuessed], [true, true]);
    // the densest tile of every zoom, as drawn (points in a tile itself, not its buffer), is under the limit
    const home = new Map<string, number>();
    for (const f of sink.features()) if (f.x >= 0 && f.x < 4096 && f.y >= 0 && f.y < 4096) home.set(f.tile, (home.get(f.tile) ?? 0) + 1);
    for (let z = 0; z <= 10; z++) {
      const most = Math.max(...[...home].filter(([t]) => t.startsWith(`${z}/`)).map(([, n]) => n));
      assert.ok(most <= 1001, `zoom ${z}: ${most}`); // one in rate^(base − z), and the first along the curve
    }
  });
}

test('--drop-lines thins lines too; polygons stay unless --drop-polygons; features with their own minzoom are not thinned', async () => {
  const line = (i: number) => ({ type: 'Feature', id: 10000 + i, properties: {}, geometry: { type: 'LineString', coordinates: [[i * 0.001, 0], [i * 0.001 + 0.5, 0.5]] } });
  const poly = (i: number) => ({ type: 'Feature', id: 20000 + i, properties: {}, geometry: { type: 'Polygon', coordinates: [[[i * 0.001, 1], [i * 0.001 + 0.5, 1], [i * 0.001, 1.5], [i * 0.001, 1]]] } });
  const pinned = (i: number) => ({ type: 'Feature', id: 30000 + i, tippecanoe: { minzoom: 0 }, properties: {}, geometry: { type: 'Point', coordinates: [i * 0.001, 2] } });
  const features = [...Array.from({ length: 400 }, (_, i) => [line(i), poly(i), pinned(i)]).flat()];
  const count = async (o: object) => {
    const sink = new MemorySink();
    await buildTileset({ inputs: [{ name: 'f', features }], output: sink, maxzoom: 3, dropRate: 2, baseZoom: 3, threads: 1, ...o });
    const z0 = idsPerZoom(sink)[0];
    return [10000, 20000, 30000].map((b) => [...z0].filter((id) => id >= b && id < b + 10000).length);
  };
  // one in 2^3 at zoom 0: the first along the curve, then the 8th, 16th, …: 1 + ⌊400 / 8⌋
  assert.deepEqual(await count({}), [400, 400, 400]);
  assert.deepEqual(await count({ dropLines: true }), [51, 400, 400]);
  const [lines, polygons, points] = await count({ dropLines: true, dropPolygons: true });
  assert.deepEqual([lines + polygons, points], [1 + Math.floor(800 / 8), 400]);
  assert.ok(Math.abs(lines - polygons) <= 2, `${lines} lines, ${polygons} polygons`);
});

test('thinning gives byte-identical tiles with 1 and 3 threads, and through the on-disk store', async () => {
  const features = points(9000, [5, 45, 15, 55], 5);
  const build = async (o: object) => {
    const sink = new MemorySink();
    await buildTileset({ inputs: [{ name: 'p', features }], output: sink, maxzoom: 6, dropRate: 'g', baseZoom: 'g', guessFeatures: 300, compress: false, ...o });
    return sink.tiles;
  };
  const a = await build({ threads: 1 });
  for (const b of [await build({ threads: 3 }), await build({ threads: 2, memoryBudget: 2 ** 16 })]) {
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [k, v] of a) assert.ok(Buffer.from(v).equals(Buffer.from(b.get(k)!)), k);
  }
});
