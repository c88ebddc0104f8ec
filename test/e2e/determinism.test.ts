// The same input and options give byte-identical tiles and metadata whatever the number of threads,
// and whether or not the tile store spilled to disk.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listTiles, runCli, tempDir } from '../helpers.js';

/** A few thousand mixed features: enough for several batches per thread. */
function syntheticInput(dir: string): string {
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines: string[] = [];
  for (let i = 0; i < 6000; i++) {
    const x = rand() * 40 - 10, y = rand() * 30 + 35;
    let geometry: { type: string; coordinates: unknown };
    if (i % 3 === 0) geometry = { type: 'Point', coordinates: [x, y] };
    else if (i % 3 === 1) geometry = { type: 'LineString', coordinates: Array.from({ length: 20 }, (_, k) => [x + k * 0.05, y + Math.sin(k) * 0.1]) };
    else {
      const ring = Array.from({ length: 12 }, (_, k) => [x + Math.cos((k / 12) * 2 * Math.PI) * 0.3, y + Math.sin((k / 12) * 2 * Math.PI) * 0.2]);
      ring.push(ring[0]);
      geometry = { type: 'Polygon', coordinates: [ring] };
    }
    lines.push(JSON.stringify({ type: 'Feature', id: i, properties: { i, name: `f${i % 97}`, v: i % 7 === 0 ? null : rand() }, geometry }));
  }
  const path = join(dir, 'synthetic.geojsons');
  writeFileSync(path, lines.join('\n'));
  return path;
}

function snapshot(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const t of listTiles(dir)) m.set(t, readFileSync(join(dir, t + '.pbf')));
  m.set('metadata.json', readFileSync(join(dir, 'metadata.json')));
  return m;
}

/** The same build with 1, 2 and 4 threads and through the on-disk store: every snapshot equal. */
function sameWhateverTheThreads(extra: string[]) {
  const dir = tempDir();
  const input = syntheticInput(dir);
  const runs: [string, string[]][] = [
    ['t1', ['--threads', '1']],
    ['t2', ['--threads', '2']],
    ['t4', ['--threads', '4']],
    // 0.25 MiB budget: the store spills many sorted runs and merges them
    ['spill', ['--threads', '2', '--memory-budget', '0.25', '--temp-dir', dir]],
  ];
  const snaps = runs.map(([name, args]) => {
    const out = join(dir, name, 'tiles');
    mkdirSync(join(dir, name)); // the output's parent must exist
    const r = runCli([input, '-o', out, '-z', '9', '--json', ...extra, ...args]);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    if (name === 'spill') assert.ok(summary.spilledBytes > 0, 'the store spilled');
    else assert.equal(summary.spilledBytes, 0);
    return snapshot(out);
  });
  const [first, ...rest] = snaps;
  assert.ok(first.size > 100, `${first.size} tiles`);
  for (const [i, s] of rest.entries()) {
    assert.deepEqual([...s.keys()], [...first.keys()], `${runs[i + 1][0]}: same tiles`);
    for (const [k, v] of first) assert.ok(v.equals(s.get(k)!), `${runs[i + 1][0]}: ${k} differs`);
  }
  // The temporary store is gone
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('mvt-build-')), []);
}

test('byte-identical output for 1, 2 and 4 threads, and through the on-disk store', () => sameWhateverTheThreads([]));

// Thinning walks every feature in curve order after the tile phase, and features choose layers of
// their own: neither may depend on which thread tiled what.
test('with the generalization flags: thinning guessed (lines and polygons too), attributes, ids, clusters, order', () =>
  sameWhateverTheThreads(['-r', 'g', '-B', 'f300', '--drop-lines', '--drop-polygons', '-x', 'v', '-T', 'i:string', '--generate-ids', '--cluster-densest-as-needed', '--max-features', '150', '--order-by', 'name']));
