// Tileset dimensions: the pure resolver a server calls (values, regex, time; defaults; refusals with
// their status, traversal attempts in every form), path templates, `:dim` in SQL, and the stack
// assembly of several tiles into one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { encodeTile, LINESTRING, POINT, POLYGON } from '../../dist/index.js';
import { checkDimensions, unsafeValue, type Dimension, type Problem } from '../../dist/dimensions/dimension.js';
import { resolveDimension, resolveDimensions } from '../../dist/dimensions/resolve.js';
import { stackTiles } from '../../dist/dimensions/stack.js';
import { parsePathTemplate, tilePath, treeDirectory } from '../../dist/dimensions/template.js';
import { parseTime } from '../../dist/dimensions/time.js';
import { substituteWhere, wherePlaceholders } from '../../dist/dimensions/where.js';
import { chooseTrees, servedDimensions } from '../../dist/serve/dimensions.js';

const year: Dimension = { name: 'year', type: 'values', default: '2024', values: ['2022', '2023', '2024'] };
const scenario: Dimension = { name: 'scenario', type: 'regex', default: 'base', regex: '[a-z][a-z0-9_]*', values: ['base', 'high_2'] };
const time: Dimension = {
  name: 'time', type: 'time', default: '2024',
  values: ['2024-06-01T00:00:00Z', '2024-01-15T12:00:00Z', '2023-12-31T23:59:59Z', '2022-03-01T00:00:00Z'],
};

test('resolveDimension: values — listed values, the default when absent, 400 otherwise', () => {
  assert.deepEqual(resolveDimension({ dimension: year, value: '2023' }), { ok: true, values: ['2023'], defaulted: false });
  assert.deepEqual(resolveDimension({ dimension: year }), { ok: true, values: ['2024'], defaulted: true });
  assert.deepEqual(resolveDimension({ dimension: year, value: '' }), { ok: true, values: ['2024'], defaulted: true });
  const r = resolveDimension({ dimension: year, value: '2021' });
  assert.deepEqual(r, { ok: false, status: 400, message: 'dimension year: "2021" is not one of 2022, 2023, 2024' });
});

test('resolveDimension: regex — anchored; a match without a tree is 404, no match 400', () => {
  assert.deepEqual(resolveDimension({ dimension: scenario, value: 'high_2' }), { ok: true, values: ['high_2'], defaulted: false });
  assert.equal(resolveDimension({ dimension: scenario, value: 'low' }).ok, false);
  assert.equal((resolveDimension({ dimension: scenario, value: 'low' }) as { status: number }).status, 404);
  // Anchored at both ends: a pattern that matches inside the value is not enough.
  assert.equal((resolveDimension({ dimension: scenario, value: 'base!' }) as { status: number }).status, 400);
  assert.equal((resolveDimension({ dimension: scenario, value: 'Xbase' }) as { status: number }).status, 400);
});

test('resolveDimension: time — instants, periods, intervals (every value inside, newest first)', () => {
  const values = (v?: string) => {
    const r = resolveDimension({ dimension: time, value: v });
    return r.ok ? r.values : `${r.status}`;
  };
  assert.deepEqual(values('2024-01-15T12:00:00Z'), ['2024-01-15T12:00:00Z']);
  assert.deepEqual(values('2024-01-15T13:00:00+01:00'), ['2024-01-15T12:00:00Z']); // offsets are read
  assert.deepEqual(values(), ['2024-06-01T00:00:00Z', '2024-01-15T12:00:00Z']); // default "2024": the year
  assert.deepEqual(values('2024-01'), ['2024-01-15T12:00:00Z']);
  assert.deepEqual(values('2023-12-31T23:59:59Z/2024-01-15T12:00:00Z'), ['2024-01-15T12:00:00Z', '2023-12-31T23:59:59Z']); // both ends in
  assert.deepEqual(values('2022/2023'), ['2023-12-31T23:59:59Z', '2022-03-01T00:00:00Z']); // 2023 to its end
  assert.deepEqual(values('2000/2030'), ['2024-06-01T00:00:00Z', '2024-01-15T12:00:00Z', '2023-12-31T23:59:59Z', '2022-03-01T00:00:00Z']);
  assert.equal(values('2024-01-15T12:00:01Z'), '404'); // valid, no tree
  assert.equal(values('2025'), '404');
  for (const bad of ['yesterday', '2024-13', '2024-02-30', '2024/2023', '2024-01-01T25:00:00Z', '2024-01-01T00:00:00+25:00']) assert.equal(values(bad), '400', bad);
});

