// Attribute control after tippecanoe (-y, -x, -X, -T, --use-attribute-for-id, --generate-ids,
// --maximum-string-attribute-length): the rules one by one, then whole builds whose tiles and metadata
// must agree, in Web Mercator, ETRS-TM35FIN and from a GeoPackage in SWEREF 99 TM.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTileset } from '../../dist/index.js';
import { AttributeFilter, coerceTo, truncateUtf8 } from '../../dist/internals.js';
import { fixture } from '../helpers.js';
import { MemorySink } from '../memory-sink.js';

test('-T coerces as tippecanoe does: atof for numbers, round half away from zero for int, false for 0 / "0" / "false" / ""', () => {
  const cases: [unknown, string, unknown][] = [
    [12, 'string', '12'],
    [1.5, 'string', '1.5'],
    [true, 'string', 'true'],
    ['12.5 km', 'float', 12.5],
    ['abc', 'float', 0],
    [true, 'float', 0],
    ['-2.5', 'int', -3],
    [2.5, 'int', 3],
    ['0042', 'int', 42],
    ['1e3', 'int', 1000],
    ['', 'int', 0],
    [0, 'bool', false],
    ['0', 'bool', false],
    ['false', 'bool', false],
    ['', 'bool', false],
    [false, 'bool', false],
    ['0.0', 'bool', true],
    [3, 'bool', true],
    ['no', 'bool', true],
  ];
  for (const [v, t, want] of cases) assert.equal(coerceTo(v as never, t as never), want, `${JSON.stringify(v)} as ${t}`);
});

test('--maximum-string-attribute-length cuts at a character boundary, in UTF-8 bytes', () => {
  assert.equal(truncateUtf8('Helsinki', 4), 'Hels');
  assert.equal(truncateUtf8('Hélsinki', 2), 'H'); // é is two bytes: not cut in half
  assert.equal(truncateUtf8('Hélsinki', 3), 'Hé');
  assert.equal(truncateUtf8('😀😀', 5), '😀'); // four bytes each, a surrogate pair in UTF-16
  assert.equal(truncateUtf8('abc', 3), 'abc');
  assert.equal(truncateUtf8('abc', 0), '');
});

test('the filter: types first, then the id property, then include/exclude, then strings cut; ids generated', () => {
  const f = new AttributeFilter({ include: ['name', 'ref', 'pop'], types: { pop: 'int', ref: 'int' }, idProperty: 'ref', maxStringLength: 3, generateIds: true });
  assert.deepEqual(f.apply([['name', 'Tampere'], ['ref', '17'], ['pop', '244029.6'], ['other', 1]], undefined, 9), { properties: [['name', 'Tam'], ['pop', 244030]], id: 17 });
  // an id property whose value can be no MVT id stays a property; the GeoJSON id stands, else a generated one
  assert.deepEqual(f.apply([['ref', -4]], 3, 9), { properties: [['ref', -4]], id: 3 });
  assert.deepEqual(f.apply([['ref', 'x']], undefined, 9), { properties: [], id: 0 }); // int("x") = 0, a valid id, as in tippecanoe
  assert.deepEqual(new AttributeFilter({ generateIds: true }).apply([], undefined, 9).id, 10);
  // -x, -X with -y
  assert.deepEqual(new AttributeFilter({ exclude: ['a'] }).apply([['a', 1], ['b', 2]], undefined, 0).properties, [['b', 2]]);
  assert.deepEqual(new AttributeFilter({ excludeAll: true }).apply([['a', 1], ['b', 2]], undefined, 0).properties, []);
  assert.deepEqual(new AttributeFilter({ excludeAll: true, include: ['b'] }).apply([['a', 1], ['b', 2]], undefined, 0).properties, [['b', 2]]);
  assert.deepEqual(f.fieldType('pop', 'Number', true), { type: 'Number', real: false });
  assert.deepEqual(new AttributeFilter({ types: { v: 'float' } }).fieldType('v'), { type: 'Number', real: true });
  assert.equal(f.declares('ref'), false);
  assert.equal(f.declares('other'), false);
});

const cities = [
  { type: 'Feature', id: 'fi-1', properties: { name: 'Helsinki', pop: '631695', capital: 1, note: 'x'.repeat(40), ref: 101 }, geometry: { type: 'Point', coordinates: [24.94, 60.17] } },
  { type: 'Feature', properties: { name: 'Tampere', pop: 244029.4, capital: 0, note: null, ref: 102 }, geometry: { type: 'Point', coordinates: [23.76, 61.5] } },
  { type: 'Feature', id: 5, properties: { name: 'Oulu', pop: null, capital: 'no', ref: 'none' }, geometry: { type: 'Point', coordinates: [25.47, 65.01] } },
];

