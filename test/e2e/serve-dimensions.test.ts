// `mvt-build serve` of tilesets published with dimensions: the default when a request names none,
// `?NAME=value` and the path form giving the trees' tiles byte for byte, what the types refuse (400)
// and what no tree holds (404), traversal attempts through dimension values in both forms (400, and
// nothing outside the tileset read), a time interval stacked into one tile that has the features of
// every value it resolves to, the descriptors listing the dimensions and carrying a choice into their
// tile URLs, and publish's attribute side files (and their brotli siblings).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { startServer, type RunningServer } from '../../dist/serve/server.js';
import { CLI, ROOT, tempDir } from '../helpers.js';
import { writeDimensionConfig } from './publish-fixture.js';
import { rawRequest } from './serve-helpers.js';

const dir = tempDir('mvt-serve-dim-');
mkdirSync(join(dir, 'web'));
// Beside the tilesets, what a traversal would reach for.
writeFileSync(join(dir, 'web', 'secret.txt'), 'SECRET');

function publish(name: string, rows: Record<string, unknown>[], dimensions: string, extra = '', args: string[] = []): string {
  const config = writeDimensionConfig(dir, name, rows.map(({ at, ...properties }) => ({ properties, geometry: { type: 'Point', coordinates: at } })), {
    target: 'obs', maxzoom: 2, scheme: 'EPSG:3006,-1200000,8500000,4194304', dimensions, extra,
  });
  const r = spawnSync(process.execPath, [CLI, 'publish', config, '--destdir', join(dir, 'web', name), '--json', ...args], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).directory as string;
}

// A time dimension from a column: three instants.
const timeRows = [
  { n: 0, observed: '2024-01-15T12:00:00Z', at: [500000, 6500000] },
  { n: 1, observed: '2024-01-15T12:00:00Z', at: [600000, 6600000] },
  { n: 2, observed: '2024-06-01T00:00:00Z', at: [520000, 6520000] },
  { n: 3, observed: '2023-12-31T23:59:59Z', at: [620000, 6620000] },
];
const timed = publish('timed', timeRows, '  - {name: time, type: time, default: "2024", property: observed}\n');
// A values and a regex dimension from columns, under a template of our own; compressed.
const scenarioRows = [
  { n: 0, year: '2023', scenario: 'base', at: [500000, 6500000] },
  { n: 1, year: '2023', scenario: 'high', at: [510000, 6510000] },
  { n: 2, year: '2024', scenario: 'base', at: [520000, 6520000] },
  { n: 3, year: '2024', scenario: 'base', at: [530000, 6530000] },
  { n: 4, year: '2024', scenario: 'high', at: [540000, 6540000] },
];
const scenarios = publish('scen', scenarioRows, `  - {name: year, type: values, default: "2024", property: year}
  - {name: scenario, type: regex, regex: "[a-z]+", default: base, property: scenario}
`, 'path-template: "{tileset}/y{dim:year}/{dim:scenario}/{z}/{x}/{y}.pbf"\n', ['--compress']);

const servers: RunningServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
async function serve(path: string): Promise<RunningServer> {
  const s = await startServer({ path, port: 0 });
  servers.push(s);
  return s;
}

/** The `n` of every feature of a tile, looked up in the attribute files as a page does. */
function rowsOf(tileset: string, tile: Buffer): number[] {
  const layer = new VectorTile(new PbfReader(tile)).layers.obs;
  const pages = new Map<number, { n: number }[]>();
  return Array.from({ length: layer?.length ?? 0 }, (_, i) => {
    const id = layer.feature(i).id!;
    if (!pages.has(id >>> 16)) pages.set(id >>> 16, JSON.parse(readFileSync(join(tileset, 'attr', `${(id >>> 16).toString(16).padStart(4, '0')}.json`), 'utf8')));
    return pages.get(id >>> 16)![id & 0xffff].n;
  });
}

