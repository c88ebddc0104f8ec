// Identical tiles stored once (MBTiles images, PMTiles contents): each stored content gets an integer
// id, found again by a 52-bit key of its bytes. The key is only a hint: on every match the bytes are
// compared with the stored ones, so two different tiles sharing a key are stored apart, never
// confused. Numbers as keys keep the table small (600k tiles: some 30 MB, where hex digests as
// strings took three times that) and the keys are computed on the encoding threads.
import { createHash, hash } from 'node:crypto';

/** The first 52 bits of the tile's SHA-1, as a number (exact in a double). */
export function contentKey(data: Uint8Array): number {
  // The one-shot hash is Node ≥ 20.12; before it, the streaming one.
  const d = typeof hash === 'function' ? (hash('sha1', data, 'buffer') as unknown as Buffer) : createHash('sha1').update(data).digest();
  return d.readUInt32BE(0) * 2 ** 20 + (d.readUInt32BE(4) >>> 12);
}

/** The keys of a run's tiles (TileRun: index of 5 numbers per tile). */
export function contentKeys(data: Uint8Array, index: number[]): Float64Array {
  const keys = new Float64Array(index.length / 5);
  for (let i = 0; i < keys.length; i++) keys[i] = contentKey(data.subarray(index[5 * i + 3], index[5 * i + 3] + index[5 * i + 4]));
  return keys;
}

export class ContentIds {
  private readonly byKey = new Map<number, number>();
  /** Contents stored, so far: the next id. */
  count = 0;

  /**
   * The id of `data`: an earlier one when `stored(id)` (the bytes of that content) equals it, else
   * a new one (`fresh`), which the caller then stores.
   */
  idOf(key: number, data: Uint8Array, stored: (id: number) => Uint8Array): { id: number; fresh: boolean } {
    const seen = this.byKey.get(key);
    if (seen !== undefined && equal(stored(seen), data)) return { id: seen, fresh: false };
    const id = this.count++;
    // On a collision the first content keeps the key: the second is stored, only not found again.
    if (seen === undefined) this.byKey.set(key, id);
    return { id, fresh: true };
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}
