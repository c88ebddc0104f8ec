// Sharded builds through real processes (the CLI): shards I/N of a build, merged, are byte for byte
// the one-machine build — every tile file, metadata.json and the descriptors — for N = 1, 3 and 7 on
// the US counties (polygons) and the world's cities (points), from bench/data.ts. Zooms 0–6 for both:
// 2 × 12 builds must stay CI-sized on 2 cores; at z6 the shard zoom chosen is 3 (half the max zoom),
// so shard 0 writes zooms 0–2 and every shard zooms 3–6 of its subtrees — both sides of the cut are
// compared. Also: a shard built again gives the same bytes, MBTiles and PMTiles shards merge into
// the one build's tiles and metadata (the files themselves are not byte-stable even between two
// builds: the threads finish tiles in any order), and merge refuses shards that do not make one build.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { openTileset } from '../../dist/index.js';
import { prepareData } from '../../bench/data.js';
import { fileTree, runCli, tempDir } from '../helpers.js';

const data = prepareData(undefined, ['counties.geojson', 'cities.geojson']);
const ZOOMS = ['-z', '6'];

function assertSameTree(actual: string, expected: string): void {
  const a = fileTree(actual), e = fileTree(expected);
  assert.deepEqual([...a.keys()].sort(), [...e.keys()].sort());
  const differ = [...e].filter(([k, v]) => !v.equals(a.get(k)!)).map(([k]) => k);
  assert.deepEqual(differ, [], 'files that differ from the one-machine build');
  assert.ok(e.size > 20, `only ${e.size} files: nothing was built`);
}

function cli(args: string[]): void {
  const out = args[args.indexOf('-o') + 1];
  mkdirSync(dirname(out), { recursive: true });
  const r = runCli(args);
  assert.equal(r.status, 0, r.stderr);
}

/** An MBTiles or PMTiles file's tiles (z/x/y → bytes) and metadata, as the readers give them. */
async function contents(path: string): Promise<{ tiles: Map<string, Buffer>; info: string }> {
  const t = await openTileset(path);
  const tiles = new Map<string, Buffer>();
  for await (const s of t.tiles()) tiles.set(`${s.z}/${s.x}/${s.y}`, Buffer.from(s.data));
  const info = JSON.stringify(t.info);
  await t.close();
  return { tiles, info };
}

async function assertSameFile(actual: string, expected: string): Promise<void> {
  const a = await contents(actual), e = await contents(expected);
  assert.equal(a.info, e.info);
  assert.deepEqual([...a.tiles.keys()], [...e.tiles.keys()]);
  const differ = [...e.tiles].filter(([k, v]) => !v.equals(a.tiles.get(k)!)).map(([k]) => k);
  assert.deepEqual(differ, [], `tiles of ${actual} that differ`);
  assert.ok(e.tiles.size > 20);
}

function buildShards(input: string, dir: string, name: string, n: number, ext = ''): string[] {
  const outs: string[] = [];
  for (let i = 0; i < n; i++) {
    const out = join(dir, `${name}-${i}of${n}${ext}`);
    cli([input, '-o', out, ...ZOOMS, '--shard', `${i}/${n}`, '-q']);
    outs.push(out);
  }
  return outs;
}

for (const [name, input] of [['counties', data['counties.geojson']], ['cities', data['cities.geojson']]] as const) {
  test(`${name} z0–6: shards merged are the one-machine build, N = 1, 3, 7`, () => {
    const dir = tempDir();
    const one = join(dir, 'one', name);
    cli([input, '-o', one, ...ZOOMS, '-q']);
    for (const n of [1, 3, 7]) {
      const shards = buildShards(input, dir, name, n);
      const manifest = JSON.parse(readFileSync(`${shards[0]}.shard.json`, 'utf8'));
      assert.equal(manifest.shard.count, n);
      assert.equal(manifest.shard.zoom, n === 1 ? 0 : 3);
      assert.equal(manifest.shard.ranges.length, n);
      const merged = join(dir, `merged-${n}`, name);
      cli(['merge', ...shards.reverse(), '-o', merged, '-q']);
      assertSameTree(merged, one);
      if (n === 3) {
        // More than one shard draws tiles: the cut really splits the work.
        const drawing = shards.filter((s) => JSON.parse(readFileSync(`${s}.shard.json`, 'utf8')).tiles > 0);
        assert.ok(drawing.length >= 2, `${drawing.length} of 3 shards hold tiles`);
      }
    }
  });
}

test('a shard built again gives the same bytes; MBTiles and PMTiles shards merge into the one build\'s tiles and metadata', async () => {
  const dir = tempDir();
  const input = data['counties.geojson'];
  const shards = buildShards(input, dir, 'c', 3);
  const before = fileTree(shards[1]);
  const manifestBefore = readFileSync(`${shards[1]}.shard.json`);
  cli([input, '-o', shards[1], ...ZOOMS, '--shard', '1/3', '-q', '-f']);
  const after = fileTree(shards[1]);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [k, v] of before) assert.ok(v.equals(after.get(k)!), k);
  assert.ok(manifestBefore.equals(readFileSync(`${shards[1]}.shard.json`)), 'the manifest is the same too');
  for (const ext of ['.mbtiles', '.pmtiles']) {
    const one = join(dir, `one${ext}`);
    cli([input, '-o', one, ...ZOOMS, '-q']);
    const files = buildShards(input, dir, 'f', 3, ext);
    const merged = join(dir, 'merged', `one${ext}`); // named as the one build: the metadata name follows
    cli(['merge', ...files, '-o', merged, '-q']);
    await assertSameFile(merged, one);
  }
  // Directory shards into one PMTiles file: the tiles are taken as stored.
  const onePm = join(dir, 'one.pmtiles');
  const fromDirs = join(dir, 'from-dirs', 'one.pmtiles');
  cli(['merge', ...shards, '-o', fromDirs, '-q']);
  await assertSameFile(fromDirs, onePm);
});

test('merge refuses shards that do not make one build, and says why', () => {
  const dir = tempDir();
  const input = data['counties.geojson'];
  const three = buildShards(input, dir, 'a', 3);
  const r1 = runCli(['merge', three[0], three[2], '-o', join(dir, 'm1')]);
  assert.equal(r1.status, 2);
  assert.match(r1.stderr, /shard 1\/3 of the build .* is missing/);
  const r2 = runCli(['merge', ...three, three[1], '-o', join(dir, 'm2')]);
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /shard 1\/3 is given twice/);
  const other = join(dir, 'b-0of3');
  cli([input, '-o', other, '-z', '5', '--shard', '0/3', '-q']);
  const r3 = runCli(['merge', three[0], three[1], three[2], other, '-o', join(dir, 'm3')]);
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /different builds \(options differ: maxzoom\)/);
  const r4 = runCli(['merge', join(dir, 'nothing'), '-o', join(dir, 'm4')]);
  assert.equal(r4.status, 1);
  assert.match(r4.stderr, /no shard manifest/);
  const r5 = runCli([input, '-o', join(dir, 'x'), '--shard', '3/3']);
  assert.equal(r5.status, 2);
  assert.match(r5.stderr, /the index must be 0\.\.2/);
  const r6 = runCli([input, '-o', join(dir, 'y'), '--shard', '0/2', '--drop-rate', '2']);
  assert.equal(r6.status, 2);
  assert.match(r6.stderr, /--drop-rate/);
  for (const m of ['m1', 'm2', 'm3', 'm4']) assert.throws(() => statSync(join(dir, m)), /ENOENT/, `${m} was written`);
});
