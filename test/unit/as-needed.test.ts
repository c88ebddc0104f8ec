// tippecanoe's as-needed strategies for tiles over --max-features / --max-size: drop the densest,
// drop an even fraction, drop the smallest, cluster the densest points — decided per zoom, so that
// what goes at one zoom goes at every shallower one; in Web Mercator and ETRS-TM35FIN.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { buildTileset, decodeCommands, POLYGON } from '../../dist/index.js';
import { abbreviate, bitReverse32, carriesThresholds, rankFeatures, ThinningKeys, TileChoice, zoomThresholds } from '../../dist/internals.js';
import { MemorySink } from '../memory-sink.js';

/** 100 points on a 10 × 10 grid over a wide box, and 1000 in a tight cluster inside it. */
function sparseAndDense([w, s, e, n]: number[]) {
  const pt = (kind: string, i: number, lon: number, lat: number) => ({ type: 'Feature', id: i, properties: { kind }, geometry: { type: 'Point', coordinates: [lon, lat] } });
  const out = [];
  for (let i = 0; i < 100; i++) out.push(pt('sparse', i, w + ((i % 10) + 0.5) * ((e - w) / 10), s + (Math.floor(i / 10) + 0.5) * ((n - s) / 10)));
  const cx = (w + e) / 2 + 0.013, cy = (s + n) / 2 + 0.017;
  for (let i = 0; i < 1000; i++) out.push(pt('dense', 100 + i, cx + ((i % 40) - 20) * 0.0004, cy + (Math.floor(i / 40) - 12) * 0.0002));
  return out;
}

const SCHEMES: [string, number[]][] = [
  ['WebMercatorQuad', [-20, -20, 20, 20]],
  ['ETRS-TM35FIN', [21, 60, 30, 69]],
];

async function zoom0(tilingScheme: string, box: number[], o: object) {
  const sink = new MemorySink();
  const summary = await buildTileset({ inputs: [{ name: 'p', features: sparseAndDense(box) }], output: sink, tilingScheme, maxzoom: 0, threads: 1, ...o });
  return { features: sink.features(), summary, sink };
}

for (const [tilingScheme, box] of SCHEMES) {
  test(`${tilingScheme}: --drop-densest-as-needed keeps the sparse points and thins the cluster`, async () => {
    const { features, summary } = await zoom0(tilingScheme, box, { maxFeatures: 150, asNeeded: 'drop-densest' });
    // tippecanoe's step: keep 150/1100 · 0.8 of what can go, the sparsest — 121 features in all.
    assert.equal(features.length, 121);
    assert.equal(features.filter((f) => f.properties.kind === 'sparse').length, 100);
    assert.deepEqual(summary.limited[0], { tiles: 1, reducedExtent: 0, droppedForSize: 0, droppedForCount: 0, droppedAsNeeded: 979, clustered: 0, coalesced: 0 });
    // GDAL's way (the default) knows no density: points are all of size 0, the first ones stay
    const plain = await zoom0(tilingScheme, box, { maxFeatures: 150 });
    assert.equal(plain.features.filter((f) => f.properties.kind === 'sparse').length, 100); // the first 100 in input order
    const late = await zoom0(tilingScheme, box, { maxFeatures: 150, orderBy: [{ attribute: 'kind' }] });
    assert.equal(late.features.filter((f) => f.properties.kind === 'sparse').length, 0, 'dense sorts first, and the first stay');
  });

  test(`${tilingScheme}: --drop-fraction-as-needed keeps the same share everywhere`, async () => {
    const { features } = await zoom0(tilingScheme, box, { maxFeatures: 550, asNeeded: 'drop-fraction' });
    // tippecanoe's step for the fraction: 550/1100 · 0.95 of the walk.
    assert.equal(features.length, 523);
    const sparse = features.filter((f) => f.properties.kind === 'sparse').length;
    assert.ok(Math.abs(sparse - 50) <= 5, `${sparse} of 100 sparse kept`);
  });

  test(`${tilingScheme}: --cluster-densest-as-needed — the point_counts sum to the points they stand for`, async () => {
    const { features, summary, sink } = await zoom0(tilingScheme, box, { maxFeatures: 150, asNeeded: 'cluster-densest' });
    assert.equal(features.length, 121);
    const count = (f: { properties: Record<string, unknown> }) => (f.properties.clustered ? (f.properties.point_count as number) : 1);
    assert.equal(features.reduce((s, f) => s + count(f), 0), 1100);
    assert.equal(features.filter((f) => f.properties.kind === 'sparse' && !f.properties.clustered).length, 100);
    for (const f of features.filter((f) => f.properties.clustered)) {
      assert.equal(f.properties.sqrt_point_count, Math.round(100 * Math.sqrt(f.properties.point_count as number)) / 100);
      assert.equal(f.properties.point_count_abbreviated, String(f.properties.point_count));
    }
    assert.deepEqual(summary.limited[0], { tiles: 1, reducedExtent: 0, droppedForSize: 0, droppedForCount: 0, droppedAsNeeded: 0, clustered: 979, coalesced: 0 });
    const layer = sink.metadata!.layers[0];
    assert.deepEqual([...layer.fieldTypes()], [['kind', 'String'], ['clustered', 'Boolean'], ['point_count', 'Number'], ['sqrt_point_count', 'Number'], ['point_count_abbreviated', 'String']]);
  });
}