test('values and regex dimensions: the default, ?NAME=value and the path form give the trees\' tiles; 400 for what the types refuse, 404 for no tree', async () => {
  const s = await serve(scenarios);
  const tree = (y: string, sc: string) => readFileSync(join(scenarios, `y${y}`, sc, '0', '0', '0.pbf'));
  const cases: [string, Buffer][] = [
    ['/0/0/0.pbf', tree('2024', 'base')],
    ['/0/0/0.pbf?year=2023', tree('2023', 'base')],
    ['/0/0/0.pbf?year=2023&scenario=high', tree('2023', 'high')],
    ['/0/0/0.pbf?SCENARIO=high&t=cache-buster', tree('2024', 'high')],
    ['/y2023/high/0/0/0.pbf', tree('2023', 'high')],
    ['/y2024/base/0/0/0.pbf', tree('2024', 'base')],
  ];
  for (const [path, bytes] of cases) {
    const r = await rawRequest(s.port, path);
    assert.equal(r.status, 200, `${path}: ${r.body}`);
    assert.ok(r.body.equals(bytes), `${path}: the tree's tile`);
  }
  assert.deepEqual(rowsOf(scenarios, tree('2024', 'base')).sort(), [2, 3]);
  assert.deepEqual(rowsOf(scenarios, tree('2023', 'high')), [1]);
  for (const [path, status, why] of [
    ['/0/0/0.pbf?year=2022', 400, /dimension year: "2022" is not one of 2023, 2024/],
    ['/0/0/0.pbf?scenario=High', 400, /dimension scenario: "High" does not match \[a-z\]\+/],
    ['/0/0/0.pbf?scenario=low', 404, /dimension scenario: no tiles for "low"/],
    ['/0/0/0.pbf?year=2023&year=2024', 400, /dimension year is given more than once/],
    ['/y2022/base/0/0/0.pbf', 400, /"2022" is not one of/],
    ['/2023/base/0/0/0.pbf', 404, /not a directory of the path template/],
    ['/y2023/base/0/0/0.pbf?year=2024', 400, /given both in the path and as \?year=/],
  ] as const) {
    const r = await rawRequest(s.port, path);
    assert.equal(r.status, status, `${path}: ${r.body}`);
    assert.match(r.body.toString(), why);
  }
});

test('traversal through dimension values, in the query and in the path, raw and percent-encoded: 400, nothing outside the tileset read', async () => {
  const s = await serve(scenarios);
  const attempts = [
    '/0/0/0.pbf?scenario=..', '/0/0/0.pbf?scenario=../../secret.txt', '/0/0/0.pbf?scenario=%2e%2e', '/0/0/0.pbf?scenario=%2E%2E%2F%2E%2E',
    '/0/0/0.pbf?scenario=%252e%252e', '/0/0/0.pbf?scenario=/etc/passwd', '/0/0/0.pbf?scenario=%2fetc', '/0/0/0.pbf?scenario=a%00',
    '/0/0/0.pbf?scenario=a%2fb', '/0/0/0.pbf?scenario=.hidden', '/0/0/0.pbf?year=..%2f..%2fsecret.txt', '/0/0/0.pbf?scenario=attr%5c..',
    '/y2023/%2e%2e/0/0/0.pbf', '/y2023/../0/0/0.pbf', '/%2e%2e/base/0/0/0.pbf', '/y2023/%2fetc/0/0/0.pbf', '/y2023/a%00/0/0/0.pbf',
    '/y2023/..%2f..%2f/0/0/0.pbf', '/y..%252f/base/0/0/0.pbf', '/y2023/%252e%252e/0/0/0.pbf',
  ];
  for (const path of attempts) {
    const r = await rawRequest(s.port, path);
    assert.equal(r.status, 400, `${path}: ${r.status} ${r.body}`);
    assert.ok(!r.body.includes('SECRET'), path);
  }
});

test('a time interval: stacked into one tile with the features of every value it resolves to, newest on top; the default a period', async () => {
  const s = await serve(timed);
  const tree = (t: string) => readFileSync(join(timed, t, '0', '0', '0.pbf'));
  const get = async (path: string) => {
    const r = await rawRequest(s.port, path);
    assert.equal(r.status, 200, `${path}: ${r.body}`);
    return r.body;
  };
  // One instant: the tree's tile as it is.
  assert.ok((await get('/0/0/0.pbf?time=2024-06-01T00:00:00Z')).equals(tree('2024-06-01T00:00:00Z')));
  assert.ok((await get('/2023-12-31T23:59:59Z/0/0/0.pbf')).equals(tree('2023-12-31T23:59:59Z')));
  // The default "2024" holds two instants: stacked, January's features first, June's (newest) last.
  const stacked = await get('/0/0/0.pbf');
  assert.deepEqual(rowsOf(timed, stacked), [...rowsOf(timed, tree('2024-01-15T12:00:00Z')), ...rowsOf(timed, tree('2024-06-01T00:00:00Z'))]);
  assert.deepEqual(rowsOf(timed, stacked).sort(), [0, 1, 2]);
  // An interval across the three: every feature, and the same for the path form of a period.
  assert.deepEqual(rowsOf(timed, await get('/0/0/0.pbf?time=2023-12-31/2024-12-31')).sort(), [0, 1, 2, 3]);
  assert.deepEqual(rowsOf(timed, await get('/0/0/0.pbf?time=2023-12-31T23:59:59Z/2024-01')), [3, ...rowsOf(timed, tree('2024-01-15T12:00:00Z'))]);
  assert.ok((await get('/2024/0/0/0.pbf')).equals(stacked));
  for (const [path, status] of [['/0/0/0.pbf?time=2022', 404], ['/0/0/0.pbf?time=soon', 400], ['/0/0/0.pbf?time=2024/..%2f', 400], ['/0/0/0.pbf?time=2025/2024', 400]] as const) {
    assert.equal((await rawRequest(s.port, path)).status, status, path);
  }
});

