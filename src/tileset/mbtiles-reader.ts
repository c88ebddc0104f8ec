// Reads an MBTiles file (what writers/mbtiles.ts, GDAL, tippecanoe write): the `metadata` rows and
// the `tiles` table or view, rows counted from the bottom (TMS) and turned back into XYZ rows.
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { matrixSize } from '../scheme/tiling-scheme.js';
import { parseTilesetMetadata } from './metadata.js';
import type { StoredTile, Tileset } from './tileset.js';

// The part of better-sqlite3 used here (it ships no types; see writers/mbtiles.ts).
interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface Database {
  prepare(source: string): Statement;
  close(): unknown;
}
type DatabaseConstructor = new (filename: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => Database;

interface TileRow {
  z: number;
  x: number;
  row: number;
  data: Buffer | null;
}

export async function openMbtilesTileset(path: string): Promise<Tileset> {
  const file = resolve(path);
  const specifier: string = 'better-sqlite3';
  const Db = ((await import(specifier)) as { default: DatabaseConstructor }).default;
  let db: Database;
  const raw: Record<string, unknown> = {};
  try {
    db = new Db(file, { readonly: true, fileMustExist: true });
    for (const r of db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: unknown }[]) raw[r.name] = r.value;
    db.prepare('SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0').all();
  } catch (e) {
    throw new InputError(`not a readable MBTiles file: ${(e as Error).message}`, file);
  }
  const info = parseTilesetMetadata(raw);
  if (!Object.keys(raw).length) info.problems.push('the metadata table is empty: WebMercatorQuad assumed');
  // Rows count from the bottom of the matrix: row = height(z) - 1 - y.
  const height = (z: number) => matrixSize(info.scheme, z).height;
  const select = 'SELECT zoom_level AS z, tile_column AS x, tile_row AS row, tile_data AS data FROM tiles';

  async function* tiles(options: { zoom?: number } = {}): AsyncGenerator<StoredTile> {
    const rows = options.zoom === undefined
      ? db.prepare(`${select} ORDER BY zoom_level, tile_column, tile_row DESC`).iterate()
      : db.prepare(`${select} WHERE zoom_level = ? ORDER BY tile_column, tile_row DESC`).iterate(options.zoom);
    for (const r of rows as IterableIterator<TileRow>) {
      yield { z: r.z, x: r.x, y: height(r.z) - 1 - r.row, data: r.data ?? new Uint8Array(0) };
    }
  }

  return {
    path: file,
    format: 'mbtiles',
    info,
    tiles,
    async tileCounts() {
      const rows = db.prepare('SELECT zoom_level AS z, count(*) AS n FROM tiles GROUP BY zoom_level ORDER BY zoom_level').all() as { z: number; n: number }[];
      return new Map(rows.map((r) => [r.z, r.n]));
    },
    async readTile(z, x, y) {
      const r = db.prepare('SELECT tile_data AS data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?').get(z, x, height(z) - 1 - y) as { data: Buffer } | undefined;
      return r?.data ?? undefined;
    },
    async close() {
      db.close();
    },
  };
}
