// A giant tile of a spilled store is not gathered into one buffer: the merge hands out where its
// records lie in the run files and the encoder reads them there. The tiles that come out must be the
// very bytes of the gathered path, whatever the layers, and the tiles after a giant one must be whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeProperties, encodeTiles, type EncodeBatch, SpillingTileStore, tileRecords, writeFragment } from '../../dist/internals.js';
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
    // over, gathered at once).
    for (const [gzipLevel, maxSize] of [[0, 2 ** 31], [6, 2 ** 31], [0, 400_000], [0, 50_000]]) {
      const batch = (tiles: Got[]): EncodeBatch => ({
        layers: [{ name: 'b-second', fieldTypes: [['name', 'String'], ['n', 'Number']], realFields: [] }, { name: 'a-first', fieldTypes: [['name', 'String'], ['n', 'Number']], realFields: [] }],
        extent: 4096, gzipLevel, maxSize, maxFeatures: 200_000, tinyArea2: 0, repair: true,
        tiles: tiles.map((t) => ({ z: t.z, x: t.x, y: t.y, records: t.records, ...(t.groups && { groups: t.groups as never, count: t.count }) })),
      });
      const encode = (tiles: Got[]) => {
        const out: string[] = [];
        const report = encodeTiles(batch(tiles), (z, x, y, data) => out.push(`${z}/${x}/${y} ${Buffer.from(data).toString('base64')}`));
        return { out, report };
      };
      const ea = encode(a), eb = encode(b);
      assert.equal(eb.out.length, a.length);
      assert.deepEqual(eb.out, ea.out, `gzip ${gzipLevel}, max size ${maxSize}`);
      assert.deepEqual(eb.report, ea.report);
      if (maxSize < 2 ** 31) assert.ok(ea.report.limited.length > 0, 'the limit changed the zoom-0 tile');
    }
  } finally {
    gathered.dispose();
    grouped.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
