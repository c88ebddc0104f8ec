// tippecanoe's as-needed strategies for tiles over --max-features / --max-size: drop the densest,
// drop an even fraction, cluster the densest points — in Web Mercator and ETRS-TM35FIN.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { buildTileset } from '../../dist/index.js';
import { abbreviate } from '../../dist/internals.js';
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
    assert.equal(features.length, 150);
    assert.equal(features.filter((f) => f.properties.kind === 'sparse').length, 100);
    assert.deepEqual(summary.limited[0], { tiles: 1, reducedExtent: 0, droppedForSize: 0, droppedForCount: 950, clustered: 0 });
    // drop-smallest (the default) knows no density: points are all of size 0, the first ones stay
    const plain = await zoom0(tilingScheme, box, { maxFeatures: 150 });
    assert.equal(plain.features.filter((f) => f.properties.kind === 'sparse').length, 100); // the first 100 in input order
    const late = await zoom0(tilingScheme, box, { maxFeatures: 150, orderBy: [{ attribute: 'kind' }] });
    assert.equal(late.features.filter((f) => f.properties.kind === 'sparse').length, 0, 'dense sorts first, and the first stay');
  });

  test(`${tilingScheme}: --drop-fraction-as-needed keeps the same share everywhere`, async () => {
    const { features } = await zoom0(tilingScheme, box, { maxFeatures: 550, asNeeded: 'drop-fraction' });
    assert.equal(features.length, 550);
    const sparse = features.filter((f) => f.properties.kind === 'sparse').length;
    assert.ok(Math.abs(sparse - 50) <= 5, `${sparse} of 100 sparse kept`);
  });

  test(`${tilingScheme}: --cluster-densest-as-needed — the point_counts sum to the points they stand for`, async () => {
    const { features, summary, sink } = await zoom0(tilingScheme, box, { maxFeatures: 150, asNeeded: 'cluster-densest' });
    assert.equal(features.length, 150);
    const count = (f: { properties: Record<string, unknown> }) => (f.properties.clustered ? (f.properties.point_count as number) : 1);
    assert.equal(features.reduce((s, f) => s + count(f), 0), 1100);
    assert.equal(features.filter((f) => f.properties.kind === 'sparse' && !f.properties.clustered).length, 100);
    for (const f of features.filter((f) => f.properties.clustered)) {
      assert.equal(f.properties.sqrt_point_count, Math.round(100 * Math.sqrt(f.properties.point_count as number)) / 100);
      assert.equal(f.properties.point_count_abbreviated, String(f.properties.point_count));
    }
    assert.deepEqual(summary.limited[0], { tiles: 1, reducedExtent: 0, droppedForSize: 0, droppedForCount: 0, clustered: 950 });
    const layer = sink.metadata!.layers[0];
    assert.deepEqual([...layer.fieldTypes()], [['kind', 'String'], ['clustered', 'Boolean'], ['point_count', 'Number'], ['sqrt_point_count', 'Number'], ['point_count_abbreviated', 'String']]);
  });
}

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