/** 3000 points, denser towards the box's south-west corner (a fixed pseudo-random walk). */
function gradient([w, s, e, n]: number[]) {
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: 3000 }, (_, i) => {
    const a = rnd() ** 2, b = rnd() ** 2;
    return { type: 'Feature', id: i, properties: { i }, geometry: { type: 'Point', coordinates: [w + a * (e - w), s + b * (n - s)] } };
  });
}

for (const [tilingScheme, box] of SCHEMES) {
  for (const asNeeded of ['drop-densest', 'drop-fraction', 'drop-smallest', 'cluster-densest'] as const) {
    test(`${tilingScheme}: --${asNeeded}-as-needed decides per zoom — a point at zoom z is in the tile of zoom z + 1 under it`, async () => {
      const sink = new MemorySink();
      const summary = await buildTileset({ inputs: [{ name: 'p', features: gradient(box) }], output: sink, tilingScheme, maxzoom: 6, buffer: 0, maxFeatures: 300, asNeeded, threads: 1 });
      const ids = new Map<string, Set<number>>();
      const features = sink.features();
      for (const f of features) (ids.get(f.tile) ?? ids.set(f.tile, new Set()).get(f.tile)!).add(f.id!);
      let checked = 0;
      for (const f of features) {
        const [z, x, y] = f.tile.split('/').map(Number);
        assert.ok((ids.get(f.tile)?.size ?? 0) <= 300);
        if (z === 6 || f.properties.clustered) continue;
        // The four tiles under it (a point on the edge may be drawn in its neighbour's).
        const under = [0, 1, 2, 3].map((c) => ids.get(`${z + 1}/${2 * x + (c & 1)}/${2 * y + (c >> 1)}`));
        assert.ok(under.some((u) => u?.has(f.id!)), `${asNeeded}: point ${f.id} of ${f.tile} missing at zoom ${z + 1}`);
        checked++;
      }
      assert.ok(checked > 500, `${checked} points checked`);
      // The thresholds never fall towards the shallower zooms; the shallow ones cut, the deepest keeps all.
      const t = summary.asNeeded!.thresholds;
      const zs = Object.keys(t).map(Number).sort((a, b) => a - b);
      assert.ok(zs.includes(0) && !zs.includes(6), `thresholds at ${zs}`);
      for (let i = 1; i < zs.length; i++) assert.ok(t[zs[i - 1]] >= t[zs[i]]);
      assert.equal(summary.featuresPerZoom[6], 3000);
      for (let z = 0; z < 6; z++) assert.ok(summary.featuresPerZoom[z] <= summary.featuresPerZoom[z + 1], `zoom ${z}`);
      if (asNeeded === 'cluster-densest') {
        // Every zoom still accounts for all 3000 points, in clusters or on their own.
        for (let z = 0; z <= 6; z++) {
          const n = features.filter((f) => f.z === z).reduce((s, f) => s + ((f.properties.point_count as number) ?? 1), 0);
          assert.equal(n, 3000, `zoom ${z}`);
        }
      }
    });
  }
}

