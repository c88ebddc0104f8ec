// tippecanoe's generalization flags on the command line, as a user runs them: attribute control,
// per-feature zooms, thinning by zoom, zoom guessing. The rules themselves are tested in
// test/unit/attributes.test.ts, feature-zooms.test.ts and thinning.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listTiles, readTile, ROOT, runCli, tempDir } from '../helpers.js';

function input(dir: string, features: unknown[], name = 'cities.geojson'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features }));
  return path;
}

const CITIES = [
  { type: 'Feature', properties: { name: 'Helsinki', pop: '631695', code: 'FI-18', ref: 91 }, geometry: { type: 'Point', coordinates: [24.94, 60.17] } },
  { type: 'Feature', properties: { name: 'Tampere', pop: 244029, code: 'FI-11', ref: 837 }, geometry: { type: 'Point', coordinates: [23.76, 61.5] } },
];

/** vector_layers of a directory tileset's metadata.json. */
function vectorLayers(dir: string): { id: string; fields: Record<string, string> }[] {
  return JSON.parse(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')).json).vector_layers;
}

test('-y, -T, --use-attribute-for-id, --maximum-string-attribute-length: the tiles and metadata.json say the same', () => {
  const dir = tempDir();
  const out = join(dir, 'tiles');
  const r = runCli([input(dir, CITIES), '-o', out, '-z', '2', '--tiling-scheme', 'ETRS-TM35FIN', '-y', 'name', '-y', 'pop', '-T', 'pop:int', '--use-attribute-for-id', 'ref', '--maximum-string-attribute-length', '4', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(vectorLayers(out)[0].fields, { name: 'String', pop: 'Number' });
  const layer = readTile(out, 0, 0, 0).layers.cities;
  const got = Array.from({ length: layer.length }, (_, i) => ({ id: layer.feature(i).id, ...layer.feature(i).properties }));
  assert.deepEqual(got, [{ id: 91, name: 'Hels', pop: 631695 }, { id: 837, name: 'Tamp', pop: 244029 }]);
});

test('-X with -x and --generate-ids: geometry only, ids 1 and 2', () => {
  const dir = tempDir();
  const out = join(dir, 'tiles');
  const r = runCli([input(dir, CITIES), '-o', out, '-z', '1', '-X', '--generate-ids', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(vectorLayers(out)[0].fields, {});
  const layer = readTile(out, 0, 0, 0).layers.cities;
  assert.deepEqual(Array.from({ length: layer.length }, (_, i) => [layer.feature(i).id, Object.keys(layer.feature(i).properties).length]), [[1, 0], [2, 0]]);
  assert.ok(listTiles(out).length > 1);
});

test('a bad -T type is a usage error', () => {
  const dir = tempDir();
  const r = runCli([input(dir, CITIES), '-o', join(dir, 'tiles'), '-T', 'pop:integer']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--attribute-type must be NAME:TYPE with TYPE string, float, int or bool, got "pop:integer"/);
});

test('a GeoJSONSeq file: the tippecanoe member and --maxzoom-property, in ETRS-TM35FIN', () => {
  const dir = tempDir();
  const out = join(dir, 'tiles');
  const path = join(dir, 'towns.geojsons');
  const f = (name: string, extra: object) => JSON.stringify({ type: 'Feature', properties: { name }, geometry: { type: 'Point', coordinates: [25, 62] }, ...extra });
  writeFileSync(path, [f('a', {}), f('b', { tippecanoe: { minzoom: 2, layer: 'late' } }), f('c', { properties: { name: 'c', last: 1 } })].join('\n'));
  const r = runCli([path, '-o', out, '-z', '3', '--tiling-scheme', 'ETRS-TM35FIN', '--maxzoom-property', 'last', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const perZoom = (z: number) => {
    const names: string[] = [];
    for (const t of listTiles(out).filter((t) => t.startsWith(`${z}/`))) {
      const [, x, y] = t.split('/').map(Number);
      for (const [layer, l] of Object.entries(readTile(out, z, x, y).layers)) for (let i = 0; i < l.length; i++) names.push(`${layer}:${l.feature(i).properties.name}`);
    }
    return names.sort();
  };
  assert.deepEqual([0, 1, 2, 3].map(perZoom), [['towns:a', 'towns:c'], ['towns:a', 'towns:c'], ['late:b', 'towns:a'], ['late:b', 'towns:a']]);
  assert.deepEqual(vectorLayers(out).map((l) => l.id), ['towns', 'late']);
});

test('-rg -Bf300 as tippecanoe spells them: the summary says what was guessed; -r 2 -B 3 halves the points per zoom', () => {
  const dir = tempDir();
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const path = join(dir, 'points.geojsons');
  writeFileSync(path, Array.from({ length: 4000 }, (_, i) => JSON.stringify({ type: 'Feature', id: i, properties: {}, geometry: { type: 'Point', coordinates: [20 + rand() * 8, 60 + rand() * 6] } })).join('\n'));
  const guessed = runCli([path, '-o', join(dir, 'g'), '-z', '8', '-rg', '-Bf300', '--tiling-scheme', 'ETRS-TM35FIN', '--json']);
  assert.equal(guessed.status, 0, guessed.stderr);
  const t = JSON.parse(guessed.stdout).thinning;
  assert.deepEqual([t.rateGuessed, t.baseZoomGuessed, t.features], [true, true, 4000]);
  assert.equal(t.baseZoom, t.densest.findIndex((n: number) => n < 300));
  const plain = runCli([path, '-o', join(dir, 'p'), '-z', '4', '-r', '2', '-B', '3']);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stderr, /thinning: drop rate 2 below base zoom 3, 4000 features thinned; tile features z0 501 kept, 3499 left out; z1 1001 kept, 2999 left out; z2 \d+ kept, \d+ left out\n/);
});

test('schemes --table: zoom, matrix, tile side, cell size and scale denominator per zoom, in any scheme', () => {
  const r = runCli(['schemes', '--table', 'ETRS-TM35FIN', '-z', '10']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.equal(rows.length, 1 + 1 + 11); // title, header, zooms 0..10
  assert.match(rows[0], /^ETRS-TM35FIN: EPSG:3067,-548576,8388608,2097152 \(256-pixel tiles, 0.28 mm pixels\)$/);
  assert.deepEqual(rows[11].trim().split(/\s{2,}/), ['9', '512 × 512', '4,096', '16', '1:57,143']);
  const json = JSON.parse(runCli(['schemes', '--table', 'WorldCRS84Quad', '-z', '1', '--json']).stdout);
  assert.deepEqual(json.zooms[0], { zoom: 0, matrixWidth: 2, matrixHeight: 1, tileSize: 180, cellSize: 0.703125, scaleDenominator: 279541132.0143589 });
  assert.match(runCli(['schemes']).stdout, /ETRS-TM35FIN\s+EPSG:3067\s+EPSG:3067,-548576,8388608,2097152/);
  const bad = runCli(['schemes', '--table', 'NoSuchGrid']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^mvt-build schemes: /);
});

test('-zg reads the file twice: the guessed max zoom is the one built, and the summary says why', () => {
  const dir = tempDir();
  const path = input(dir, Array.from({ length: 30 * 30 }, (_, i) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [24 + (i % 30) * 0.01, 61 + Math.floor(i / 30) * 0.005] } })));
  const out = join(dir, 'tiles');
  const r = runCli([path, '-o', out, '-zg', '--tiling-scheme', 'ETRS-TM35FIN']);
  assert.equal(r.status, 0, r.stderr);
  const m = /maxzoom guessed: (\d+) \(features typically (\d+) m apart, at least (\d+) m\)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const zooms = listTiles(out).map((t) => Number(t.split('/')[0]));
  assert.equal(Math.max(...zooms), Number(m[1]));
  // 0.01° × 0.005° at 61° N is about 540 × 556 m: no two points are nearer than that
  assert.ok(Number(m[3]) <= 560 && Number(m[2]) >= Number(m[3]), r.stderr);
});

test('--order-* keys count in the order given, whichever the option', () => {
  const dir = tempDir();
  const tri = (name: string, size: number, rank?: number) => ({ type: 'Feature', properties: { name, rank }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [size, 0], [size, size], [0, 0]]] } });
  const path = input(dir, [tri('b', 1, 2), tri('a', 3, 2), tri('c', 2, 1), tri('d', 0.5)]);
  const names = (args: string[]) => {
    const out = join(dir, `t${args.join('')}`);
    const r = runCli([path, '-o', out, '-z', '0', '-q', ...args]);
    assert.equal(r.status, 0, r.stderr);
    const l = readTile(out, 0, 0, 0).layers.cities;
    return Array.from({ length: l.length }, (_, i) => l.feature(i).properties.name).join('');
  };
  assert.equal(names(['--order-by', 'rank', '--order-descending-by', 'name']), 'cbad');
  assert.equal(names(['--order-largest-first', '--order-by', 'rank']), 'acbd');
  assert.equal(names(['--order-descending-by', 'rank', '--order-smallest-first']), 'dbac');
});

test('--cluster-densest-as-needed on the command line; two as-needed flags are a usage error', () => {
  const dir = tempDir();
  const path = input(dir, Array.from({ length: 500 }, (_, i) => ({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: [24 + (i % 25) * 0.001, 61 + Math.floor(i / 25) * 0.001] } })));
  const out = join(dir, 'tiles');
  const r = runCli([path, '-o', out, '-z', '1', '--max-features', '100', '--cluster-densest-as-needed']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /zoom 0: 1 tile cut by --cluster-densest-as-needed, 419 points clustered, 81 kept/);
  const l = readTile(out, 0, 0, 0).layers.cities;
  let sum = 0;
  for (let i = 0; i < l.length; i++) sum += (l.feature(i).properties.point_count as number | undefined) ?? 1;
  assert.deepEqual([l.length, sum], [81, 500]);
  assert.deepEqual(Object.keys(vectorLayers(out)[0].fields).sort(), ['clustered', 'i', 'point_count', 'point_count_abbreviated', 'sqrt_point_count']);
  const both = runCli([path, '-o', join(dir, 'x'), '--drop-densest-as-needed', '--drop-fraction-as-needed']);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /give one of --drop-densest-as-needed, --drop-fraction-as-needed/);
});

