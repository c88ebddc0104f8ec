// The tile sink: where finished tiles go. The pipeline only calls these methods, never `fs`.
import type { TilesetMetadata } from './metadata.js';

export interface TileSink {
  /** Prepares the destination (checks it, makes a temporary place). */
  open(): Promise<void>;
  /** Stores one encoded (and, if asked, compressed) tile. May be called concurrently. */
  put(z: number, x: number, y: number, data: Uint8Array): Promise<void>;
  /**
   * Optional: stores the tiles of one encoding batch at once (instead of a put() each), in order.
   * The caller gives up `run` and its buffers (they may be moved to another thread). Calls are not
   * concurrent: the next comes once this one resolves.
   */
  putRun?(run: TileRun): Promise<void>;
  /** Writes metadata and makes the tileset appear at its final place in one step. */
  commit(metadata: TilesetMetadata): Promise<void>;
  /** Removes everything written so far; the previous output, if any, is left as it was. */
  abort(): Promise<void>;
  /**
   * Optional, called after open(): lets the threads that encode tiles store them themselves, each
   * through its own writer made from this description (a directory: each thread writes its tile
   * files, with no copy to the main thread). put() is then not called. Without it, tiles come back
   * to the main thread and go through put().
   */
  threadWriter?(): ThreadWriterSpec;
  /** Optional: how many temporaries of earlier, killed builds open() removed (for the summary). */
  readonly staleRemoved?: number;
  /**
   * Optional, called after commit(): the bytes the tileset takes on disk (what `du` shows, not the
   * tile payload). `threadBytes` is the sum of what the thread writers' write() returned.
   */
  diskBytes?(threadBytes: number): Promise<number>;
}

/**
 * Tiles back to back in `data`; per tile, `index` holds z, x, y, its offset in `data` and its length.
 * `keys`, when the encoding threads computed them (contentKey), holds each tile's content key.
 */
export interface TileRun {
  data: Uint8Array;
  index: number[];
  keys?: Float64Array;
}

/**
 * How a worker thread makes its writer: it imports `module` (an absolute file: URL) and calls its
 * `createTileWriter(config)`, once per thread and spec. `config` must be plain data (it is posted to
 * the thread).
 */
export interface ThreadWriterSpec {
  module: string;
  config: unknown;
}

/** A thread's own writer (see ThreadWriterSpec). */
export interface ThreadTileWriter {
  /** Stores one tile synchronously; returns the bytes it takes in the sink (for diskBytes). */
  write(z: number, x: number, y: number, data: Uint8Array): number;
}

/** The shape of a ThreadWriterSpec's module. */
export interface ThreadWriterModule {
  createTileWriter(config: unknown): ThreadTileWriter;
}
