// An MBTiles 1.3 file (SQLite), built under a temporary sibling name and renamed into place.
// Layout and metadata rows follow GDAL's MBTiles vector writer (ogrmvtdataset.cpp, GenerateMetadata)
// so that `ogrinfo x.mbtiles` reads it like GDAL's own output; deduplication follows mbutil/tippecanoe.
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { InputError, UsageError } from '../errors.js';
import { isWebMercatorQuad } from '../scheme/tiling-scheme.js';
import { describeTileset } from '../describe/descriptors.js';
import { FileOutput } from './file-output.js';
import { gdalStringify, type JsonValue } from './gdal-json.js';
import { loadDatabase } from './mbtiles-file.js';
import type { FromWriter, ToWriter } from './mbtiles-thread.js';
import { vectorLayersJson, type TilesetMetadata } from './metadata.js';
import type { TileRun, TileSink } from './sink.js';

export interface MbtilesOptions {
  /** Replace an existing output file. Default false. */
  force?: boolean;
  /** Store identical tiles once (`map` + `images` behind a `tiles` view, as mbutil and tippecanoe). Default true. */
  dedupe?: boolean;
}

/** Tiles (or bytes) gathered before one batch goes to the writer thread, as one transaction. */
const FLUSH_TILES = 10_000;
const FLUSH_BYTES = 64 << 20;
/** The writer thread's module, beside this one (built: a Worker is started from JavaScript). */
const WRITER_THREAD = new URL('./mbtiles-thread.js', import.meta.url);

/** Batches posted and not yet written: past this, put() waits (memory stays bounded). */
const BATCHES_IN_FLIGHT = 2;

/**
 * SQLite keeps a file's journal beside it by name and applies whatever it finds there when the file
 * is next opened, so the old file's journal — left by a writer that was killed, or still held by one
 * that never checkpointed — would be replayed into our new file: tiles gone, the old name back.
 * FileOutput removes them beside the output before the move and, in case a live writer made them
 * again, after.
 */
const SQLITE_SIDECARS = ['-journal', '-wal', '-shm'];

export class MbtilesSink implements TileSink {
  readonly path: string;
  private readonly dedupe: boolean;
  private readonly file: FileOutput;
  /** The writer thread, which owns the SQLite connection (mbtiles-thread.ts). */
  private writer: Worker | undefined;
  /** Answers the writer owes, in order: one per message posted. */
  private waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private inFlight = 0;
  /** Runs gathered for the next batch, and their tiles and bytes. */
  private runs: TileRun[] = [];
  private runTiles = 0;
  private runBytes = 0;
  /** Tiles of put() not yet gathered into a run. */
  private single: { z: number; x: number; y: number; data: Uint8Array }[] = [];
  private singleBytes = 0;
  /** Tiles inserted, to check the file once it is in place. */
  private tileCount = 0;
  /** The first failed put(): the tileset is incomplete and must not be committed. */
  private failure: Error | undefined;

  constructor(path: string, options: MbtilesOptions = {}) {
    this.file = new FileOutput(path, options.force ?? false, 'an .mbtiles file', SQLITE_SIDECARS);
    this.path = this.file.path;
    this.dedupe = options.dedupe ?? true;
  }

  /** The temporary file while building (for cleanup on signals). */
  get tempPath(): string {
    return this.file.temp;
  }

  /** Temporaries of earlier, dead builds of this output that open() removed. */
  get staleRemoved(): number {
    return this.file.staleRemoved;
  }

  async open(): Promise<void> {
    loadDatabase(); // a missing native module is said before anything is made
    const temp = await this.file.open();
    try {
      const writer = new Worker(WRITER_THREAD, { workerData: { path: temp, dedupe: this.dedupe } });
      this.writer = writer;
      writer.on('message', (m: FromWriter) => {
        const w = this.waiting.shift();
        if (m.kind === 'ok') w?.resolve();
        else w?.reject(new Error(m.message));
      });
      writer.on('error', (e) => this.failAll(e));
      writer.on('exit', () => this.failAll(new Error('the MBTiles writer thread exited')));
      await this.answer(); // the file and its tables are made
    } catch (e) {
      await this.abort();
      throw new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    }
  }

