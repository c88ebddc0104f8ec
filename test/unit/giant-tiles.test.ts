// A giant tile of a spilled store is not gathered into one buffer: the merge hands out where its
// records lie in the run files and the encoder reads them there. The tiles that come out must be the
// very bytes of the gathered path, whatever the layers, and the tiles after a giant one must be whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeProperties, encodeTiles, type EncodeBatch, keepLargestRecords, keepLargestRecordStream, SpillingTileStore, tileRecords, writeFragment } from '../../dist/internals.js';
import { ByteWriter } from '../../dist/tiler/fragment-codec.js';

/** Point records: z/x/y, layer, seq, a name and a number each (as the readers' fragments are). */
function points(list: [number, number, number, number, number][]): Uint8Array {
  const w = new ByteWriter(1 << 16);
  for (const [z, x, y, layer, seq] of list) {
    const props = encodeProperties([['name', `p${seq}`], ['n', seq % 7]]);
    writeFragment(w, { z, x, y, layer, type: 1, seq, id: seq }, props, [9, (seq % 4096) * 2, ((seq * 7) % 4096) * 2]);
  }
  return w.finish();
}

interface Got { z: number; x: number; y: number; records: Uint8Array; count: number; groups?: unknown[] }

async function readAll(store: SpillingTileStore): Promise<Got[]> {
  const out: Got[] = [];
  for await (const t of store.tiles(true)) out.push({ ...t });
  return out;
}

function build(dir: string, giantTileBytes: number, memoryBudget: number): SpillingTileStore {
  const store = new SpillingTileStore({ memoryBudget, tempDir: dir, matrixWidthZ0: 1, matrixHeightZ0: 1, giantTileBytes });
  // 60,000 points in layers 0 and 1 (two layers of one tile, named out of index order below), each
  // point at z0 and z1, added in batches of 2,000 of one layer each (as the tile phase adds them):
  // the budget spills many runs, the zoom-0 tile is ~5 MB of records and the first run holds 3 MB of it, more than a run reader buffers.
  for (let b = 0; b < 30; b++) {
    const list: [number, number, number, number, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const seq = b * 2000 + i;
      list.push([0, 0, 0, b % 2, seq], [1, seq % 2, (seq >> 1) % 2, b % 2, seq]);
    }
    store.add(points(list));
  }
  return store;
}

test('a spilled store hands out a giant tile as its groups in the run files; its records are those of the gathered tile, and so are the tiles after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvt-giant-'));
  const gathered = build(dir, Infinity, 6 << 20);
  const grouped = build(dir, 1 << 20, 6 << 20);
  try {
    const a = await readAll(gathered), b = await readAll(grouped);
    assert.deepEqual(b.map((t) => `${t.z}/${t.x}/${t.y}:${t.count}`), a.map((t) => `${t.z}/${t.x}/${t.y}:${t.count}`));
    assert.ok(a.every((t) => !t.groups));
    const giant = b.filter((t) => t.groups);
    assert.deepEqual(giant.map((t) => `${t.z}/${t.x}/${t.y}`), ['0/0/0', '1/0/0', '1/0/1', '1/1/0', '1/1/1']);
    for (const t of giant) assert.ok(t.groups!.length > 1 && t.records.length === 0);
    for (let i = 0; i < a.length; i++) assert.ok(Buffer.from(tileRecords(b[i] as never)).equals(Buffer.from(a[i].records)), `tile ${a[i].z}/${a[i].x}/${a[i].y}`);

    // Encoded: the same bytes streamed from the run files as from the gathered records, with
    // the layers in name order ("b-second" is layer 0), raw and gzipped; and when the tile is over
    // MAX_SIZE, the same reduced tile from the fallback (400,000: tried streamed first; 50,000: far
    // over, gathered at once); and over MAX_FEATURES (40,000 of 60,000), the largest kept as they stream by.
    for (const [gzipLevel, maxSize, maxFeatures] of [[0, 2 ** 31, 200_000], [6, 2 ** 31, 200_000], [0, 400_000, 200_000], [0, 50_000, 200_000], [0, 2 ** 31, 40_000]]) {
      const batch = (tiles: Got[]): EncodeBatch => ({
        layers: [{ name: 'b-second', fieldTypes: [['name', 'String'], ['n', 'Number']], realFields: [] }, { name: 'a-first', fieldTypes: [['name', 'String'], ['n', 'Number']], realFields: [] }],
        extent: 4096, gzipLevel, maxSize, maxFeatures, tinyArea2: 0, repair: true,
        tiles: tiles.map((t) => ({ z: t.z, x: t.x, y: t.y, records: t.records, ...(t.groups && { groups: t.groups as never, count: t.count }) })),
      });
      const encode = (tiles: Got[]) => {
        const out: string[] = [];
        const report = encodeTiles(batch(tiles), (z, x, y, data) => out.push(`${z}/${x}/${y} ${Buffer.from(data).toString('base64')}`));
        return { out, report };
      };
      const ea = encode(a), eb = encode(b);
      assert.equal(eb.out.length, a.length);
      assert.deepEqual(eb.out, ea.out, `gzip ${gzipLevel}, max size ${maxSize}, max features ${maxFeatures}`);
      assert.deepEqual(eb.report, ea.report);
      if (maxSize < 2 ** 31 || maxFeatures < 60_000) assert.ok(ea.report.limited.length > 0, 'the limit changed the zoom-0 tile');
    }
  } finally {
    gathered.dispose();
    grouped.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the largest features kept from a stream of records are those kept from the gathered records, in the same order, through evictions and the arena compacted', () => {
  // Lines and polygons of growing and shrinking sizes between points, so that newcomers keep evicting
  // the kept: megabytes of copies for 100 kept records, more than the arena keeps before compacting.
  const w = new ByteWriter(1 << 20);
  let s = 7;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
  for (let seq = 0; seq < 30_000; seq++) {
    const type = seq % 5 === 0 ? 1 : seq % 5 < 3 ? 2 : 3;
    // Mostly growing (each newcomer evicts the smallest kept), with some noise and some shrinking.
    const side = seq % 7 === 0 ? 2 + rnd(100) : 2 + Math.floor(seq / 4) + rnd(20);
    // A line of one segment, or a square ring, `side` units long: its length or area is its size.
    const commands = type === 1 ? [9, 2 * rnd(4096), 2 * rnd(4096)] : type === 2 ? [9, 0, 0, 10, 2 * side, 0] : [9, 0, 0, 26, 2 * side, 0, 0, 2 * side, 2 * side - 1, 0, 15];
    const pad = encodeProperties([['pad', 'x'.repeat(200 + rnd(100))]]);
    writeFragment(w, { z: 0, x: 0, y: 0, layer: 0, type, seq, id: seq }, pad, commands);
  }
  const records = w.finish();
  const view = new DataView(records.buffer);
  const stream = function* () {
    for (let pos = 0; pos < records.length; pos += view.getUint32(pos, true)) {
      // Each record in a buffer of its own that is overwritten after: a copy that is kept by reference fails.
      const rec = records.slice(pos, pos + view.getUint32(pos, true));
      yield rec;
      rec.fill(0xff);
    }
  };
  for (const keep of [1, 100, 7000, 40_000]) {
    const a = keepLargestRecords(records, keep), b = keepLargestRecordStream(stream(), keep);
    assert.ok(Buffer.from(b).equals(Buffer.from(a)), `keep ${keep}`);
  }
});