for (const [tilingScheme, box] of SCHEMES) {
  test(`${tilingScheme}: --coalesce-densest-as-needed — the cluster's points are merged into multipoints, no place lost`, async () => {
    const { summary, sink } = await zoom0(tilingScheme, box, { maxFeatures: 150, asNeeded: 'coalesce-densest' });
    const layer = sink.tile('0/0/0')!.layers.p;
    assert.ok(layer.length <= 150 && layer.length > 100, `${layer.length} features`);
    // Every place a point is drawn at without the limit is drawn at still (a multipoint's repeated
    // places are written once, as GDAL does, so places are compared, not points).
    const places = (l: typeof layer) => {
      const out = new Set<string>();
      for (let i = 0; i < l.length; i++) for (const [p] of l.feature(i).loadGeometry()) out.add(`${p.x},${p.y}`);
      return [...out].sort();
    };
    const whole = await zoom0(tilingScheme, box, {});
    assert.deepEqual(places(layer), places(whole.sink.tile('0/0/0')!.layers.p));
    assert.equal(summary.limited[0].coalesced, 1100 - layer.length);
    assert.equal(summary.limited[0].droppedAsNeeded, 0);
    // The one each merges into keeps its own attributes: the sparse points are all still there.
    const kinds = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties.kind);
    assert.equal(kinds.filter((k) => k === 'sparse').length, 100);
  });
}

test('the thresholds, and so the tiles, are the same whatever the number of threads', async () => {
  const build = async (threads: number) => {
    const sink = new MemorySink();
    const summary = await buildTileset({ inputs: [{ name: 'p', features: gradient([-20, -20, 20, 20]) }], output: sink, maxzoom: 4, maxSize: 3000, asNeeded: 'cluster-densest', threads });
    return { summary, tiles: [...sink.tiles].sort(([a], [b]) => (a < b ? -1 : 1)) };
  };
  const one = await build(1), three = await build(3);
  assert.deepEqual(three.summary.asNeeded, one.summary.asNeeded);
  assert.deepEqual(three.tiles, one.tiles);
  assert.ok(Object.keys(one.summary.asNeeded!.thresholds).length > 0);
});

test('a store spilled to disk is read twice the same: the tiles do not depend on the memory budget', async () => {
  const build = async (memoryBudget?: number) => {
    const sink = new MemorySink();
    const summary = await buildTileset({ inputs: [{ name: 'p', features: gradient([-20, -20, 20, 20]) }], output: sink, maxzoom: 4, maxFeatures: 300, asNeeded: 'drop-densest', threads: 1, memoryBudget });
    return { summary, tiles: [...sink.tiles].sort(([a], [b]) => (a < b ? -1 : 1)) };
  };
  const held = await build(), spilled = await build(64 * 1024);
  assert.ok(spilled.summary.spilledBytes > 0 && held.summary.spilledBytes === 0);
  assert.deepEqual(spilled.summary.asNeeded, held.summary.asNeeded);
  assert.deepEqual(spilled.tiles, held.tiles);
});