test('resolveDimension: traversal and other unsafe values are refused (400) whatever the type or pattern', () => {
  // A pattern that lets anything through: the refusals do not depend on it.
  const open: Dimension = { name: 'path', type: 'regex', default: 'a', regex: '.*', values: ['a'] };
  const attempts = [
    '..', '../secret', 'a/../../etc', '/etc/passwd', '/', 'a\0b', '\0', 'a/b', 'a\\..\\b', '.hidden',
    '%2e%2e', '%2E%2E%2Fetc', '%2fetc', 'a%00b', '%252e%252e', '%25252e%25252e%25252f', '%zz', '..%2f', 'a\nb',
  ];
  for (const dimension of [open, year, scenario, time]) {
    for (const value of attempts) {
      const r = resolveDimension({ dimension, value });
      assert.equal(r.ok, false, `${dimension.name} ${JSON.stringify(value)}`);
      assert.equal((r as { status: number }).status, 400, `${dimension.name} ${JSON.stringify(value)}`);
    }
  }
  assert.match(unsafeValue('%2e%2e')!, /"\.\." .*once percent-decoded/);
  assert.match(unsafeValue('/etc')!, /starts with "\/"/);
  assert.match(unsafeValue('a\0')!, /NUL/);
  assert.equal(unsafeValue('2024-01-15T12:00:00Z'), undefined);
  assert.equal(unsafeValue('base%20case'), undefined); // decodes to something harmless
});

test('resolveDimensions: every dimension of a request, case-insensitive names, combinations in priority order', () => {
  const r = resolveDimensions([year, time], new URLSearchParams('YEAR=2023&time=2024&other=1'));
  assert.deepEqual(r, { ok: true, combinations: [{ year: '2023', time: '2024-06-01T00:00:00Z' }, { year: '2023', time: '2024-01-15T12:00:00Z' }] });
  assert.deepEqual(resolveDimensions([year], {}), { ok: true, combinations: [{ year: '2024' }] });
  assert.deepEqual(resolveDimensions([year], new URLSearchParams('year=2023&Year=2024')), { ok: false, status: 400, message: 'dimension year is given more than once' });
  assert.equal((resolveDimensions([year, scenario], { scenario: '../x' }) as { status: number }).status, 400);
});

test('checkDimensions: a time dimension\'s listed values are stored in their canonical UTC form, newest first', () => {
  const problems: Problem[] = [];
  const { specs } = checkDimensions([{ name: 't', type: 'time', default: '2024', values: ['2023-01-01T01:00:00+01:00', '2024-05-05T10:00:00Z'] }], 'dimensions', problems);
  assert.deepEqual(problems, []);
  assert.deepEqual(specs[0].values, ['2024-05-05T10:00:00Z', '2023-01-01T00:00:00Z']);
  const more: Problem[] = [];
  checkDimensions([{ name: 't', type: 'time', default: '2024', values: ['2024-05'] }, { name: 'z', type: 'values', default: 'a', values: ['a'] }], 'dimensions', more);
  assert.deepEqual(more.map((p) => p.path), ['dimensions[0].values[0]', 'dimensions[1].name']);
  assert.ok(parseTime('2024-05')); // a period is fine as a request, not as a value to build
});

