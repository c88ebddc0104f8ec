// Merges the sorted run files a spilling tile store wrote back into one stream of tiles.
//
// Memory is bounded by the number of files open at once, not by the number of runs: each open run
// holds a read buffer, so a huge input that spilled hundreds of runs would otherwise hold hundreds
// of buffers (and file descriptors). Past MERGE_FAN_IN runs, groups of them are first merged into
// longer runs on disk (a multi-level merge, as external sorts do), until few enough are left to
// merge in one pass. The smallest record among the open runs comes from a binary heap: log2(k)
// comparisons a record instead of k.
//
// A run file is its tiles in order, each a group: u32 bytes of its records, u32 record count, then
// the records. The merge reads those sizes before it copies a tile, so each tile it hands out is
// allocated once at its exact size: a zoom-0 tile of ten million points is hundreds of megabytes,
// and growing a buffer by doubling would hold up to twice that, plus the exact copy handed on.
//
// A tile larger still is not copied at all (`giantBytes`): the merge hands out where its records lie
// in the run files (RunGroup) and skips them, and the encoding thread reads them itself, in order,
// through a small buffer per run (groupRecords). The zoom-0 tile of 10x the cities is 184 MB of
// records; gathered, it was the build's peak (851 MB against a 650 MB plateau while reading).
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { AT_LENGTH, AT_X, AT_Y, AT_Z, ByteWriter, compareRecords } from './fragment-codec.js';
import type { TileRecords } from './tile-store.js';

/** Runs open at once. 16 × READ_BUFFER = 32 MiB of read buffers, whatever the input's size. */
export const MERGE_FAN_IN = 16;
const READ_BUFFER = 2 << 20;
/** A giant tile's group is read through a smaller buffer: up to MERGE_FAN_IN of them at once. */
export const GROUP_READ_BUFFER = 1 << 20;
/** Writes of a run are gathered into blocks of this size: tiles are mostly small. */
const WRITE_BUFFER = 4 << 20;
/** Each tile's group in a run file starts with its records' bytes and count (u32 each). */
const GROUP_HEADER = 8;

/** Writes one run file, tile after tile in z, x, y order (each tile's records sorted). */
export class RunWriter {
  private readonly fd: number;
  private readonly w = new ByteWriter(WRITE_BUFFER);
  /** Bytes of records written (group headers not counted). */
  bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Starts a tile of `count` records, `bytes` long in all; record() then takes them. */
  tile(bytes: number, count: number): void {
    this.room(GROUP_HEADER);
    this.w.u32(bytes);
    this.w.u32(count);
    this.bytes += bytes;
  }

  /** One or more records of the current tile. */
  record(rec: Uint8Array): void {
    const w = this.w;
    this.room(rec.length);
    if (rec.length >= w.buf.length) writeSync(this.fd, rec);
    else w.bytes(rec);
  }

  private room(n: number): void {
    const w = this.w;
    if (w.pos + n > w.buf.length && w.pos > 0) {
      writeSync(this.fd, w.buf, 0, w.pos);
      w.pos = 0;
    }
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    try {
      if (this.w.pos > 0) writeSync(this.fd, this.w.buf, 0, this.w.pos);
    } finally {
      closeSync(this.fd);
    }
  }
}

/** Where one run file holds a tile's records: `bytes` from `offset`, `count` records (serializable). */
export interface RunGroup {
  path: string;
  offset: number;
  bytes: number;
  count: number;
}

/** Reads one run file record by record through a buffer; or only one group of it. */
class RunReader {
  private fd: number;
  private buf: Uint8Array;
  view: DataView;
  pos = 0;
  private end = 0;
  private eof = false;
  /** File offset of the buffer's end: where the next read starts. */
  private filePos = 0;
  /** Where reading stops: the file's end, or the end of the one group read. */
  private readonly limit: number;
  private readonly group: boolean;
  /** The current record's tile in this run: bytes and records in all (as its group header says). */
  tileBytes = 0;
  tileCount = 0;
  /** Bytes of the current tile's group from the current record on. */
  private left = 0;

