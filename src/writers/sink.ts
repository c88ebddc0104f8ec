// The tile sink: where finished tiles go. The core only calls these methods, never `fs`.
import type { TilesetMetadata } from './metadata.js';

export interface TileSink {
  /** Prepares the destination (checks it, makes a temporary place). */
  open(): Promise<void>;
  /** Stores one encoded (and, if asked, compressed) tile. May be called concurrently. */
  put(z: number, x: number, y: number, data: Uint8Array): Promise<void>;
  /** Writes metadata and makes the tileset appear at its final place in one step. */
  commit(metadata: TilesetMetadata): Promise<void>;
  /** Removes everything written so far; the previous output, if any, is left as it was. */
  abort(): Promise<void>;
  /**
   * Optional: a directory that worker threads may write tile files into themselves, as plain data
   * they can receive; put() is then not called. Only for a directory on the local file system.
   */
  threadTarget?(): TileFileTarget;
  /** Optional: how many temporaries of earlier, killed builds open() removed (for the summary). */
  readonly staleRemoved?: number;
  /**
   * Optional, called after commit(): the bytes the tileset takes on disk (what `du` shows, not the
   * tile payload). `threadFileBytes` is what the worker threads reported for the files they wrote
   * through threadTarget().
   */
  diskBytes?(threadFileBytes: number): Promise<number>;
}

/** Where tiles go as files: `{root}/{z}/{x}/{y}.{extension}`. */
export interface TileFileTarget {
  root: string;
  extension: string;
}
