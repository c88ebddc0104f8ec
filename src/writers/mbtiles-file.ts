// The SQLite side of an MBTiles sink: schema, bulk inserts, metadata and indexes. It runs on the
// sink's own writer thread (mbtiles-thread.ts), so the inserts never hold up the main thread that
// feeds the encoders; better-sqlite3 is synchronous, one connection, one thread.
import { createRequire } from 'node:module';
import { ContentIds, contentKey } from './content-ids.js';
import type { TileRun } from './sink.js';

// The part of better-sqlite3 used here. It ships no types and the package is loaded only when an
// MBTiles file is written, so it is described structurally instead of with @types/better-sqlite3.
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
export interface Database {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): Statement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): unknown;
}
export type DatabaseConstructor = new (filename: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => Database;

/** better-sqlite3 is a native addon: loaded only when an MBTiles file is written or checked. */
export function loadDatabase(): DatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  } catch (e) {
    throw new Error(`MBTiles output needs the better-sqlite3 native module: ${(e as Error).message}`, { cause: e });
  }
}

export class MbtilesFile {
  private readonly db: Database;
  private readonly insert: (runs: TileRun[]) => void;

  constructor(path: string, private readonly dedupe: boolean) {
    const Database = loadDatabase();
    this.db = new Database(path);
    const db = this.db;
    // The file is rebuilt from scratch on any failure, so no journal and no fsync. Page size must be
    // set before the first table; 64 KiB pages suit tile blobs of a few KiB to a few hundred KiB.
    db.pragma('page_size = 65536');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE metadata (name TEXT, value TEXT)');
    if (dedupe) {
      // Images keyed by an integer (the rowid itself: rows appended in order, no second index), found
      // again through ContentIds in memory instead of a text key looked up in SQLite for every tile.
      db.exec(`
        CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id INTEGER);
        CREATE TABLE images (tile_id INTEGER PRIMARY KEY, tile_data BLOB);
        CREATE VIEW tiles AS
          SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, map.tile_row AS tile_row,
                 images.tile_data AS tile_data
          FROM map JOIN images ON images.tile_id = map.tile_id;`);
      const image = db.prepare('INSERT INTO images (tile_id, tile_data) VALUES (?, ?)');
      const stored = db.prepare('SELECT tile_data FROM images WHERE tile_id = ?');
      const map = db.prepare('INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?, ?, ?, ?)');
      const ids = new ContentIds();
      const read = (id: number) => (stored.get(id) as { tile_data: Uint8Array }).tile_data;
      this.insert = db.transaction((runs: TileRun[]) => eachTile(runs, true, (z, x, row, data, key) => {
        const { id, fresh } = ids.idOf(key, data, read);
        if (fresh) image.run(id, data);
        map.run(z, x, row, id);
      }));
    } else {
      db.exec('CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)');
      const tile = db.prepare('INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)');
      this.insert = db.transaction((runs: TileRun[]) => eachTile(runs, false, (z, x, row, data) => void tile.run(z, x, row, data)));
    }
  }

  /** Inserts the runs in one transaction: big transactions make bulk inserts fast. */
  add(runs: TileRun[]): void {
    this.insert(runs);
  }

  /** The metadata rows, then the indexes (built once at the end: much faster than during the inserts). */
  finish(rows: [string, string][]): void {
    const db = this.db;
    const row = db.prepare('INSERT INTO metadata (name, value) VALUES (?, ?)');
    db.transaction(() => {
      for (const [name, value] of rows) row.run(name, value);
    })();
    db.exec(this.dedupe
      ? 'CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row)'
      : 'CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)');
    db.exec('CREATE UNIQUE INDEX name ON metadata (name)');
    this.db.close();
  }
}

/**
 * Each tile of the runs with its TMS row (MBTiles counts rows from the south) and, when `keyed`, its
 * content key (computed here for tiles that came through put(), without one).
 */
function eachTile(runs: TileRun[], keyed: boolean, f: (z: number, x: number, row: number, data: Uint8Array, key: number) => void): void {
  for (const r of runs) {
    for (let i = 0, t = 0; i < r.index.length; i += 5, t++) {
      const z = r.index[i];
      const data = r.data.subarray(r.index[i + 3], r.index[i + 3] + r.index[i + 4]);
      f(z, r.index[i + 1], 2 ** z - 1 - r.index[i + 2], data, !keyed ? 0 : r.keys ? r.keys[t] : contentKey(data));
    }
  }
}
