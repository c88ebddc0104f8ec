// Holds tile fragments until every feature has been read, then hands them out tile by tile in
// z/x/y order. Fragments are binary records (fragment-codec.ts). Past a memory budget the store
// sorts what it holds into a run file on disk and starts again; at the end the runs are merged, so
// memory stays flat however large the input (GDAL's TEMPORARY_DB does the same job with SQLite);
// run-merge.ts merges them with a bounded number of files open.
import { mkdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import { InputError } from '../errors.js';
import { ownedName, releaseName } from '../temporaries.js';
import { AT_LAYER, AT_LENGTH, AT_SEQ, AT_X, AT_Y, AT_Z } from './fragment-codec.js';
import { mergeRuns, reduceRuns, type RunGroup, RunWriter } from './run-merge.js';

export interface TileRecords {
  z: number;
  x: number;
  y: number;
  /** The tile's fragment records, concatenated, sorted by layer then input order (empty when `groups`). */
  records: Uint8Array;
  count: number;
  /**
   * A giant tile merged from run files: where its records lie in them, read by whoever encodes it
   * (run-merge.ts groupRecords, tileRecords) while the store is not disposed.
   */
  groups?: RunGroup[];
}

export interface TileStore {
  /** Adds a buffer of fragment records (the store keeps a reference to it). */
  add(records: Uint8Array): void;
  /**
   * Tiles in z, x, y order; each tile's records sorted by layer, then input order. The store gives
   * up its memory as it goes, unless `again`: then the tiles can be read once more.
   */
  tiles(again?: boolean): AsyncIterable<TileRecords>;
  /** Number of distinct tiles, when known without merging (no spill happened). */
  readonly tileCount: number | undefined;
  /** Bytes spilled to disk so far. */
  readonly spilledBytes: number;
  /** Removes temporary files. Safe to call more than once. */
  dispose(): void;
}

export interface StoreOptions {
  /** Bytes of fragments kept in memory before spilling (default 256 MiB). */
  memoryBudget?: number;
  /** Where run files go (default: the OS temporary directory). */
  tempDir?: string;
  matrixWidthZ0: number;
  matrixHeightZ0: number;
  /** Tiles of this many bytes of records, once spilled, are handed out as their groups (default DEFAULTS.giantTileBytes). */
  giantTileBytes?: number;
}

/** Spill directories are `mvt-build-spill-PID@HOST-RANDOM` in the temporary directory. */
export const SPILL_PREFIX = 'mvt-build-spill-';

const REF_BATCH = 2 ** 32; // a ref is batch · 2^32 + offset
/**
 * Heap bytes the index costs on top of the records themselves, counted against the budget: a ref
 * in a tile's array (with the array's spare room), and a tile's map entry. Without the tiles
 * counted, a polygon of millions of vertices at z0–12 (half a million tiles of one record each)
 * held a few tens of megabytes of records and hundreds of megabytes of index.
 */
const RECORD_COST = 40;
const TILE_COST = 100;

export class SpillingTileStore implements TileStore {
  private batches: Buffer[] = [];
  private views: DataView[] = [];
  /** Per zoom, each tile's record refs (one ref, or several in an array). */
  private zooms: Map<number | string, number | number[]>[] = [];
  private tiles_ = 0;
  private bytes = 0;
  private records = 0;
  private runs: string[] = [];
  private merges = 0;
  private dir: string | undefined;
  spilledBytes = 0;
  private readonly budget: number;

  constructor(private readonly o: StoreOptions) {
    this.budget = o.memoryBudget ?? DEFAULTS.memoryBudget;
    // Checked now, not at the first spill: that may come after minutes of work, or never (and then
    // a mistyped --temp-dir would pass unnoticed until the day the data grows).
    if (o.tempDir !== undefined) {
      let st: Stats;
      try {
        st = statSync(o.tempDir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new InputError(code === 'ENOENT' ? 'the temporary directory (--temp-dir) does not exist' : (e as Error).message, o.tempDir);
      }
      if (!st.isDirectory()) throw new InputError('the temporary directory (--temp-dir) is not a directory', o.tempDir);
    }
  }

  get tileCount(): number | undefined {
    return this.runs.length ? undefined : this.tiles_;
  }

  add(buf: Uint8Array): void {
    if (buf.length === 0) return;
    const b = this.batches.length;
    // As a Buffer (no copy) for Buffer.copy, which copies a range without making a view of it.
    this.batches.push(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.views.push(view);
    for (let pos = 0; pos < buf.length; ) {
      const len = view.getUint32(pos + AT_LENGTH, true);
      const z = view.getUint8(pos + AT_Z);
      const x = view.getFloat64(pos + AT_X, true);
      const y = view.getFloat64(pos + AT_Y, true);
      const zoom = (this.zooms[z] ??= new Map());
      const key = this.key(z, x, y);
      const ref = b * REF_BATCH + pos;
      // Most tiles of a detailed feature at deep zooms hold one record: its ref alone, no array.
      const refs = zoom.get(key);
      if (refs === undefined) {
        zoom.set(key, ref);
        this.tiles_++;
      } else if (typeof refs === 'number') zoom.set(key, [refs, ref]);
      else refs.push(ref);
      this.records++;
      pos += len;
    }
    this.bytes += buf.length;
    if (this.bytes + this.records * RECORD_COST + this.tiles_ * TILE_COST > this.budget) this.spill();
  }

  private key(z: number, x: number, y: number): number | string {
    const h = this.o.matrixHeightZ0 * 2 ** z;
    return this.o.matrixWidthZ0 * h * 2 ** z <= Number.MAX_SAFE_INTEGER ? x * h + y : `${x}/${y}`;
  }

  /** In-memory tiles in order, each with its records sorted; empties the memory as it goes unless `again`. */
  private *memoryTiles(again = false): Generator<TileRecords> {
    this.rankBatches();
    for (let z = 0; z < this.zooms.length; z++) {
      const zoom = this.zooms[z];
      if (!zoom) continue;
      for (const { key, x, y } of this.tileOrder(z, zoom)) {
        const refs = zoom.get(key)!;
        if (!again) zoom.delete(key);
        yield { z, x, y, records: this.gather(refs), count: typeof refs === 'number' ? 1 : refs.length };
      }
      if (!again) delete this.zooms[z];
    }
    if (again) return;
    this.batches = [];
    this.views = [];
    this.tiles_ = this.bytes = this.records = 0;
  }

  /** The tiles of zoom z in x, y order. */
  private *tileOrder(z: number, zoom: Map<number | string, unknown>): Generator<{ key: number | string; x: number; y: number }> {
    const h = this.o.matrixHeightZ0 * 2 ** z;
    if (typeof this.key(z, 0, 0) === 'number') {
      // Numeric keys x · h + y with y < h sort as (x, y) do: a typed array's sort, no object per tile.
      const keys = Float64Array.from(zoom.keys() as Iterable<number>).sort();
      for (const key of keys) yield { key, x: Math.floor(key / h), y: key % h };
      return;
    }
    const entries = [...(zoom.keys() as Iterable<string>)].map((key) => {
      const [x, y] = key.split('/').map(Number);
      return { key, x, y };
    });
    entries.sort((a, b) => a.x - b.x || a.y - b.y);
    yield* entries;
  }

  /** Batch numbers in record order, and each batch's place in it (see rankBatches). */
  private order: number[] = [];
  private rank: number[] = [];

  /**
   * Every batch holds one layer's features in input order, and batches never overlap in input
   * order. So a tile's records sort by (layer, seq) exactly when they sort by (their batch's place
   * among batches, offset in the batch): one ranking of the batches, then plain numbers to sort.
   */
  private rankBatches(): void {
    const first = (b: number) => ({ b, layer: this.views[b].getUint16(AT_LAYER, true), seq: this.views[b].getFloat64(AT_SEQ, true) });
    const sorted = this.batches.map((_, b) => first(b)).sort((p, q) => p.layer - q.layer || p.seq - q.seq);
    this.order = sorted.map((e) => e.b);
    this.rank = new Array<number>(this.batches.length);
    sorted.forEach((e, i) => (this.rank[e.b] = i));
  }

  private gather(refs: number | number[]): Uint8Array {
    if (typeof refs === 'number') {
      const b = Math.floor(refs / REF_BATCH), pos = refs % REF_BATCH;
      const out = new Uint8Array(this.views[b].getUint32(pos + AT_LENGTH, true));
      this.batches[b].copy(out, 0, pos, pos + out.length);
      return out;
    }
    // Keys in record order: rank · 2^32 + offset (below 2^53). Arrival order is usually right already.
    const keys = new Float64Array(refs.length);
    let sorted = true;
    let size = 0;
    for (let i = 0; i < refs.length; i++) {
      const b = Math.floor(refs[i] / REF_BATCH), pos = refs[i] % REF_BATCH;
      keys[i] = this.rank[b] * REF_BATCH + pos;
      if (i > 0 && keys[i] < keys[i - 1]) sorted = false;
      size += this.views[b].getUint32(pos + AT_LENGTH, true);
    }
    if (!sorted) keys.sort();
    const out = new Uint8Array(size);
    let o = 0;
    for (let i = 0; i < keys.length; i++) {
      const b = this.order[Math.floor(keys[i] / REF_BATCH)], pos = keys[i] % REF_BATCH;
      const len = this.views[b].getUint32(pos + AT_LENGTH, true);
      this.batches[b].copy(out, o, pos, pos + len);
      o += len;
    }
    return out;
  }

  /** Writes everything in memory, sorted, as one run file. */
  private spill(): void {
    if (!this.dir) {
      // Named after this process (see temporaries.ts): a later run removes it if we die before dispose().
      const dir = join(this.o.tempDir ?? tmpdir(), ownedName(SPILL_PREFIX));
      mkdirSync(dir);
      this.dir = dir;
    }
    const path = join(this.dir, `run-${this.runs.length}.bin`);
    const out = new RunWriter(path);
    try {
      for (const t of this.memoryTiles()) {
        out.tile(t.records.length, t.count);
        out.record(t.records);
      }
    } finally {
      out.close();
      this.spilledBytes += out.bytes;
    }
    this.runs.push(path);
  }

  async *tiles(again = false): AsyncIterable<TileRecords> {
    if (this.runs.length === 0) {
      yield* this.memoryTiles(again);
      return;
    }
    // Run files can be merged as often as asked.
    if (this.bytes > 0) this.spill();
    // Few enough runs to open at once: the list is kept, so that a second reading (again) finds them.
    const dir = this.dir!;
    this.runs = reduceRuns(this.runs, () => join(dir, `merge-${this.merges++}.bin`));
    yield* mergeRuns(this.runs, this.o.giantTileBytes ?? DEFAULTS.giantTileBytes);
  }

  dispose(): void {
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      releaseName(this.dir);
    }
    this.dir = undefined;
  }
}