  /** The next answer of the writer thread. */
  private answer(): Promise<void> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  private post(m: ToWriter, transfer: ArrayBuffer[] = []): Promise<void> {
    const answered = this.answer();
    this.writer!.postMessage(m, transfer);
    return answered;
  }

  async put(z: number, x: number, y: number, data: Uint8Array): Promise<void> {
    if (!this.writer) throw new Error('MbtilesSink.put() before open()');
    if (this.failure) throw this.failure;
    try {
      inGrid(z, x, y);
      // The bytes are copied: put() resolves before they are written, and the caller may reuse its
      // buffer (or it may be a view of a big one).
      this.single.push({ z, x, y, data: Buffer.from(data) });
      this.singleBytes += data.byteLength;
      if (this.single.length >= 1000) await this.gather(this.singleRun());
    } catch (e) {
      throw this.failed(e);
    }
  }

  async putRun(run: TileRun): Promise<void> {
    if (!this.writer) throw new Error('MbtilesSink.putRun() before open()');
    if (this.failure) throw this.failure;
    try {
      for (let i = 0; i < run.index.length; i += 5) inGrid(run.index[i], run.index[i + 1], run.index[i + 2]);
      await this.gather(run);
    } catch (e) {
      throw this.failed(e);
    }
  }

  /** Remembered so that commit() refuses a file with tiles missing even if the caller lost this rejection. */
  private failed(e: unknown): Error {
    this.failure ??= e instanceof UsageError ? e : new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    return this.failure;
  }

  /** The tiles of put() gathered as one run. */
  private singleRun(): TileRun {
    const data = new Uint8Array(this.singleBytes);
    const index: number[] = [];
    let at = 0;
    for (const t of this.single) {
      data.set(t.data, at);
      index.push(t.z, t.x, t.y, at, t.data.length);
      at += t.data.length;
    }
    this.single = [];
    this.singleBytes = 0;
    return { data, index };
  }

  private async gather(run: TileRun): Promise<void> {
    this.runs.push(run);
    this.runTiles += run.index.length / 5;
    this.runBytes += run.data.byteLength;
    if (this.runTiles >= FLUSH_TILES || this.runBytes >= FLUSH_BYTES) await this.flush();
  }

