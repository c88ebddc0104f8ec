// A built tileset opened for reading: a {z}/{x}/{y}.EXT directory with metadata.json, an MBTiles file
// or a PMTiles archive. Tiles are listed in z, x, y order and read one at a time, so a tileset of any
// size streams.
import { stat } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import type { TilesetInfo } from './metadata.js';

/** A tile as stored: `data` is what the file or row holds (maybe gzip: see inflateTile). */
export interface StoredTile {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

export interface Tileset {
  readonly path: string;
  readonly format: 'directory' | 'mbtiles' | 'pmtiles';
  readonly info: TilesetInfo;
  /** Every tile, in z, x, y order (XYZ rows, counted from the top); only zoom `zoom` when given. */
  tiles(options?: { zoom?: number }): AsyncIterable<StoredTile>;
  /** Tiles per zoom level, zooms ascending (counted from the listing, no tile read). */
  tileCounts(): Promise<Map<number, number>>;
  /** One tile's stored bytes, undefined when it was not written. */
  readTile(z: number, x: number, y: number): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

/**
 * Opens a tileset directory, .mbtiles or .pmtiles file. A path that does not exist or cannot be read is an
 * InputError; one that is neither a directory nor an SQLite file a UsageError.
 */
export async function openTileset(path: string): Promise<Tileset> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'no such file or directory' : e.message, path);
  });
  if (st.isDirectory()) {
    const { openDirectoryTileset } = await import('./directory-reader.js');
    return openDirectoryTileset(path);
  }
  if (/\.mbtiles$/i.test(path)) {
    const { openMbtilesTileset } = await import('./mbtiles-reader.js');
    return openMbtilesTileset(path);
  }
  if (/\.pmtiles$/i.test(path)) {
    const { openPmtilesTileset } = await import('./pmtiles-reader.js');
    return openPmtilesTileset(path);
  }
  throw new UsageError(`${path}: not a tileset (a directory of {z}/{x}/{y} tiles, an .mbtiles or a .pmtiles file)`);
}