  constructor(readonly path: string, group?: RunGroup) {
    this.group = group !== undefined;
    this.buf = new Uint8Array(group ? Math.min(GROUP_READ_BUFFER, group.bytes) : READ_BUFFER);
    this.view = new DataView(this.buf.buffer);
    this.limit = group ? group.offset + group.bytes : Infinity;
    if (group) {
      this.filePos = group.offset;
      this.tileBytes = this.left = group.bytes;
      this.tileCount = group.count;
    }
    this.fd = openSync(path, 'r');
    try {
      this.fill();
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  /** File offset of the current record. */
  get offset(): number {
    return this.filePos - (this.end - this.pos);
  }

  /** Makes sure the whole current record is in the buffer (after a group's header); false at the end of the file. */
  private fill(): boolean {
    if (this.left === 0) {
      if (this.group) return false;
      if (!this.need(GROUP_HEADER)) {
        if (this.end > this.pos) throw new Error('truncated run file');
        return false;
      }
      this.tileBytes = this.left = this.view.getUint32(this.pos, true);
      this.tileCount = this.view.getUint32(this.pos + 4, true);
      this.pos += GROUP_HEADER;
      if (this.left === 0) throw new Error('corrupt run file: an empty tile');
    }
    if (!this.need(4)) return false;
    return this.need(this.view.getUint32(this.pos + AT_LENGTH, true));
  }

  private need(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.end -= this.pos;
      this.pos = 0;
    }
    if (n > this.buf.length) {
      // One record larger than the buffer (a feature with a huge geometry in one tile).
      const next = new Uint8Array(Math.max(n, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.end));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    while (!this.eof && this.end < n) {
      const got = readSync(this.fd, this.buf, this.end, Math.min(this.buf.length - this.end, this.limit - this.filePos), this.filePos);
      if (got === 0) this.eof = true;
      this.end += got;
      this.filePos += got;
    }
    return this.end - this.pos >= n;
  }

  /** Passes over the rest of the current tile's group without reading it (its first record read). */
  skipGroup(): void {
    const buffered = this.end - this.pos;
    if (this.left <= buffered) this.pos += this.left;
    else {
      this.filePos += this.left - buffered;
      this.pos = this.end = 0;
    }
    this.left = 0;
    if (!this.fill() && this.end - this.pos > 0) throw new Error('truncated run file');
  }

  get done(): boolean {
    return this.end - this.pos < 4;
  }
  current(): Uint8Array {
    return this.buf.subarray(this.pos, this.pos + this.view.getUint32(this.pos + AT_LENGTH, true));
  }
  /** True when the current record lies in tile z/x/y. */
  holds(z: number, x: number, y: number): boolean {
    const v = this.view, p = this.pos;
    return v.getUint8(p + AT_Z) === z && v.getFloat64(p + AT_X, true) === x && v.getFloat64(p + AT_Y, true) === y;
  }
  next(): void {
    const length = this.view.getUint32(this.pos + AT_LENGTH, true);
    if (length > this.left) throw new Error('corrupt run file: a record past its tile');
    this.pos += length;
    this.left -= length;
    if (!this.fill() && this.end - this.pos > 0) throw new Error('truncated run file');
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** A reader for each; when one cannot be opened, those already open are closed (no descriptor left behind). */
function openAll<T>(items: readonly T[], open: (item: T) => RunReader): RunReader[] {
  const readers: RunReader[] = [];
  try {
    for (const item of items) readers.push(open(item));
  } catch (e) {
    for (const r of readers) r.close();
    throw e;
  }
  return readers;
}

/** A min-heap of run readers keyed by their current record. */
class RunHeap {
  private readonly h: RunReader[] = [];

  constructor(readers: RunReader[]) {
    this.rebuild(readers);
  }

  /** Orders the readers anew (after some of them moved on their own: skipGroup). */
  rebuild(readers: RunReader[]): void {
    this.h.length = 0;
    for (const r of readers) if (!r.done) this.h.push(r);
    for (let i = (this.h.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.h.length;
  }
  /** The reader holding the smallest record. */
  top(): RunReader {
    return this.h[0];
  }
  /** After top() moved to its next record: restores the order, dropping it when exhausted. */
  advanced(): void {
    if (this.h[0].done) {
      const last = this.h.pop()!;
      if (this.h.length === 0) return;
      this.h[0] = last;
    }
    this.down(0);
  }

  private less(a: RunReader, b: RunReader): boolean {
    return compareRecords(a.view, a.pos, b.view, b.pos) < 0;
  }
  private down(i: number): void {
    const h = this.h, n = h.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(h[l], h[m])) m = l;
      if (r < n && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

/**
 * The merged tiles of open runs, in order: for each, its z/x/y, bytes and record count; `take` then
 * gets each of its records in order (a view valid until the next record is taken). A tile of
 * `giantBytes` or more comes with its groups instead, and `take` gets none of it.
 */
function* mergedTiles(
  readers: RunReader[],
  take: (rec: Uint8Array) => void,
  giantBytes = Infinity,
): Generator<{ z: number; x: number; y: number; bytes: number; count: number; groups?: RunGroup[] }> {
  const heap = new RunHeap(readers);
  while (heap.size) {
    const top = heap.top();
    const v = top.view, p = top.pos;
    const z = v.getUint8(p + AT_Z), x = v.getFloat64(p + AT_X, true), y = v.getFloat64(p + AT_Y, true);
    // The tile begins: every run that holds it is at the first of its records, its group's header read.
    let bytes = 0, count = 0;
    for (const r of readers) {
      if (!r.done && r.holds(z, x, y)) {
        bytes += r.tileBytes;
        count += r.tileCount;
      }
    }
    if (bytes >= giantBytes) {
      const groups: RunGroup[] = [];
      for (const r of readers) {
        if (r.done || !r.holds(z, x, y)) continue;
        groups.push({ path: r.path, offset: r.offset, bytes: r.tileBytes, count: r.tileCount });
        r.skipGroup();
      }
      heap.rebuild(readers);
      yield { z, x, y, bytes, count, groups };
      continue;
    }
    yield { z, x, y, bytes, count };
    // Its records are the smallest left in every run, so the heap gives all of them next.
    for (let i = 0; i < count; i++) {
      const r = heap.top();
      if (!r?.holds(z, x, y)) throw new Error(`corrupt run file: tile ${z}/${x}/${y} holds fewer records than its headers say`);
      take(r.current());
      r.next();
      heap.advanced();
    }
  }
}

/**
 * Merges runs into one longer run at `out`, record by record; the inputs are deleted once merged,
 * so the disk holds each record about once (plus the group being merged).
 */
function mergeInto(paths: string[], out: string): void {
  const readers = openAll(paths, (p) => new RunReader(p));
  const w = new RunWriter(out);
  try {
    for (const t of mergedTiles(readers, (rec) => w.record(rec))) w.tile(t.bytes, t.count);
  } finally {
    try {
      w.close();
    } finally {
      for (const r of readers) r.close();
    }
  }
  for (const p of paths) rmSync(p, { force: true });
}

/**
 * Merges runs `fanIn` at a time into longer ones until at most `fanIn` are left, and returns those
 * (the merged ones are deleted). The oldest runs go first and each output joins the end of the
 * queue, so every record goes through about log_fanIn(runs) merges. A store that reads its tiles
 * more than once keeps the returned list: the next reading starts from there.
 */
export function reduceRuns(paths: readonly string[], scratch: (i: number) => string, fanIn = MERGE_FAN_IN): string[] {
  let runs = [...paths];
  let made = 0;
  while (runs.length > fanIn) {
    const out = scratch(made++);
    mergeInto(runs.slice(0, fanIn), out);
    runs = [...runs.slice(fanIn), out];
  }
  return runs;
}

/**
 * Tiles in z, x, y order from at most MERGE_FAN_IN sorted run files (see reduceRuns). A tile of
 * `giantBytes` of records or more comes as its groups in the run files, with no records: the files
 * must then stay until it has been read (groupRecords).
 */
export function* mergeRuns(runs: readonly string[], giantBytes = Infinity): Generator<TileRecords> {
  if (runs.length > MERGE_FAN_IN) throw new Error(`${runs.length} runs to merge at once: reduceRuns first`);
  const readers = openAll(runs, (p) => new RunReader(p));
  try {
    // Each tile's records go straight into one buffer of the size the runs' group headers give.
    let out = new Uint8Array(0);
    let o = 0;
    const take = (rec: Uint8Array) => {
      out.set(rec, o);
      o += rec.length;
    };
    let last: TileRecords | undefined;
    for (const t of mergedTiles(readers, take, giantBytes)) {
      if (last) yield finished(last, o);
      last = undefined;
      if (t.groups) {
        yield { z: t.z, x: t.x, y: t.y, records: new Uint8Array(0), count: t.count, groups: t.groups };
        continue;
      }
      out = new Uint8Array(t.bytes);
      o = 0;
      last = { z: t.z, x: t.x, y: t.y, records: out, count: t.count };
    }
    if (last) yield finished(last, o);
  } finally {
    for (const r of readers) r.close();
  }
}

function finished(t: TileRecords, filled: number): TileRecords {
  if (filled !== t.records.length) throw new Error(`corrupt run file: tile ${t.z}/${t.x}/${t.y} holds ${filled} bytes, its headers say ${t.records.length}`);
  return t;
}

/**
 * A giant tile's records, in order, read from its groups in the run files (a view each, valid until
 * the next is asked for); checks that the groups hold what their headers said.
 */
export function* groupRecords(groups: readonly RunGroup[]): Generator<Uint8Array> {
  const readers = openAll(groups, (g) => new RunReader(g.path, g));
  try {
    const heap = new RunHeap(readers);
    let n = 0;
    while (heap.size) {
      const r = heap.top();
      yield r.current();
      r.next();
      heap.advanced();
      n++;
    }
    const count = groups.reduce((sum, g) => sum + g.count, 0);
    if (n !== count) throw new Error(`corrupt run file: a tile's groups hold ${n} records, their headers say ${count}`);
  } finally {
    for (const r of readers) r.close();
  }
}

/** Bytes of records in a giant tile's groups. */
export const groupBytes = (groups: readonly RunGroup[]) => groups.reduce((sum, g) => sum + g.bytes, 0);

/** A tile's records in one buffer: its own, or those of its groups gathered (see mergeRuns). */
export function tileRecords(t: { records: Uint8Array; groups?: readonly RunGroup[] }): Uint8Array {
  if (!t.groups) return t.records;
  const out = new Uint8Array(groupBytes(t.groups));
  let o = 0;
  for (const rec of groupRecords(t.groups)) {
    out.set(rec, o);
    o += rec.length;
  }
  if (o !== out.length) throw new Error(`corrupt run file: a tile's groups hold ${o} bytes, their headers say ${out.length}`);
  return out;
}
