// The publish config: the seed's keys read from YAML and JSON, normalized; every problem reported at
// once with its path and line; groups selecting layers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig, selectLayers } from '../../dist/publish/config.js';

const GOOD = `
dataset:
  path: data/nordic.gpkg
SRS: EPSG:3006
extent: [110000, 6050000, 1080000, 7760000]
vector-tiles:
  min-zoom: 0
  max-zoom: 9
  max-size: 4194304
  max-features: 262144
  simplification: 4.
  simplification-max-zoom: 2.
  tiling-scheme: [EPSG:3006, -1200000, 8500000, 4194304]
  extent: 4096
  buffer: 32
layers:
  roads:
    where: kind <> 'path'
    publish: transport
  rail:
    publish: [transport, rail]
  lakes:
    description: kept for another step of the workflow
    publish:
      water:
        where: area > 1000
        minzoom: 2
        maxzoom: 9
      water_small:
groups:
  transport: [roads, rail]
  water: [lakes]
tile-attributes: [name]
`;

test('publish config: the seed keys, YAML, normalized (paths from the config directory, tiling scheme list joined)', () => {
  const c = parseConfig(GOOD, '/etc/webmap/config.yml');
  assert.equal(c.dataset.path, '/etc/webmap/data/nordic.gpkg');
  assert.equal(c.srs, 'EPSG:3006');
  assert.deepEqual(c.extent, [110000, 6050000, 1080000, 7760000]);
  assert.deepEqual(c.vectorTiles, {
    minzoom: 0, maxzoom: 9, maxSize: 4194304, maxFeatures: 262144, simplification: 4, simplificationMaxZoom: 2,
    tilingScheme: 'EPSG:3006,-1200000,8500000,4194304', extent: 4096, buffer: 32,
  });
  assert.deepEqual(c.layers, [
    { name: 'roads', where: "kind <> 'path'", targets: [{ name: 'transport' }] },
    { name: 'rail', where: undefined, targets: [{ name: 'transport' }, { name: 'rail' }] },
    { name: 'lakes', where: undefined, targets: [{ name: 'water', where: 'area > 1000', minzoom: 2, maxzoom: 9 }, { name: 'water_small' }] },
  ]);
  assert.deepEqual(c.groups, { transport: ['roads', 'rail'], water: ['lakes'] });
  assert.deepEqual(c.tileAttributes, ['name']);
  assert.deepEqual(c.warnings, []); // `description` belongs to another step: not warned about
  assert.deepEqual(selectLayers(c, ['water']).map((l) => l.name), ['lakes']);
  assert.deepEqual(selectLayers(c, ['water', 'transport']).map((l) => l.name), ['roads', 'rail', 'lakes']); // config order
  assert.deepEqual(selectLayers(c, []).map((l) => l.name), ['roads', 'rail', 'lakes']);
});

test('publish config: JSON is read too, and held to JSON', () => {
  const c = parseConfig(JSON.stringify({ dataset: { path: 'x.gpkg' }, layers: { a: { publish: 'b' } } }), '/tmp/c.json');
  assert.deepEqual(c.layers, [{ name: 'a', where: undefined, targets: [{ name: 'b' }] }]);
  assert.throws(() => parseConfig('dataset: {path: x.gpkg}\n', '/tmp/c.json'), (e: ConfigError) => e instanceof ConfigError && /not valid JSON/.test(e.message));
});