for (const tilingScheme of ['WebMercatorQuad', 'ETRS-TM35FIN']) {
  test(`${tilingScheme}: -y keeps only the named fields, in the tiles and in vector_layers and tilestats`, async () => {
    const sink = new MemorySink();
    await buildTileset({ inputs: [{ name: 'cities', features: cities }], output: sink, tilingScheme, maxzoom: 2, threads: 1, include: ['name', 'pop'], attributeTypes: { pop: 'int' } });
    const fs = sink.features().filter((f) => f.z === 0);
    assert.deepEqual(
      fs.map((f) => f.properties).sort((a, b) => String(a.name).localeCompare(String(b.name))),
      [{ name: 'Helsinki', pop: 631695 }, { name: 'Oulu' }, { name: 'Tampere', pop: 244029 }],
    );
    const layer = sink.metadata!.layers[0];
    assert.deepEqual([...layer.fields.keys()], ['name', 'pop']);
    assert.deepEqual(layer.fieldTypes(), new Map([['name', 'String'], ['pop', 'Number']]));
    assert.deepEqual([...layer.realFields()], []); // -T int: an integer field, though one value had a fraction
    assert.deepEqual(layer.fields.get('pop')!.values, [631695, 244029]);
  });

  test(`${tilingScheme}: -x, --use-attribute-for-id, --generate-ids, -T bool and string cut, in tiles and tilestats`, async () => {
    const sink = new MemorySink();
    await buildTileset({
      inputs: [{ name: 'cities', features: cities }], output: sink, tilingScheme, maxzoom: 1, threads: 1,
      exclude: ['pop'], useAttributeForId: 'ref', generateIds: true, attributeTypes: { capital: 'bool' }, maxStringLength: 5,
    });
    const byName = new Map(sink.features().filter((f) => f.z === 0).map((f) => [f.properties.name, f]));
    // Helsinki: ref 101 is the id (and not a property); its string GeoJSON id stays an `id` property
    assert.deepEqual([byName.get('Helsi')!.id, byName.get('Helsi')!.properties], [101, { id: 'fi-1', name: 'Helsi', capital: true, note: 'xxxxx' }]);
    assert.deepEqual([byName.get('Tampe')!.id, byName.get('Tampe')!.properties], [102, { name: 'Tampe', capital: false }]);
    // Oulu's ref is no id: it stays, and the GeoJSON id 5 is kept (nothing generated)
    assert.deepEqual([byName.get('Oulu')!.id, byName.get('Oulu')!.properties], [5, { name: 'Oulu', capital: true, ref: 'none' }]);
    const layer = sink.metadata!.layers[0];
    assert.deepEqual([...layer.fields.keys()].sort(), ['capital', 'id', 'name', 'note', 'ref']);
    assert.equal(layer.fieldTypes().get('capital'), 'Boolean');
    assert.deepEqual(layer.fields.get('note')!.values, ['xxxxx']);
  });
}

test('GeoPackage in SWEREF 99 TM: declared columns follow -x and -T, and an INTEGER column can be the id', async () => {
  const sink = new MemorySink();
  await buildTileset({
    inputs: [fixture('sweden-sample.gpkg')], output: sink, tilingScheme: 'EPSG:3006,-1200000,8500000,4194304', maxzoom: 1, threads: 1,
    exclude: ['county', 'kind', 'length_km'], attributeTypes: { area_km2: 'int', capital: 'string' }, useAttributeForId: 'population',
  });
  const places = sink.metadata!.layers.find((l) => l.name === 'places')!;
  assert.deepEqual([...places.fieldTypes()], [['name', 'String'], ['area_km2', 'Number'], ['capital', 'String']]);
  assert.deepEqual([...places.realFields()], []);
  const fs = sink.features().filter((f) => f.layer === 'places' && f.z === 0);
  assert.ok(fs.length > 0);
  for (const f of fs) {
    assert.deepEqual(Object.keys(f.properties).filter((k) => ['county', 'kind', 'length_km', 'population'].includes(k)), []);
    if (f.properties.capital !== undefined) assert.equal(typeof f.properties.capital, 'string');
    if (f.properties.area_km2 !== undefined) assert.ok(Number.isInteger(f.properties.area_km2));
  }
  assert.ok(fs.some((f) => f.id !== undefined && f.id > 1000), 'a population is an id');
});