test('path templates: {dim} in declared order, {dim:NAME}, refusals', () => {
  const problems: Problem[] = [];
  const t = parsePathTemplate('{tileset}/{dim}/{z}/{x}/{y}.pbf', ['year', 'scenario'], 'path-template', problems)!;
  assert.equal(treeDirectory(t, { year: '2024', scenario: 'base' }), '2024/base');
  assert.equal(tilePath(t, { year: '2024', scenario: 'base' }, 5, 17, 9), '2024/base/5/17/9.pbf');
  const u = parsePathTemplate('{tileset}/v{dim:year}-{dim:scenario}/{z}/{x}/{y}.{ext}', ['year', 'scenario'], 'p', problems)!;
  assert.equal(tilePath(u, { year: '2024', scenario: 'high' }, 1, 0, 1, 'mvt'), 'v2024-high/1/0/1.mvt');
  assert.deepEqual(problems, []);
  const refused = (text: string) => {
    const ps: Problem[] = [];
    parsePathTemplate(text, ['year'], 'p', ps);
    return ps.map((p) => p.message.replace(/^"[^"]*": /, ''));
  };
  assert.deepEqual(refused('/srv/{dim}/{z}/{x}/{y}.pbf'), ['must start with {tileset}/ (the published directory)']);
  assert.deepEqual(refused('{tileset}/{dim}/{y}/{x}/{z}.pbf'), ['must end with /{z}/{x}/{y}.{ext} or /{z}/{x}/{y}.pbf']);
  assert.deepEqual(refused('{tileset}/{z}/{x}/{y}.pbf'), ['dimension year is not in the path: every value would write the same tree']);
  assert.deepEqual(refused('{tileset}/{dim}/{dim:year}/{z}/{x}/{y}.pbf'), ['dimension year appears 2 times']);
  assert.deepEqual(refused('{tileset}/../{dim}/{z}/{x}/{y}.pbf'), ['".." is not a plain directory name']);
  assert.deepEqual(refused('{tileset}/attr/{dim}/{z}/{x}/{y}.pbf'), ['"attr" is the tileset\'s own (attr, metadata.json)']);
  assert.deepEqual(refused('{tileset}/{grid}/{dim}/{z}/{x}/{y}.pbf'), ['{grid} is not a template variable here (only {dim} and {dim:NAME} may come between {tileset} and {z})']);
});

test(':dim in where: placeholders outside quotes only, values as SQL literals', () => {
  assert.deepEqual(wherePlaceholders("year = :year AND t > '12:30' AND \"a:b\" = 1 AND x::int = :dim"), ['year', 'dim']);
  assert.equal(substituteWhere('year = :year AND s = :Scenario', { year: '2024', scenario: "it's" }), "year = '2024' AND s = 'it''s'");
  assert.equal(substituteWhere("note = 'at :year'", {}), "note = 'at :year'");
  assert.throws(() => substituteWhere('y = :year', {}), /no value for :year/);
});

test('stackTiles: same-named layers concatenated, keys and values re-indexed, first tile on top', () => {
  const a = encodeTile([
    { name: 'obs', extent: 4096, features: [{ id: 1, type: POINT, geometry: [9, 2, 2], properties: [['kind', 'new'], ['n', 1]] }] },
    { name: 'only_a', extent: 4096, features: [{ id: 7, type: LINESTRING, geometry: [9, 0, 0, 10, 4, 4], properties: [['w', 2.5]] }] },
  ]);
  const b = encodeTile([
    {
      name: 'obs', extent: 4096, realFields: new Set(['r']), features: [
        { id: 2, type: POINT, geometry: [9, 4, 4], properties: [['n', -3], ['kind', 'old'], ['r', 2]] },
        { id: 3, type: POLYGON, geometry: [9, 0, 0, 26, 8, 0, 0, 8, 7, 0, 15], properties: [['flag', true]] },
      ],
    },
  ]);
  const merged = new VectorTile(new PbfReader(stackTiles([a, gzipSync(b)])));
  assert.deepEqual(Object.keys(merged.layers).sort(), ['obs', 'only_a']);
  const obs = merged.layers.obs;
  assert.equal(obs.length, 3);
  const feats = Array.from({ length: obs.length }, (_, i) => obs.feature(i));
  // b's features first, a's last: drawn last, a (the first, newest tile) is on top.
  assert.deepEqual(feats.map((f) => f.id), [2, 3, 1]);
  assert.deepEqual(feats.map((f) => ({ ...f.properties })), [{ n: -3, kind: 'old', r: 2 }, { flag: true }, { kind: 'new', n: 1 }]);
  // Geometry bytes copied as they were.
  const geom = (f: { loadGeometry(): { x: number; y: number }[][] }) => f.loadGeometry().map((r) => r.map((p) => [p.x, p.y]));
  const original = new VectorTile(new PbfReader(b)).layers.obs;
  assert.deepEqual(feats.map(geom), [geom(original.feature(0)), geom(original.feature(1)), [[[1, 1]]]]);
  assert.deepEqual({ ...merged.layers.only_a.feature(0).properties }, { w: 2.5 });
  assert.throws(() => stackTiles([a, encodeTile([{ name: 'obs', extent: 512, features: [{ type: POINT, geometry: [9, 2, 2], properties: [] }] }])]), /extent 512 in one tile and 4096/);
  assert.throws(() => stackTiles([new Uint8Array([0x1a, 0x05, 0x0a])]), /tile #0 is not a vector tile/);
});

test("serve's choice of trees: the query form and the path form, the default, both forms at once refused, a metadata.json that does not check out", () => {
  const meta = {
    dimensions: [year, scenario],
    path_template: '{tileset}/y{dim:year}/{dim:scenario}/{z}/{x}/{y}.pbf',
  };
  const d = servedDimensions(meta)!;
  const q = (s: string) => new URLSearchParams(s);
  assert.deepEqual(chooseTrees(d, undefined, q('')), { ok: true, directories: ['y2024/base'], query: '' });
  assert.deepEqual(chooseTrees(d, undefined, q('YEAR=2022&x=1')), { ok: true, directories: ['y2022/base'], query: '?year=2022' });
  assert.deepEqual(chooseTrees(d, ['y2023', 'high_2'], q('')), { ok: true, directories: ['y2023/high_2'], query: '?year=2023&scenario=high_2' });
  assert.deepEqual(chooseTrees(d, ['2023', 'base'], q('')), { ok: false, status: 404, message: 'not found: "2023" is not a directory of the path template {tileset}/y{dim:year}/{dim:scenario}/{z}/{x}/{y}.pbf' });
  assert.deepEqual(chooseTrees(d, ['y2023', 'base'], q('Scenario=base')), { ok: false, status: 400, message: 'dimension scenario is given both in the path and as ?Scenario=' });
  assert.deepEqual(chooseTrees(d, undefined, q('year=2023&Year=2024')), { ok: false, status: 400, message: 'dimension year is given more than once' });
  for (const bad of [['y..', 'base'], ['y2023', '%2e%2e'], ['y2023', '.x']]) {
    const r = chooseTrees(d, bad, q(''));
    assert.equal(r.ok, false, bad.join('/'));
    assert.equal((r as { status: number }).status, 400, bad.join('/'));
  }
  // Time: a period resolves to several trees, newest first; the default template, one directory.
  const t = servedDimensions({ dimensions: [time] })!;
  assert.deepEqual(t.template.text, '{tileset}/{dim}/{z}/{x}/{y}.pbf');
  const r = chooseTrees(t, undefined, q('time=2024'));
  assert.ok(r.ok);
  assert.deepEqual(r.directories, time.values.filter((v) => v.startsWith('2024')));
  assert.throws(() => servedDimensions({ dimensions: [{ name: 'z', type: 'values', default: 'a', values: ['a'] }] }), /"z" is a template variable/);
  assert.equal(servedDimensions({}), undefined);
});