test('publish config: every problem at once, each with its path and line', () => {
  const text = `dataset:
  path: data.shp
SRS: EPSG:999999
extent: [10, 20, 5, 30]
vector-tiles:
  min-zoom: 3
  max-zoom: 31
  simplification: -1
  tiling-scheme: EPSG:3006,abc,8500000,4194304
  colour: red
layers:
  roads:
    were: "x = 1"
    publish:
      main:
        where: ""
        minzoom: 1
        colour: blue
  rail:
    where: year = :year
    publish: [a, a]
  "lakes.v2":
    publish: 7
groups:
  g: [roads, nope]
tile-attributes: yes please
`;
  let err: ConfigError | undefined;
  try {
    parseConfig(text, 'config.yml');
  } catch (e) {
    err = e as ConfigError;
  }
  assert.ok(err instanceof ConfigError, 'a ConfigError');
  const got = err.problems.map((p) => `${p.line}: ${p.path}`);
  assert.deepEqual(got, [
    '2: dataset.path',
    '3: SRS',
    '4: extent',
    '7: vector-tiles.max-zoom',
    '8: vector-tiles.simplification',
    '9: vector-tiles.tiling-scheme',
    '16: layers.roads.publish.main.where',
    '17: layers.roads.publish.main.minzoom',
    '18: layers.roads.publish.main.colour',
    '20: layers.rail.where',
    '21: layers.rail.publish[1]',
    '23: layers["lakes.v2"].publish',
    '25: groups.g[1]',
    '26: tile-attributes',
  ]);
  const byPath = Object.fromEntries(err.problems.map((p) => [p.path, p.message]));
  assert.match(byPath['dataset.path'], /neither a GeoPackage/);
  assert.match(byPath.SRS, /EPSG:999999/);
  assert.match(byPath['layers.roads.publish.main.minzoom'], /outside the tileset's zooms 3\.\.5/);
  assert.match(byPath['layers.rail.where'], /:year names no dimension/);
  assert.match(byPath['layers.rail.publish[1]'], /"a" is listed twice/);
  assert.match(byPath['groups.g[1]'], /"nope" is not a layer/);
  // The message lists them all, file:line: path: message, one a line.
  assert.match(err.message, /^config\.yml: 14 problems:\n {2}config\.yml:2: dataset\.path: /);
  assert.equal(err.message.split('\n').length, 15);
});

test('publish config: near misses of our keys are warned about, with the line', () => {
  const c = parseConfig('dataset: {path: a.gpkg}\nlayers:\n  roads:\n    publish: r\n    were: x = 1\n', 'c.yml');
  assert.deepEqual(c.warnings, [{ path: 'layers.roads.were', message: 'unknown key, ignored: did you mean where?', line: 5 }]);
});

test('publish config: unknown group, a selected layer without publish', () => {
  const c = parseConfig('dataset: {path: a.gpkg}\nlayers:\n  roads: {publish: r}\n  draft: {where: "1"}\ngroups:\n  g: [roads]\n  h: [draft]\n', 'c.yml');
  assert.deepEqual(selectLayers(c, ['g']).map((l) => l.name), ['roads']); // draft not selected: fine
  assert.throws(() => selectLayers(c, ['h', 'zz']), (e: ConfigError) => {
    // In the file's order: the layer (line 4) before the groups (line 5).
    assert.deepEqual(e.problems.map((p) => `${p.line}: ${p.path}`), ['4: layers.draft.publish', '5: groups']);
    assert.match(e.problems[1].message, /no group "zz" \(the groups are g, h\)/);
    return true;
  });
});

test('publish config: dimensions and the path template are checked with the rest', () => {
  const text = `dataset: {path: a.gpkg}
layers:
  obs:
    where: year = :year AND run = :scenario
    publish: obs
dimensions:
  - name: year
    type: values
    default: "2024"
    values: ["2023", "2024", "../etc"]
  - name: scenario
    type: regex
    regex: "[a-z]+"
    default: Base
    values: [base, high]
  - name: when
    type: time
    default: "2024"
    property: observed
path-template: "{tileset}/{dim:year}/{z}/{x}/{y}.pbf"
`;
  assert.throws(() => parseConfig(text, 'c.yml'), (e: ConfigError) => {
    const got = e.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
    assert.deepEqual(got, [
      '10: dimensions[0].values[2]: "../etc" cannot be a dimension value: holds ".." (path traversal)',
      '14: dimensions[1].default: "Base" does not match the regex [a-z]+',
      '20: path-template: "{tileset}/{dim:year}/{z}/{x}/{y}.pbf": dimension scenario is not in the path: every value would write the same tree',
      '20: path-template: "{tileset}/{dim:year}/{z}/{x}/{y}.pbf": dimension when is not in the path: every value would write the same tree',
    ]);
    return true;
  });
  const ok = parseConfig(text.replace(', "../etc"', '').replace('Base', 'base').replace('{dim:year}', 'y{dim:year}/{dim:scenario}/{dim:when}'), 'c.yml');
  assert.deepEqual(ok.dimensions.map((d) => [d.name, d.type, d.default]), [['year', 'values', '2024'], ['scenario', 'regex', 'base'], ['when', 'time', '2024']]);
  assert.deepEqual(ok.pathTemplate!.segments, [['y', { dim: 'year' }], [{ dim: 'scenario' }], [{ dim: 'when' }]]);
});