test('under --max-size the strategies keep full detail: extent 4096, the tile within the limit', async () => {
  for (const asNeeded of ['drop-densest', 'drop-fraction', 'cluster-densest'] as const) {
    const { summary, sink } = await zoom0('WebMercatorQuad', [-20, -20, 20, 20], { maxSize: 2000, asNeeded });
    const data = sink.tiles.get('0/0/0')!;
    assert.ok(data.length <= 2000, `${asNeeded}: ${data.length} bytes`);
    assert.equal(sink.tile('0/0/0')!.layers.p.extent, 4096);
    assert.equal(summary.limited[0].reducedExtent, 0);
    assert.ok(gunzipSync(data).length > 0);
  }
  // drop-smallest draws coarser first
  const plain = await zoom0('WebMercatorQuad', [-20, -20, 20, 20], { maxSize: 2000 });
  assert.ok(plain.summary.limited[0].reducedExtent > 0);
});

test("tippecanoe's abbreviations", () => {
  assert.deepEqual([1, 999, 1000, 1234, 9999, 10000, 12345, 999999].map(abbreviate), ['1', '999', '1.0k', '1.2k', '10.0k', '10k', '12k', '1000k']);
});

test('zoom thresholds: the most any tile of the zoom needs, carried to shallower zooms', () => {
  // pairs z, threshold: zoom 3 needs nothing, zoom 2's tiles need 5 and 9, zoom 1's 4, zoom 0 none
  assert.deepEqual(zoomThresholds([3, -Infinity, 2, 5, 2, 9, 1, 4, 0, -Infinity], 3), [9, 9, 9, -Infinity]);
  assert.deepEqual(zoomThresholds([], 1), [-Infinity, -Infinity]);
  // Not carried (sizes of lines and polygons): each zoom its own, zoom 0 the none it needs.
  assert.deepEqual(zoomThresholds([3, -Infinity, 2, 5, 2, 9, 1, 4, 0, -Infinity], 3, false), [-Infinity, 4, 9, -Infinity]);
  // drop-fraction's walk: raising the threshold keeps every 2nd, then every 4th … feature
  assert.deepEqual([0, 1, 2, 3, 4, 6].map(bitReverse32), [0, 2 ** 31, 2 ** 30, 2 ** 31 + 2 ** 30, 2 ** 29, 2 ** 30 + 2 ** 29]);
});

test('sizes are not carried to shallower zooms, densities are: points under drop-smallest rank by their gap', () => {
  // Three features along the curve (keys 10, 20, 40), the last a point (size 0).
  const keys = new ThinningKeys(true);
  keys.add(Float64Array.from([10, 0, 0, 2, 20, 1, 0, 0.5, 40, 2, 0, 0]), (l: number) => l);
  const smallest = rankFeatures(keys, 'smallest', 3, 0);
  assert.equal(smallest.byGap, 1);
  assert.deepEqual([...smallest.value], [2 * 4 ** 26, 0.5 * 4 ** 26, 20]); // sizes in curve cells; the point its gap
  assert.equal(carriesThresholds('smallest', smallest), true, 'a point among them: carried');
  const polygons = new ThinningKeys(true);
  polygons.add(Float64Array.from([10, 0, 0, 2, 20, 1, 0, 0.5]), (l: number) => l);
  assert.equal(carriesThresholds('smallest', rankFeatures(polygons, 'smallest', 2, 0)), false);
  for (const by of ['densest', 'fraction'] as const) assert.equal(carriesThresholds(by, rankFeatures(polygons, by, 2, 0)), true);
  // densest: a sized feature's gap is at least its size over π (the square of half its extent)
  const densest = rankFeatures(keys, 'densest', 3, 0);
  assert.deepEqual([...densest.value], [Infinity, (0.5 * 4 ** 26) / Math.PI, 20]);
});

