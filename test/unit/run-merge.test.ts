// The spill store's run merge: however many runs there are, the merge gives every record once, in
// (z, x, y, layer, input order), grouped into tiles — also when runs must first be merged into
// longer runs because there are more than the files it keeps open.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mergeRuns, reduceRuns, RunWriter } from '../../dist/internals.js';

const SIZE = 48; // a record's fixed head (fragment-codec.ts) and nothing else: enough to sort

function record(z: number, x: number, y: number, layer: number, seq: number): Uint8Array {
  const b = new Uint8Array(SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, SIZE, true);
  v.setUint8(4, z);
  v.setUint16(6, layer, true);
  v.setFloat64(8, x, true);
  v.setFloat64(16, y, true);
  v.setFloat64(24, seq, true);
  return b;
}

const key = (r: number[]) => r.join('/');

/** A run file as the store writes one: sorted records [z, x, y, layer, seq], grouped by tile. */
function writeRun(path: string, sorted: number[][]): string {
  const w = new RunWriter(path);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && key(sorted[j].slice(0, 3)) === key(sorted[i].slice(0, 3))) j++;
    w.tile((j - i) * SIZE, j - i);
    for (; i < j; i++) w.record(record(sorted[i][0], sorted[i][1], sorted[i][2], sorted[i][3], sorted[i][4]));
  }
  w.close();
  return path;
}
const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4];

for (const [runCount, fanIn] of [[1, 4], [4, 4], [5, 4], [23, 4], [40, 3]]) {
  test(`${runCount} runs merged ${fanIn} at a time: every record once, in order, by tile`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mvt-merge-test-'));
    try {
      // Pseudo-random records spread over the runs, each run sorted as the store writes it.
      let s = 12345;
      const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
      const all: number[][] = [];
      const runs: number[][][] = Array.from({ length: runCount }, () => []);
      for (let seq = 0; seq < 3000; seq++) {
        const z = rnd(3), r = [z, rnd(2 ** z), rnd(2 ** z), rnd(2), seq];
        all.push(r);
        runs[rnd(runCount)].push(r);
      }
      const paths = runs.map((run, i) => writeRun(join(dir, `run-${i}.bin`), run.sort(cmp)));
      let scratch = 0;
      const got: number[][] = [];
      const tiles: string[] = [];
      const reduced = reduceRuns(paths, (i) => (scratch++, join(dir, `merge-${i}.bin`)), fanIn);
      assert.ok(reduced.length <= fanIn);
      for (const t of mergeRuns(reduced)) {
        assert.equal(t.records.length, t.count * SIZE);
        assert.equal(t.records.buffer.byteLength, t.records.length, 'each tile in a buffer of its exact size');
        tiles.push(`${t.z}/${t.x}/${t.y}`);
        const v = new DataView(t.records.buffer, t.records.byteOffset, t.records.byteLength);
        for (let o = 0; o < t.records.length; o += SIZE) {
          const r = [v.getUint8(o + 4), v.getFloat64(o + 8, true), v.getFloat64(o + 16, true), v.getUint16(o + 6, true), v.getFloat64(o + 24, true)];
          assert.deepEqual(r.slice(0, 3), [t.z, t.x, t.y], 'a record in the tile it belongs to');
          got.push(r);
        }
      }
      assert.deepEqual(got.map(key), [...all].sort(cmp).map(key));
      assert.equal(new Set(tiles).size, tiles.length, 'each tile once');
      // Intermediate runs only when there are more runs than files kept open; each is deleted once merged.
      const expected = runCount <= fanIn ? 0 : Math.ceil((runCount - fanIn) / (fanIn - 1));
      assert.equal(scratch, expected);
      const left = readdirSync(dir);
      assert.ok(left.length <= fanIn, `only the last pass's runs are left: ${left}`);
      if (runCount > fanIn) assert.ok(!existsSync(paths[0]), 'merged inputs deleted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a store that spilled more runs than it opens at once can be read twice (as-needed thresholds read it again)', async () => {
  const { SpillingTileStore } = await import('../../dist/internals.js');
  const dir = mkdtempSync(join(tmpdir(), 'mvt-merge-store-'));
  const store = new SpillingTileStore({ memoryBudget: 1000, tempDir: dir, matrixWidthZ0: 1, matrixHeightZ0: 1 });
  try {
    // 40 batches of 10 records, one layer, input order increasing: each batch spills a run.
    for (let b = 0; b < 40; b++) {
      const buf = new Uint8Array(10 * SIZE);
      for (let i = 0; i < 10; i++) {
        const seq = b * 10 + i, z = seq % 3;
        buf.set(record(z, seq % 2 ** z, (seq >> 1) % 2 ** z, 0, seq), i * SIZE);
      }
      store.add(buf);
    }
    const read = async () => {
      const out: string[] = [];
      for await (const t of store.tiles(true)) out.push(`${t.z}/${t.x}/${t.y}:${t.count}`);
      return out;
    };
    const first = await read();
    assert.equal(first.reduce((s, t) => s + Number(t.split(':')[1]), 0), 400);
    assert.deepEqual(await read(), first);
  } finally {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run file cut short or whose tile headers disagree with its records is an error, not a smaller tile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvt-merge-corrupt-'));
  try {
    const good = writeRun(join(dir, 'good.bin'), [[0, 0, 0, 0, 1], [0, 0, 0, 0, 2], [1, 0, 0, 0, 3]]);
    const bytes = readFileSync(good);
    assert.equal(bytes.length, 2 * 8 + 3 * SIZE, 'two tile headers and three records');
    assert.equal([...mergeRuns([good])].map((t) => `${t.z}/${t.x}/${t.y}:${t.count}`).join(' '), '0/0/0:2 1/0/0:1');
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    assert.throws(() => [...mergeRuns([cut])], /truncated run file/);
    // The first tile's header claims three records: the third is not in that tile.
    const lying = Buffer.from(bytes);
    lying.writeUInt32LE(3 * SIZE, 0);
    lying.writeUInt32LE(3, 4);
    const bad = join(dir, 'bad.bin');
    writeFileSync(bad, lying);
    assert.throws(() => [...mergeRuns([bad])], /corrupt run file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
