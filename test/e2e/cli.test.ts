// The built binary, run as a user would: outputs, exit codes, messages, and nothing half-written.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fixture, listTiles, readTile, ROOT as ROOT_DIR, runCli, tempDir } from '../helpers.js';

test('builds the sample: tiles at every zoom, gzip by default, metadata, a one-line summary', () => {
  const out = join(tempDir(), 'tiles');
  const r = runCli([fixture('finland-sample.geojson'), '-o', out, '-z', '4']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wrote .*tiles: \d+ tiles \(z0–4\), [\d.]+ MB of tiles \([\d.]+ MB on disk\), 10\/10 features, [\d.]+ s \(CPU [\d.]+ s, \d+ threads?\), peak [\d.]+ MB RSS/);
  const tiles = listTiles(out);
  for (let z = 0; z <= 4; z++) assert.ok(tiles.some((t) => t.startsWith(`${z}/`)), `zoom ${z} present`);
  const raw = readFileSync(join(out, tiles[0] + '.pbf'));
  assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b], 'gzip');
  assert.ok(gunzipSync(raw).length > 0);
  const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
  assert.equal(meta.name, 'tiles');
  assert.equal(meta.maxzoom, 4);
  const layers = JSON.parse(meta.json).vector_layers;
  assert.equal(layers[0].id, 'finland-sample');
  const z0 = readTile(out, 0, 0, 0).layers['finland-sample'];
  assert.equal(z0.length, 10);
  const names = Array.from({ length: z0.length }, (_, i) => z0.feature(i).properties.name);
  assert.ok(names.includes('Helsinki') && names.includes('Lake with an island'));
});

