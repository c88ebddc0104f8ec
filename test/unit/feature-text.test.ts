// The fast feature parser must read exactly what JSON.parse reads (positions cut to x, y), and fall
// back to JSON.parse, errors included, for anything it does not handle itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PositionList } from '../../src/model/positions.js';
import { parseFeatureText } from '../../src/readers/feature-text.js';
import { fixture } from '../helpers.js';

/** PositionLists back to nested arrays, so results compare with JSON.parse's. */
function unpack(v: unknown): unknown {
  if (v instanceof PositionList) {
    const pts: number[][] = [];
    for (let i = 0; i < v.xy.length; i += 2) pts.push([v.xy[i], v.xy[i + 1]]);
    return v.single ? pts[0] : pts;
  }
  if (Array.isArray(v)) return v.map(unpack);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpack(x)]));
  return v;
}

/** JSON.parse with every position cut to its first two ordinates. */
function reference(text: string): unknown {
  const cut = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? c.slice(0, 2) : Array.isArray(c) ? c.map(cut) : c);
  const geom = (g: unknown): unknown => {
    if (!g || typeof g !== 'object' || Array.isArray(g)) return g;
    const o = g as Record<string, unknown>;
    if (Array.isArray(o.coordinates)) o.coordinates = cut(o.coordinates);
    if (Array.isArray(o.geometries)) o.geometries = o.geometries.map(geom);
    return o;
  };
  const f = JSON.parse(text) as Record<string, unknown>;
  if (f && typeof f === 'object' && 'geometry' in f) f.geometry = geom(f.geometry);
  return f;
}

const same = (text: string) => assert.deepEqual(unpack(parseFeatureText(text)), reference(text), text.slice(0, 200));

test('every geometry type reads as JSON.parse reads it, with packed positions', () => {
  const g = (type: string, coordinates: unknown) => JSON.stringify({ type: 'Feature', properties: { a: 1 }, geometry: { type, coordinates } });
  same(g('Point', [1.5, -2.25]));
  same(g('Point', [1, 2, 3, 4]));
  same(g('Point', []));
  same(g('MultiPoint', [[1, 2], [3, 4, 5]]));
  same(g('LineString', [[0, 0], [1e-7, 12345678.901234567]]));
  same(g('MultiLineString', [[[0, 0], [1, 1]], [], [[2, 2], [3, 3]]]));
  same(g('Polygon', [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.2, 0.2], [0.4, 0.2], [0.2, 0.4], [0.2, 0.2]]]));
  same(g('MultiPolygon', [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[]]]));
  const packed = parseFeatureText(g('Polygon', [[[0, 0], [1, 0], [1, 1], [0, 0]]])) as { geometry: { coordinates: unknown[] } };
  assert.ok(packed.geometry.coordinates[0] instanceof PositionList, 'rings are packed');
});

test('numbers: every JSON form gives the same double as JSON.parse', () => {
  const forms = ['0', '-0', '7', '-7', '0.5', '-0.000001', '123456789012345', '1234567890123456789', '1e3', '1E-3', '-2.5e+10',
    '1e22', '1e23', '1e-22', '1e-23', '4.9e-324', '1.7976931348623157e308', '0.30000000000000004', '24.67366', '-114.05190414404143',
    '9007199254740993', '1.0000000000000002', '123.456e-5', '0.1e1'];
  for (const n of forms) same(`{"type":"Feature","geometry":{"type":"Point","coordinates":[${n},${n}]},"properties":null}`);
  // Random decimals in the shapes real files use (5 to 17 significant digits).
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const coords: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 4);
    coords.push(`[${v.toPrecision(1 + Math.floor(rand() * 17))},${(rand() * 180 - 90).toFixed(Math.floor(rand() * 16))}]`);
  }
  same(`{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[${coords.join(',')}]},"properties":{}}`);
});

test('members other than the geometry, whitespace and member order are JSON.parse\'s', () => {
  same(' {\n "properties" : {"name": "a \\"quoted\\" {name}", "n": [1, {"x": "]"}], "nil": null, "t": true},\r\n\t"id": 12, "type": "Feature",'
    + ' "geometry" : { "coordinates" : [ [ 1 , 2 ] , [ 3 , 4 ] ] , "bbox": [1, 2, 3, 4], "type" : "LineString" } } ');
  same('{"type":"Feature","geometry":null,"properties":{"geometry":{"coordinates":[[1,2]]}}}');
  same('{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},null,'
    + '{"type":"LineString","coordinates":[[1,2],[3,4]]}]},"properties":{}}');
  same('{"geometry":{"type":"Point","coordinates":[1,2]},"geometry":{"type":"Point","coordinates":[3,4]}}'); // the last one wins
  same('{"type":"Feature","geometry":{"type":"Point","coordinates":"nope"},"properties":{}}');
});

test('anything it does not read itself goes to JSON.parse, with JSON.parse\'s errors', () => {
  // Escaped keys, a __proto__ member, odd nesting: still JSON.parse's result.
  same('{"type":"Feature","geo\\u006detry":{"type":"Point","coordinates":[1,2]}}');
  same('{"type":"Feature","__proto__":{"x":1},"geometry":null}');
  same('{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[[3,4]]]}}');
  same('{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}');
  same('{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[1e400,2]]}}'); // Infinity
  for (const bad of ['{"type":"Feature","geometry":{"type":"Point","coordinates":[1,]}}', '{"type":"Feature","geometry":{"type":"Point","coordinates":[01,2]}}',
    '{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}', '{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}} x',
    '{"type":"Feature","geometry":{"type":"Point","coordinates":[-,2]}}', '{"type":"Feature","geometry":{"type":"Point","coordinates":[1.,2]}}',
    '{"type":"Feature","properties":{"a":tru}}', '{"type":"Feature","properties":{"a":"unterminated}}']) {
    let expected = '';
    try {
      JSON.parse(bad);
    } catch (e) {
      expected = (e as Error).message;
    }
    assert.throws(() => parseFeatureText(bad), (e: Error) => e instanceof SyntaxError && e.message === expected, bad);
  }
});

test('every feature of the fixtures reads as JSON.parse reads it', () => {
  for (const name of ['finland-sample.geojson', 'all-types.geojson', 'sweden-sample-3006.geojson']) {
    const fc = JSON.parse(readFileSync(fixture(name), 'utf8')) as { features: unknown[] };
    for (const f of fc.features) same(JSON.stringify(f));
  }
});
