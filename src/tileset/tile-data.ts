// A stored tile's bytes as protobuf: gzip (what we and GDAL write by default) and zlib streams are
// recognised by their magic bytes and inflated; anything else is taken as a raw MVT.
import { gunzipSync, inflateSync } from 'node:zlib';

export type TileCompression = 'gzip' | 'zlib' | 'none';

/**
 * An MVT never starts like a gzip member (1f 8b) or a zlib stream (78 01/5e/9c/da, a multiple of
 * 31 as a big-endian 16-bit number): a tile's first byte is a field key, 0x1a for `layers`, and a
 * Tile message has no field 15 (0x78). Throws zlib's error when the stream is corrupt.
 */
export function inflateTile(bytes: Uint8Array): { data: Uint8Array; compression: TileCompression } {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return { data: gunzipSync(bytes), compression: 'gzip' };
  if (bytes.length >= 2 && bytes[0] === 0x78 && ((bytes[0] << 8) | bytes[1]) % 31 === 0) return { data: inflateSync(bytes), compression: 'zlib' };
  return { data: bytes, compression: 'none' };
}
