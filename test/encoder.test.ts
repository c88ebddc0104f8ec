// MVT encoding, checked by decoding with @mapbox/vector-tile (an independent reader).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { encodeTile, LINESTRING, POINT, POLYGON } from '../dist/index.js';
import { valueTag } from '../dist/internals.js';

const decode = (buf: Uint8Array) => new VectorTile(new PbfReader(buf));
// MoveTo(1) (10, 20); MoveTo(1) (0, 0) + LineTo(1) (5, 5); a 10×10 square, clockwise on screen
const pointCmds = [9, 20, 40];
const lineCmds = [9, 0, 0, 10, 10, 10];
const squareCmds = [9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15];

/** Reads the raw Value messages of the first layer: [field number, wire value] per value. */
function rawValueTags(buf: Uint8Array): number[] {
  const tags: number[] = [];
  const pbf = new PbfReader(buf);
  pbf.readFields((tag, _r, p) => {
    if (tag !== 3) return;
    p.readMessage((lt, _r2, lp) => {
      if (lt !== 4) return;
      lp.readMessage((vt, _r3, vp) => {
        tags.push(vt);
        vp.skip(vp.type);
      }, null);
    }, null);
  }, null);
  return tags;
}

test('round trip: geometry, ids, types and every value type', () => {
  const buf = encodeTile([
    {
      name: 'things',
      extent: 4096,
      features: [
        { id: 7, type: POINT, geometry: pointCmds, properties: [['s', 'hello'], ['neg', -5], ['pos', 3], ['big', 123456789012345], ['f', 1.25], ['d', 0.1], ['b', true]] },
        { type: LINESTRING, geometry: lineCmds, properties: [['s', 'hello'], ['b', false]] },
        { id: 0, type: POLYGON, geometry: squareCmds, properties: [] },
      ],
    },
  ]);
  const layer = decode(buf).layers.things;
  assert.equal(layer.version, 2);
  assert.equal(layer.extent, 4096);
  assert.equal(layer.length, 3);
  const p = layer.feature(0);
  assert.equal(p.id, 7);
  assert.equal(p.type, 1);
  assert.deepEqual({ ...p.properties }, { s: 'hello', neg: -5, pos: 3, big: 123456789012345, f: 1.25, d: 0.1, b: true });
  assert.deepEqual(p.loadGeometry().map((r) => r.map((q) => [q.x, q.y])), [[[10, 20]]]);
  const l = layer.feature(1);
  assert.equal(l.id, undefined);
  assert.deepEqual({ ...l.properties }, { s: 'hello', b: false });
  assert.deepEqual(l.loadGeometry().map((r) => r.map((q) => [q.x, q.y])), [[[0, 0], [5, 5]]]);
  const poly = layer.feature(2);
  assert.equal(poly.id, 0, 'id 0 is a real id');
  assert.equal(poly.type, 3);
  assert.deepEqual(poly.loadGeometry()[0].map((q) => [q.x, q.y]), [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]);
  // GDAL's choices: string, sint, uint, uint, float, double, bool, bool(false)
  assert.deepEqual(rawValueTags(buf), [1, 6, 5, 5, 2, 3, 7, 7]);
});

test('keys and values are deduplicated per layer, layers sorted by name, empty layers omitted', () => {
  const f = (v: string) => ({ type: POINT as typeof POINT, geometry: pointCmds, properties: [['k', v], ['n', 1]] as [string, string | number][] });
  const buf = encodeTile([
    { name: 'zeta', extent: 4096, features: [f('a'), f('a'), f('b')] },
    { name: 'alpha', extent: 512, features: [f('a')] },
    { name: 'empty', extent: 4096, features: [] },
  ]);
  const tile = decode(buf);
  assert.deepEqual(Object.keys(tile.layers), ['alpha', 'zeta']);
  assert.equal(tile.layers.alpha.extent, 512);
  // the layer's key and value tables (private fields of @mapbox/vector-tile 3)
  const zeta = tile.layers.zeta as unknown as { _keys: string[]; _values: unknown[]; feature: (i: number) => { properties: Record<string, unknown> } };
  assert.deepEqual(zeta._keys, ['k', 'n']);
  assert.deepEqual(zeta._values, ['a', 1, 'b']);
  assert.equal(zeta.feature(2).properties.k, 'b');
});

test('field types: a String field writes numbers as strings; a real field writes integral values as int', () => {
  const buf = encodeTile([
    {
      name: 'l',
      extent: 4096,
      fieldTypes: new Map([['code', 'String'], ['r', 'Number']]),
      realFields: new Set(['r']),
      features: [{ type: POINT, geometry: pointCmds, properties: [['code', 42], ['r', 2]] }],
    },
  ]);
  assert.deepEqual({ ...decode(buf).layers.l.feature(0).properties }, { code: '42', r: 2 });
  assert.deepEqual(rawValueTags(buf), [1, 4]);
});

test('valueTag follows GDAL: sint < 0 ≤ uint, float32-exact → float, else double', () => {
  assert.equal(valueTag(-1), 6);
  assert.equal(valueTag(0), 5);
  assert.equal(valueTag(2 ** 40), 5);
  assert.equal(valueTag(1.5), 2);
  assert.equal(valueTag(0.1), 3);
  assert.equal(valueTag(3, true), 4);
  assert.equal(valueTag(-3, true), 4);
  assert.equal(valueTag('x'), 1);
  assert.equal(valueTag(false), 7);
});