  /**
   * Posts the gathered runs to the writer thread, their buffers moved, not copied; waits while
   * BATCHES_IN_FLIGHT are still being written.
   */
  private async flush(): Promise<void> {
    if (this.single.length) this.runs.push(this.singleRun());
    if (!this.runs.length) return;
    const runs = this.runs;
    this.runs = [];
    for (const r of runs) this.tileCount += r.index.length / 5;
    this.runTiles = this.runBytes = 0;
    const transfer = new Set<ArrayBuffer>();
    for (const r of runs) {
      for (const a of [r.data, r.keys]) if (a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) transfer.add(a.buffer);
    }
    this.inFlight++;
    const written = this.post({ kind: 'tiles', runs }, [...transfer]);
    const settled = written.finally(() => this.inFlight--);
    settled.catch((e: Error) => (this.failure ??= new InputError(`cannot write output: ${e.message}`, this.path)));
    if (this.inFlight > BATCHES_IN_FLIGHT) await settled.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  async commit(metadata: TilesetMetadata): Promise<void> {
    if (!this.writer) throw new Error('MbtilesSink.commit() before open()');
    if (!isWebMercatorQuad(metadata.scheme)) {
      throw new UsageError('MBTiles holds only the WebMercatorQuad tiling scheme (GDAL refuses TILING_SCHEME with MBTiles too)');
    }
    if (this.failure) throw this.failure;
    try {
      await this.flush();
      await this.post({ kind: 'finish', rows: [...metadataRows(metadata), ...descriptorRows(metadata)] }); // answered after every batch before it
    } catch (e) {
      throw this.failure ?? new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    }
    await this.stopWriter();
    await this.file.place();
    try {
      await this.check(metadata.name);
    } finally {
      await this.file.release();
    }
  }

  /**
   * Reads the file back where it now is: SQLite's integrity check, every tile there and our name in
   * the metadata. A file that fails is removed rather than left for readers to take as good.
   */
  private async check(name: string): Promise<void> {
    const Database = loadDatabase();
    let problem: string | undefined;
    try {
      const db = new Database(this.path, { readonly: true, fileMustExist: true });
      try {
        const integrity = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
        const tiles = (db.prepare(`SELECT count(*) AS n FROM ${this.dedupe ? 'map' : 'tiles'}`).get() as { n: number }).n;
        const row = db.prepare("SELECT value FROM metadata WHERE name = 'name'").get() as { value: string } | undefined;
        if (integrity.join() !== 'ok') problem = `SQLite's quick_check: ${integrity.slice(0, 3).join('; ')}`;
        else if (tiles !== this.tileCount) problem = `${tiles} tiles where ${this.tileCount} were written`;
        else if (row?.value !== name) problem = `name "${row?.value}" where "${name}" was written`;
      } finally {
        db.close();
      }
    } catch (e) {
      problem = (e as Error).message;
    }
    if (problem === undefined) return;
    await this.file.withdraw();
    throw new InputError(
      `the file in place does not read back as written (${problem}), so it was removed: is another process writing it? Stop that process and build again`,
      this.path,
    );
  }

  /** The committed file's size: what a tileset of one file takes on disk. */
  async diskBytes(): Promise<number> {
    return (await stat(this.path)).size;
  }

  /**
   * Ends the writer thread. After `finish` the file is complete and closed; on abort, whatever it was
   * doing is cut short and the temporary file removed.
   */
  private async stopWriter(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    this.writer = undefined;
    writer.removeAllListeners('exit');
    await writer.terminate();
    this.failAll(new Error('the MBTiles sink was closed'));
  }

  async abort(): Promise<void> {
    this.runs = [];
    this.single = [];
    try {
      await this.stopWriter();
    } finally {
      // journal_mode is OFF, but SQLite's side files go too in case a failure came before the pragma.
      await this.file.discard();
    }
  }
}

/** MBTiles holds the WebMercatorQuad grid, whose zoom z is 2^z tiles square. */
function inGrid(z: number, x: number, y: number): void {
  const n = 2 ** z;
  if (!(x >= 0 && x < n && y >= 0 && y < n)) throw new UsageError(`MBTiles holds only the WebMercatorQuad grid: tile ${z}/${x}/${y} is outside it`);
}

const f7 = (n: number) => n.toFixed(7);

/**
 * The metadata rows in GDAL's order. Values are text; `version` is "2" and `scheme` "tms" as GDAL
 * writes them, `json` is the same string as the `json` key of metadata.json.
 */
export function metadataRows(m: TilesetMetadata): [string, string][] {
  const [minX, minY, maxX, maxY] = m.bounds;
  const center = m.center ?? [(minX + maxX) / 2, (minY + maxY) / 2, m.minzoom];
  return [
    ['name', m.name],
    ['description', m.description],
    ['version', '2'],
    ['minzoom', String(m.minzoom)],
    ['maxzoom', String(m.maxzoom)],
    ['center', `${f7(center[0])},${f7(center[1])},${Math.trunc(center[2])}`],
    ['bounds', m.bounds.map(f7).join(',')],
    ['type', m.type],
    ['format', 'pbf'],
    ['scheme', 'tms'],
    ['json', gdalStringify(vectorLayersJson(m.layers) as unknown as JsonValue)],
  ];
}

/**
 * The descriptors a directory has as files, here as metadata rows after GDAL's, so the file stays the
 * whole tileset (GDAL reads the rows it knows and ignores these): `attribution` (MBTiles 1.3's own
 * key) when given, then `tilejson`, `tilematrixset` and `tileset` holding those documents as compact
 * JSON text, their URLs relative (`{z}/{x}/{y}.pbf`) unless a base URL was given.
 */
export function descriptorRows(m: TilesetMetadata): [string, string][] {
  const d = describeTileset(m, { extension: 'pbf' });
  const rows: [string, string][] = m.attribution ? [['attribution', m.attribution]] : [];
  rows.push(['tilejson', JSON.stringify(d.tileJson)], ['tilematrixset', JSON.stringify(d.tileMatrixSet)], ['tileset', JSON.stringify(d.tileset)]);
  return rows;
}
