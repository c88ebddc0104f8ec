// An MBTiles 1.3 file (SQLite), built under a temporary sibling name and renamed into place.
// Layout and metadata rows follow GDAL's MBTiles vector writer (ogrmvtdataset.cpp, GenerateMetadata)
// so that `ogrinfo x.mbtiles` reads it like GDAL's own output; deduplication follows mbutil/tippecanoe.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import { isWebMercatorQuad } from '../scheme/tiling-scheme.js';
import { gdalStringify, type JsonValue } from './gdal-json.js';
import { vectorLayersJson, type TilesetMetadata } from './metadata.js';
import { describeTileset } from '../describe/descriptors.js';
import { FileOutput } from './file-output.js';
import type { TileSink } from './sink.js';

export interface MbtilesOptions {
  /** Replace an existing output file. Default false. */
  force?: boolean;
  /** Store identical tiles once (`map` + `images` behind a `tiles` view, as mbutil and tippecanoe). Default true. */
  dedupe?: boolean;
}

/** Tiles (or bytes) buffered before one transaction writes them: big transactions make bulk inserts fast. */
const FLUSH_TILES = 10_000;
const FLUSH_BYTES = 64 << 20;

// The part of better-sqlite3 used here. It ships no types and the package is loaded only when an
// MBTiles file is written, so it is described structurally instead of with @types/better-sqlite3.
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface Database {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): Statement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): unknown;
}
type DatabaseConstructor = new (filename: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => Database;

interface PendingTile {
  z: number;
  x: number;
  row: number;
  data: Buffer;
}

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
  private db: Database | undefined;
  private insert: ((tiles: PendingTile[]) => void) | undefined;
  private pending: PendingTile[] = [];
  private pendingBytes = 0;
  /** Tiles inserted, to check the file once it is in place. */
  private tileCount = 0;
  /** The first failed put(): the tileset is incomplete and must not be committed. */
  private failure: Error | undefined;

  constructor(path: string, private readonly options: MbtilesOptions = {}) {
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
    const Database = await loadDatabase();
    const temp = await this.file.open();
    try {
      this.db = new Database(temp);
      this.createSchema(this.db);
    } catch (e) {
      await this.abort();
      throw new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    }
  }

  private createSchema(db: Database): void {
    // The file is rebuilt from scratch on any failure, so no journal and no fsync. Page size must be
    // set before the first table; 64 KiB pages suit tile blobs of a few KiB to a few hundred KiB.
    db.pragma('page_size = 65536');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE metadata (name TEXT, value TEXT)');
    if (this.dedupe) {
      db.exec(`
        CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT);
        CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB);
        CREATE VIEW tiles AS
          SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, map.tile_row AS tile_row,
                 images.tile_data AS tile_data
          FROM map JOIN images ON images.tile_id = map.tile_id;`);
      const image = db.prepare('INSERT OR IGNORE INTO images (tile_id, tile_data) VALUES (?, ?)');
      const map = db.prepare('INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?, ?, ?, ?)');
      this.insert = db.transaction((tiles: PendingTile[]) => {
        for (const t of tiles) {
          const id = createHash('sha1').update(t.data).digest('hex');
          image.run(id, t.data);
          map.run(t.z, t.x, t.row, id);
        }
      });
    } else {
      db.exec('CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)');
      const tile = db.prepare('INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)');
      this.insert = db.transaction((tiles: PendingTile[]) => {
        for (const t of tiles) tile.run(t.z, t.x, t.row, t.data);
      });
    }
  }

  async put(z: number, x: number, y: number, data: Uint8Array): Promise<void> {
    if (!this.db) throw new Error('MbtilesSink.put() before open()');
    if (this.failure) throw this.failure;
    try {
      const n = 2 ** z;
      if (!(x >= 0 && x < n && y >= 0 && y < n)) {
        throw new UsageError(`MBTiles holds only the WebMercatorQuad grid: tile ${z}/${x}/${y} is outside it`);
      }
      // MBTiles rows count from the south (TMS): row = 2^z - 1 - y. The bytes are copied: put() resolves
      // before they are written, and the caller may reuse its buffer (or it may be a view of a big one).
      this.pending.push({ z, x, row: n - 1 - y, data: Buffer.from(data) });
      this.pendingBytes += data.byteLength;
      if (this.pending.length >= FLUSH_TILES || this.pendingBytes >= FLUSH_BYTES) this.flush();
    } catch (e) {
      // Remembered so that commit() refuses a file with tiles missing even if the caller lost this rejection.
      this.failure = e instanceof UsageError ? e : new InputError(`cannot write output: ${(e as Error).message}`, this.path);
      throw this.failure;
    }
  }

  /** Writes the buffered tiles in one transaction (better-sqlite3 is synchronous). */
  private flush(): void {
    if (!this.pending.length) return;
    const tiles = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.insert!(tiles);
    this.tileCount += tiles.length;
  }

  async commit(metadata: TilesetMetadata): Promise<void> {
    const db = this.db;
    if (!db) throw new Error('MbtilesSink.commit() before open()');
    if (!isWebMercatorQuad(metadata.scheme)) {
      throw new UsageError('MBTiles holds only the WebMercatorQuad tiling scheme (GDAL refuses TILING_SCHEME with MBTiles too)');
    }
    if (this.failure) throw this.failure;
    try {
      this.flush();
      const row = db.prepare('INSERT INTO metadata (name, value) VALUES (?, ?)');
      db.transaction(() => {
        for (const [name, value] of [...metadataRows(metadata), ...descriptorRows(metadata)]) row.run(name, value);
      })();
      // Indexes built once at the end are much faster than maintained during the bulk insert.
      db.exec(this.dedupe
        ? 'CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row)'
        : 'CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)');
      db.exec('CREATE UNIQUE INDEX name ON metadata (name)');
      db.close();
    } catch (e) {
      throw new InputError(`cannot write output: ${(e as Error).message}`, this.path);
    }
    this.db = undefined;
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
    const Database = await loadDatabase();
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

  async abort(): Promise<void> {
    try {
      this.db?.close();
    } catch {
      // already closed or broken: the file goes anyway
    }
    this.db = undefined;
    this.insert = undefined;
    this.pending = [];
    // journal_mode is OFF, but SQLite's side files go too in case a failure came before the pragma.
    await this.file.discard();
  }
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

/** better-sqlite3 is a native addon: load it only when an MBTiles file is written. */
async function loadDatabase(): Promise<DatabaseConstructor> {
  // A variable specifier keeps TypeScript from looking for type declarations the package lacks.
  const specifier: string = 'better-sqlite3';
  try {
    const mod = (await import(specifier)) as { default: DatabaseConstructor };
    return mod.default;
  } catch (e) {
    throw new Error(`MBTiles output needs the better-sqlite3 native module: ${(e as Error).message}`, { cause: e });
  }
}