test('descriptors list the dimensions and carry a choice into their tile URLs; metadata.json names the attribute files, served with their brotli siblings', async () => {
  const s = await serve(scenarios);
  const json = async (path: string) => {
    const r = await rawRequest(s.port, path);
    assert.equal(r.status, 200, `${path}: ${r.body}`);
    return JSON.parse(r.body.toString()) as Record<string, unknown>;
  };
  const meta = JSON.parse(readFileSync(join(scenarios, 'metadata.json'), 'utf8'));
  const listed = [
    { name: 'year', type: 'values', default: '2024', values: ['2023', '2024'] },
    { name: 'scenario', type: 'regex', default: 'base', values: ['base', 'high'], regex: '[a-z]+' },
  ];
  assert.deepEqual(meta.dimensions, listed, 'as publish wrote them');
  const tj = await json('/tilejson.json');
  assert.deepEqual(tj.dimensions, listed);
  assert.deepEqual(tj.tiles, [`${s.url}{z}/{x}/{y}.pbf`]);
  const chosen = await json('/tilejson.json?year=2023&scenario=high');
  assert.deepEqual(chosen.tiles, [`${s.url}{z}/{x}/{y}.pbf?year=2023&scenario=high`]);
  const ts = await json('/tileset.json?year=2023');
  assert.deepEqual(ts.dimensions, listed);
  const item = (ts.links as { rel: string; href: string }[]).find((l) => l.rel === 'item')!;
  assert.ok(item.href.startsWith(s.url) && item.href.endsWith('.pbf?year=2023'), item.href);
  const bad = await rawRequest(s.port, '/tilejson.json?year=1999');
  assert.equal(bad.status, 400);
  assert.equal((await json('/metadata.json')).attribute_files, 'attr/{page}.json');

  const attr = readFileSync(join(scenarios, 'attr', '0000.json'));
  const plain = await rawRequest(s.port, '/attr/0000.json', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.deepEqual([plain.status, plain.headers['content-encoding'], plain.headers['content-type']], [200, undefined, 'application/json; charset=utf-8']);
  assert.ok(plain.body.equals(attr));
  const br = await rawRequest(s.port, '/attr/0000.json', { headers: { 'Accept-Encoding': 'gzip, br' } });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(brotliDecompressSync(br.body).equals(attr));
  assert.deepEqual((JSON.parse(attr.toString()) as { n: number }[]).map((r) => r.n).sort(), [0, 1, 2, 3, 4]);
  for (const path of ['/attr/0001.json', '/attr/metadata.json', '/attr/0000.json.br', '/attr/ABCD.json']) assert.equal((await rawRequest(s.port, path)).status, 404, path);
  for (const path of ['/attr/%2e%2e', '/attr/..%2fmetadata.json']) assert.equal((await rawRequest(s.port, path)).status, 400, path);
});

test('a publish destination: served as the tileset its layer map points to, and the next one once a run publishes again', async () => {
  const dest = join(dir, 'web', 'timed');
  const s = await serve(dest);
  assert.equal(s.source().path, timed);
  const first = await rawRequest(s.port, '/0/0/0.pbf?time=2024-06-01T00:00:00Z');
  assert.ok(first.body.equals(readFileSync(join(timed, '2024-06-01T00:00:00Z', '0', '0', '0.pbf'))));
  const again = spawnSync(process.execPath, [CLI, 'publish', join(dir, 'timed.yml'), '--destdir', dest, '--json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  const next = JSON.parse(again.stdout).directory as string;
  assert.notEqual(next, timed);
  assert.equal((await rawRequest(s.port, '/health')).status, 200);
  assert.equal(s.source().path, next, 'the layer map changed: the new tileset is served');
  const layerMap = JSON.parse(readFileSync(join(dir, 'web', 'metadata.json'), 'utf8')) as { layermap: Record<string, string> };
  assert.ok(layerMap.layermap.timed.endsWith(`/${next.slice(-2)}`));
});