test('--no-compress, --tile-extension, --layer, --name, --description, multiple inputs', () => {
  const out = join(tempDir(), 'o');
  const r = runCli([fixture('finland-sample.geojson'), fixture('points.geojsons'), '-o', out, '-z', '1', '--no-compress', '--tile-extension', 'mvt', '--layer', 'places', '--name', 'My set', '--description', 'test set', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', '--quiet prints nothing');
  const raw = readFileSync(join(out, '0/0/0.mvt'));
  assert.notEqual(raw[0], 0x1f);
  const tile = readTile(out, 0, 0, 0, 'mvt');
  assert.deepEqual(Object.keys(tile.layers).sort(), ['places', 'points']);
  const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
  assert.equal(meta.name, 'My set');
  assert.equal(meta.description, 'test set');
});

test('usage errors exit 2 with a message and write nothing', () => {
  const dir = tempDir();
  const out = join(dir, 'o');
  const cases: [string[], RegExp][] = [
    [['-o', out], /missing required argument/],
    [[fixture('points.geojsons')], /required option '-o, --output/],
    [[fixture('points.geojsons'), '-o', out, '-Z', '6', '-z', '3'], /minzoom \(6\) must not be greater than maxzoom \(3\)/],
    [[fixture('points.geojsons'), '-o', out, '-z', '31'], /maxzoom must be an integer 0\.\.30, got 31/],
    [[fixture('points.geojsons'), '-o', out, '-z', 'five'], /maxzoom must be an integer, got "five"/],
    [[fixture('points.geojsons'), '-o', out, '--tiling-scheme', 'EPSG:4326'], /tiling scheme must be a preset .* got 1 part/],
    [[fixture('points.geojsons'), '-o', out, '--tiling-scheme', 'EPSG:999999,0,0,100'], /tiling scheme: unknown CRS "EPSG:999999"/],
    [[fixture('points.geojsons'), '-o', out, '--s-srs', 'EPSG:0'], /--s-srs: unknown CRS "EPSG:0"/],
    [[fixture('points.geojsons'), '-o', out, '--s-srs', 'nonsense'], /unknown CRS "nonsense"/],
    [[fixture('points.geojsons'), '-o', out, '--simplification', '-1'], /simplification must be a number >= 0, got -1/],
    [[fixture('points.geojsons'), '-o', out, '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, re] of cases) {
    const r = runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.deepEqual(readdirSync(dir), [], 'nothing written, not even a temporary directory');
});

test('bad input exits 1 naming file and feature, and leaves the previous tileset untouched', () => {
  const dir = tempDir();
  const out = join(dir, 'o');
  assert.equal(runCli([fixture('points.geojsons'), '-o', out, '-z', '1', '-q']).status, 0);
  const before = listTiles(out);
  const cases: [string, RegExp][] = [
    ['broken/truncated.geojson', /truncated\.geojson: invalid JSON: the file ends inside an object or array/],
    ['broken/bad-json.geojson', /bad-json\.geojson: feature #1: invalid JSON: Expected double-quoted property name/],
    ['broken/bad-coordinates.geojson', /bad-coordinates\.geojson: layer "bad-coordinates", feature #1 \(id "road-7"\): LineString: position 1 has a non-numeric or non-finite coordinate: \["x",3\]/],
    ['broken/unknown-type.geojson', /feature #0 \(id 1\): unknown geometry type "Circle"/],
    ['does-not-exist.geojson', /does-not-exist\.geojson: no such file/],
  ];
  for (const [name, re] of cases) {
    const r = runCli([fixture(name), '-o', out, '--force', '-z', '1']);
    assert.equal(r.status, 1, `${name}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(listTiles(out), before, `${name}: previous output kept`);
  }
  assert.deepEqual(readdirSync(dir), ['o'], 'no temporary directories left behind');
});

test('--skip-invalid skips malformed features and reports them in the summary', () => {
  const out = join(tempDir(), 'o');
  const r = runCli([fixture('broken/bad-coordinates.geojson'), '-o', out, '-z', '0', '--skip-invalid']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /2\/3 features/);
  assert.match(r.stderr, /1 invalid \(skipped\)/);
  assert.match(r.stderr, /skipped .*feature #1 \(id "road-7"\)/);
  assert.equal(readTile(out, 0, 0, 0).layers['bad-coordinates'].length, 2);
});

test('a non-empty output needs --force; --force replaces it whole', () => {
  const out = join(tempDir(), 'o');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'x');
  const r = runCli([fixture('points.geojsons'), '-o', out, '-z', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /exists and is not empty \(use --force/);
  assert.ok(existsSync(join(out, 'keep.txt')));
  assert.equal(runCli([fixture('points.geojsons'), '-o', out, '-z', '0', '--force', '-q']).status, 0);
  assert.ok(!existsSync(join(out, 'keep.txt')));
  assert.ok(existsSync(join(out, '0/0/0.pbf')));
});

test('an unwritable output is an input/output error (exit 1), not a crash', { skip: process.getuid?.() === 0 && 'root can write anywhere' }, () => {
  const dir = tempDir();
  chmodSync(dir, 0o500);
  const r = runCli([fixture('points.geojsons'), '-o', join(dir, 'o'), '-z', '0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write output/);
});

test('an output path under a file is an error that names it', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'file'), 'x');
  const r = runCli([fixture('points.geojsons'), '-o', join(dir, 'file', 'o'), '-z', '0']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /cannot write output/);
  const r2 = runCli([fixture('points.geojsons'), '-o', join(dir, 'file'), '-z', '0']);
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /exists and is not a directory/);
});

test('--help and --version exit 0', () => {
  const h = runCli(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--tiling-scheme/);
  const v = runCli(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
});

test('Ctrl-C (SIGINT) stops the build, exits 130 and leaves nothing behind', async () => {
  const { spawn } = await import('node:child_process');
  const dir = tempDir();
  const src = join(dir, 'many.geojsons');
  // Enough work (200k points to zoom 16) that the run is still going when the signal comes.
  const lines: string[] = [];
  for (let i = 0; i < 200000; i++) lines.push(JSON.stringify({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: [(i % 3600) / 10 - 180, Math.floor(i / 3600) / 10 - 40] } }));
  writeFileSync(src, lines.join('\n'));
  const out = join(dir, 'o');
  // A small memory budget makes the store spill into dir: that must be cleaned up too.
  const child = spawn(process.execPath, [join(ROOT_DIR, 'dist/cli/main.js'), src, '-o', out, '-z', '16', '-q', '--memory-budget', '1', '--temp-dir', dir]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  // Signal once the build is under way (its temporary output exists), not after a fixed time: on a
  // busy machine the process may still be loading, when SIGINT would kill it before its handler is set.
  for (let i = 0; i < 400 && !readdirSync(dir).some((f) => f.startsWith('.o.tmp-')); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted/);
  assert.deepEqual(readdirSync(dir), ['many.geojsons'], 'no output and no temporary directory');
});

test('on a terminal: a reading bar with an ETA, then a writing bar, then the summary', { skip: !existsSync('/usr/bin/script') && 'needs script(1) for a pseudo-terminal' }, async () => {
  const { spawnSync } = await import('node:child_process');
  const out = join(tempDir(), 'tiles');
  const cmd = [process.execPath, join(ROOT_DIR, 'dist/cli/main.js'), fixture('finland-sample.geojson'), '-o', out, '-z', '6'].map((a) => `'${a}'`).join(' ');
  // script(1) runs the command on a pseudo-terminal, so stderr is a TTY as for a user.
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /reading: \[[█░]+\] 100% \| [\d,]+ features \| ETA/);
  assert.match(r.stdout, /writing: \[[█░]+\] 100% \| (\d+)\/\1 tiles/);
  assert.match(r.stdout, /mvt-build: wrote .* tiles/);
  // No estimate before there is a rate: "…", never cli-progress's "NFs" or a "0s" at 0%.
  assert.doesNotMatch(r.stdout, /ETA (NF|INF|NULL)/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal's control sequences
  assert.doesNotMatch(r.stdout, / 0% \|[^\n\r\x1b]*ETA 0s/);
});

test('--compress-level: each level gives zlib gzipSync\'s bytes of the raw tile; the default is level 1, 6 is zlib\'s own', () => {
  const dir = tempDir();
  const build = (name: string, args: string[]) => {
    const out = join(dir, name);
    const r = runCli([fixture('finland-sample.geojson'), '-o', out, '-z', '3', '-q', ...args]);
    assert.equal(r.status, 0, r.stderr);
    return out;
  };
  const raw = build('raw', ['--no-compress']), byDefault = build('default', []), six = build('six', ['--compress-level', '6']), nine = build('nine', ['--compress-level', '9']);
  const tiles = listTiles(raw);
  assert.ok(tiles.length > 5);
  for (const t of tiles) {
    const plain = readFileSync(join(raw, t + '.pbf'));
    assert.deepEqual(readFileSync(join(byDefault, t + '.pbf')), gzipSync(plain, { level: 1 }), `${t} default`);
    assert.deepEqual(readFileSync(join(six, t + '.pbf')), gzipSync(plain), `${t} level 6`);
    assert.deepEqual(readFileSync(join(nine, t + '.pbf')), gzipSync(plain, { level: 9 }), `${t} level 9`);
  }
});
