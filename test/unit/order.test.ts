// The order of features in a tile (--order-by, --order-descending-by, --order-smallest-first,
// --order-largest-first), as tippecanoe compares values: strings, then numbers, then booleans, then
// features without the property; ties in input order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTileset, UsageError } from '../../dist/index.js';
import { compareOrder, type OrderField } from '../../dist/internals.js';
import { MemorySink } from '../memory-sink.js';

test('keys compare as tippecanoe compares them', () => {
  const asc: OrderField[] = [{ attribute: 'v' }];
  // (wrapped: Array.prototype.sort puts undefined last without asking the comparator)
  const sorted = (vs: unknown[], fields = asc) => vs.map((v) => [v as never]).sort((a, b) => compareOrder(a, b, fields)).map(([v]) => v);
  assert.deepEqual(sorted([3, 'b', undefined, true, -1, 'a', false, 2.5]), ['a', 'b', -1, 2.5, 3, false, true, undefined]);
  assert.deepEqual(sorted([3, 'b', undefined, -1], [{ attribute: 'v', descending: true }]), [undefined, 3, -1, 'b']);
  assert.equal(compareOrder([1, 'x'], [1, 'y'], [{ attribute: 'a' }, { attribute: 'b', descending: true }]), 1);
});

const tri = (name: string, size: number, properties: object) => ({ type: 'Feature', properties: { name, ...properties }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [size, 0], [size, size], [0, 0]]] } });
const FEATURES = [tri('b', 1, { rank: 2 }), tri('a', 3, { rank: 2 }), tri('c', 2, { rank: 1 }), tri('d', 0.5, {}), tri('e', 1, { rank: 2 })];

for (const tilingScheme of ['WebMercatorQuad', 'ETRS-TM35FIN']) {
  test(`${tilingScheme}: the features of every tile come in the order asked for`, async () => {
    const names = async (orderBy: object[]) => {
      const sink = new MemorySink();
      const features = tilingScheme === 'WebMercatorQuad' ? FEATURES : FEATURES.map((f) => ({ ...f, geometry: { type: 'Polygon', coordinates: f.geometry.coordinates.map((r) => r.map(([x, y]) => [24 + x, 61 + y])) } }));
      await buildTileset({ inputs: [{ name: 'p', features }], output: sink, tilingScheme, maxzoom: 0, threads: 1, orderBy: orderBy as never });
      return sink.features().map((f) => f.properties.name).join('');
    };
    assert.equal(await names([]), 'bacde'); // input order
    assert.equal(await names([{ attribute: 'rank' }]), 'cbaed'); // ties (b, a, e) in input order, no rank last
    assert.equal(await names([{ attribute: 'rank' }, { attribute: 'name', descending: true }]), 'cebad');
    assert.equal(await names([{ size: true, descending: true }]), 'acbed'); // b and e are the same size
    assert.equal(await names([{ attribute: 'rank', descending: true }, { size: true }]), 'dbeac');
  });
}

test('a bad order key is a usage error', async () => {
  await assert.rejects(buildTileset({ inputs: [{ name: 'p', features: FEATURES }], output: new MemorySink(), orderBy: [{ attribute: 'a', size: true }] }), (e: Error) => e instanceof UsageError && /orderBy\[0\] must be/.test(e.message));
});