/** A 10 × 10 grid of squares that share their edges, the columns widening eastwards (sizes differ). */
function squares([w, s, e, n]: number[]): unknown[] {
  const xs = [0];
  for (let i = 1; i <= 10; i++) xs.push(xs[i - 1] + i);
  const lon = (i: number) => w + ((e - w) * xs[i]) / xs[10];
  const lat = (j: number) => s + ((n - s) * j) / 10;
  const out = [];
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      const ring = [[lon(i), lat(j)], [lon(i + 1), lat(j)], [lon(i + 1), lat(j + 1)], [lon(i), lat(j + 1)], [lon(i), lat(j)]];
      out.push({ type: 'Feature', id: 10 * i + j, properties: { col: i, row: j }, geometry: { type: 'Polygon', coordinates: [ring] } });
    }
  }
  return out;
}

/** GEOS's verdict on every polygon of a directory tileset, and the area each tile draws (validity.py). */
function geos(dir: string, maxzoom: number): { polygons: number; invalid: number; areas: Record<string, number> } {
  return JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'test/e2e/tools/validity.py'), dir, '0', String(maxzoom)], { encoding: 'utf8' }));
}

for (const [scheme, box] of [['WebMercatorQuad', [-20, -10, 20, 10]], ['ETRS-TM35FIN', [22, 61, 29, 67]]] as const) {
  test(`${scheme}: --coalesce-smallest-as-needed merges the small squares into their neighbours — valid for GEOS, the area kept`, () => {
    const dir = tempDir();
    const path = input(dir, squares([...box]), 'squares.geojson');
    const build = (name: string, flags: string[]) => {
      const out = join(dir, name);
      const r = runCli([path, '-o', out, '-z', '2', '--tiling-scheme', scheme, '--buffer', '0', ...flags]);
      assert.equal(r.status, 0, r.stderr);
      return { out, stderr: r.stderr, verdict: geos(out, 2) };
    };
    const whole = build('whole', ['-q']);
    const merged = build('merged', ['--max-features', '30', '--coalesce-smallest-as-needed']);
    const dropped = build('dropped', ['--max-features', '30', '--drop-smallest-as-needed', '-q']);
    assert.equal(merged.verdict.invalid, 0);
    assert.ok(merged.verdict.polygons > 0);
    const z0 = listTiles(merged.out).filter((t) => t.startsWith('0/'));
    let coalescedAway = 0;
    for (const t of z0) {
      const [z, x, y] = t.split('/').map(Number);
      const n = readTile(merged.out, z, x, y).layers.squares.length;
      assert.ok(n <= 30, `${t}: ${n} features`);
      coalescedAway += readTile(whole.out, z, x, y).layers.squares.length - n;
      // Coalescing keeps the area the squares cover (to rounding); dropping loses what went.
      const a = whole.verdict.areas[t];
      assert.ok(Math.abs(merged.verdict.areas[t] - a) / a < 0.01, `${t}: ${merged.verdict.areas[t]} of ${a}`);
      assert.ok(dropped.verdict.areas[t] < 0.9 * a, `${t}: dropping kept ${dropped.verdict.areas[t]} of ${a}`);
    }
    assert.ok(coalescedAway > 0);
    assert.match(merged.stderr, new RegExp(`zoom 0: \\d+ tiles? cut by --coalesce-smallest-as-needed, ${coalescedAway} features coalesced, \\d+ kept`));
  });
}
