// Merges the sorted run files a spilling tile store wrote back into one stream of tiles.
//
// Memory is bounded by the number of files open at once, not by the number of runs: each open run
// holds a read buffer, so a huge input that spilled hundreds of runs would otherwise hold hundreds
// of buffers (and file descriptors). Past MERGE_FAN_IN runs, groups of them are first merged into
// longer runs on disk (a multi-level merge, as external sorts do), until few enough are left to
// merge in one pass. The smallest record among the open runs comes from a binary heap: log2(k)
// comparisons a record instead of k.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { AT_LENGTH, AT_X, AT_Y, AT_Z, ByteWriter, compareRecords } from './fragment-codec.js';
import type { TileRecords } from './tile-store.js';

/** Runs open at once. 16 × READ_BUFFER = 32 MiB of read buffers, whatever the input's size. */
export const MERGE_FAN_IN = 16;
const READ_BUFFER = 2 << 20;
/** Writes of an intermediate run are gathered into blocks of this size. */
const WRITE_BUFFER = 4 << 20;

/** Reads one run file record by record through a buffer. */
class RunReader {
  private fd: number;
  private buf = new Uint8Array(READ_BUFFER);
  view = new DataView(this.buf.buffer);
  pos = 0;
  private end = 0;
  private eof = false;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.fill();
  }

  /** Makes sure the whole current record is in the buffer; false at the end of the file. */
  private fill(): boolean {
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
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return this.end - this.pos >= n;
  }

  get done(): boolean {
    return this.end - this.pos < 4;
  }
  current(): Uint8Array {
    return this.buf.subarray(this.pos, this.pos + this.view.getUint32(this.pos + AT_LENGTH, true));
  }
  next(): void {
    this.pos += this.view.getUint32(this.pos + AT_LENGTH, true);
    if (!this.fill() && this.end - this.pos > 0) throw new Error('truncated run file');
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** A min-heap of run readers keyed by their current record. */
class RunHeap {
  private readonly h: RunReader[] = [];

  constructor(readers: RunReader[]) {
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
 * Merges runs into one longer run at `out`, record by record; the inputs are deleted once merged,
 * so the disk holds each record about once (plus the group being merged).
 */
function mergeInto(paths: string[], out: string): void {
  const readers = paths.map((p) => new RunReader(p));
  const fd = openSync(out, 'w');
  const w = new ByteWriter(WRITE_BUFFER);
  try {
    const heap = new RunHeap(readers);
    while (heap.size) {
      const r = heap.top();
      const rec = r.current();
      if (w.pos + rec.length > w.buf.length && w.pos > 0) {
        writeSync(fd, w.buf, 0, w.pos);
        w.pos = 0;
      }
      if (rec.length >= w.buf.length) writeSync(fd, rec);
      else w.bytes(rec);
      r.next();
      heap.advanced();
    }
    if (w.pos > 0) writeSync(fd, w.buf, 0, w.pos);
  } finally {
    closeSync(fd);
    for (const r of readers) r.close();
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

/** Tiles in z, x, y order from at most MERGE_FAN_IN sorted run files (see reduceRuns). */
export function* mergeRuns(runs: readonly string[]): Generator<TileRecords> {
  if (runs.length > MERGE_FAN_IN) throw new Error(`${runs.length} runs to merge at once: reduceRuns first`);
  const readers = runs.map((p) => new RunReader(p));
  try {
    const heap = new RunHeap(readers);
    // A tile's records are copied straight into one buffer: a zoom-0 tile may hold millions.
    const out = new ByteWriter(1 << 16);
    let count = 0;
    let z = -1, x = 0, y = 0;
    while (heap.size) {
      const r = heap.top();
      const v = r.view, p = r.pos;
      const rz = v.getUint8(p + AT_Z), rx = v.getFloat64(p + AT_X, true), ry = v.getFloat64(p + AT_Y, true);
      if (count && (rz !== z || rx !== x || ry !== y)) {
        yield { z, x, y, records: out.finish(), count };
        out.pos = 0;
        count = 0;
        out.shrink(16 << 20); // after a huge low-zoom tile
      }
      z = rz;
      x = rx;
      y = ry;
      out.bytes(r.current());
      count++;
      r.next();
      heap.advanced();
    }
    if (count) yield { z, x, y, records: out.finish(), count };
  } finally {
    for (const r of readers) r.close();
  }
}