test('coalescing closes the gap that separately rounded neighbours leave along their shared border', () => {
  // Two 10 × 10 squares, 1 unit apart (a border that rounding pulled open) and a third 3 units off:
  // the first two become one ring with the gap filled (21 × 10); the third stays a ring of its own.
  // moveTo (x0, 0), lineTo by (w, 0), (0, 10), (-w, 0) (zigzagged deltas), closePath
  const ring = (x0: number, x1: number) => [9, x0 << 1, 0, 26, (x1 - x0) << 1, 0, 0, 20, ((x1 - x0) << 1) - 1, 0, 15];
  const features = [ring(0, 10), ring(11, 21), ring(24, 34)].map((geometry, i) => ({ type: POLYGON as typeof POLYGON, geometry, properties: [] as [string, string][], seq: i }));
  const ranks = { order: Float64Array.from([0, 1, 2]), value: Float64Array.from([3, 3, 3]), byGap: 0 };
  const frame = { scale: 1, x: 0, y: 0, extent: 1, sqTolerance: 0 }; // as limits.ts draws merged features: tile units in, tile units out
  const merged = new TileChoice([{ name: 'l', extent: 4096, features }], ranks, 'coalesce-smallest', frame).at(100);
  assert.deepEqual([merged.kept, merged.coalesced], [1, 2]);
  const rings = decodeCommands(merged.layers[0].features[0].geometry);
  const area = (r: number[]) => { let a = 0; for (let i = 0; i < r.length; i += 2) { const j = (i + 2) % r.length; a += r[i] * r[j + 1] - r[j] * r[i + 1]; } return a / 2; };
  assert.deepEqual(rings.map(area).sort((a, b) => a - b), [100, 210], 'the 1-unit gap is filled, the 3-unit one is not');
});

test('coalesce-smallest: a feature gives way only while it and those merged since the last kept one sum to the threshold', () => {
  // Five squares of size 3 in a row, side by side (in curve order); threshold 7: the first always
  // stays, the 2nd (3) and 3rd (3 + 3 = 6) merge into it, the 4th (6 + 3 = 9 > 7) stands and takes the 5th.
  const square = (x: number) => [9, (x * 20) << 1, 0, 26, 20, 0, 0, 40, 39, 0, 15];
  const features = [0, 1, 2, 3, 4].map((i) => ({ type: POLYGON as typeof POLYGON, geometry: square(i), properties: [] as [string, string][], seq: i }));
  const ranks = { order: Float64Array.from([0, 1, 2, 3, 4]), value: Float64Array.from([3, 3, 3, 3, 3]), byGap: 0 };
  const frame = { scale: 1, x: 0, y: 0, extent: 4096, sqTolerance: 0 };
  const layers = [{ name: 'l', extent: 4096, features }];
  const summed = new TileChoice(layers, ranks, 'coalesce-smallest', frame).at(7);
  assert.deepEqual([summed.kept, summed.coalesced], [2, 3]);
  // The search may go on to the sum of them all, which merges every one (no area lost to the limits).
  const choice = new TileChoice(layers, ranks, 'coalesce-smallest', frame);
  assert.deepEqual([...choice.sorted], [3, 3, 3, 3, 12]);
  assert.deepEqual([choice.at(12).kept, choice.at(12).coalesced], [1, 4]);
  // drop-smallest has no such sum: everything that can go goes.
  const dropped = new TileChoice(layers, ranks, 'drop-smallest', frame).at(7);
  assert.deepEqual([dropped.kept, dropped.dropped], [1, 4]);
  // A large feature first: the small ones do not merge into it (tippecanoe merges only into a kept
  // feature that is itself under the threshold); the first small one stays and gathers the others.
  const big = { order: Float64Array.from([0, 1, 2, 3, 4]), value: Float64Array.from([100, 3, 3, 3, 3]), byGap: 0 };
  const gathered = new TileChoice(layers, big, 'coalesce-smallest', frame).at(7);
  assert.deepEqual([gathered.kept, gathered.coalesced], [3, 2], 'the big one, the 2nd with the 3rd and 4th (3 + 3 + 3 > 7 stops there), the 5th');
  const intoBig = gathered.layers[0].features.map((f) => f.seq);
  assert.deepEqual(intoBig, [0, 1, 4]);
});
