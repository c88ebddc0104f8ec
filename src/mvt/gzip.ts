// gzip for tiles: the same bytes as zlib's gzipSync at the same level, from one deflate stream per
// thread and level that is reset for every tile. gzipSync builds a stream object and a fresh zlib
// state (some 300 KiB allocated, a 64 KiB hash table cleared) for each call, which is a third of the
// cost of gzipping a 1 KB tile and most of it for the 100-byte tiles of deep zooms.
import { constants, createGzip, gzipSync, type Gzip } from 'node:zlib';

/**
 * Node's own binding under a zlib stream (`_handle`), as its gzipSync drives it: writeSync(flush,
 * in, inOff, inLen, out, outOff, outLen) leaves the space left in `out` and the input not read in
 * the stream's `_writeState`; reset() is zlib's deflateReset. Not public API: it is checked when the
 * compressor is made, and gzipSync is used when it is missing or does not give gzipSync's bytes.
 */
interface ZlibHandle {
  reset(): void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
}

type Compress = (data: Uint8Array) => Uint8Array;

const compressors = new Map<number, Compress>();

/** The gzip member of `data` at zlib level 1–9 (a fresh array the caller owns). */
export function gzipTile(data: Uint8Array, level: number): Uint8Array {
  let c = compressors.get(level);
  if (!c) compressors.set(level, (c = compressor(level)));
  return c(data);
}

function compressor(level: number): Compress {
  const plain: Compress = (data) => gzipSync(data, { level });
  const stream = createGzip({ level }) as Gzip & { _handle?: ZlibHandle; _writeState?: Uint32Array };
  const handle = stream._handle;
  const state = stream._writeState;
  if (typeof handle?.reset !== 'function' || typeof handle.writeSync !== 'function' || !(state instanceof Uint32Array)) return plain;
  let failure: Error | undefined;
  stream.on('error', (e: Error) => (failure = e));
  let out = Buffer.allocUnsafe(1 << 16);
  const reused: Compress = (data) => {
    // Stored blocks cost 5 bytes per 64 KiB, gzip's header and trailer 18: this always has room.
    const room = data.length + (data.length >> 3) + 256;
    if (out.length < room) out = Buffer.allocUnsafe(room * 2);
    handle.reset();
    handle.writeSync(constants.Z_FINISH, data, 0, data.length, out, 0, out.length);
    if (failure) throw failure;
    if (state[1] !== 0 || state[0] === 0) throw new Error(`gzip left ${state[1]} of ${data.length} bytes unread`);
    return new Uint8Array(out.subarray(0, out.length - state[0]));
  };
  // One sample through both: any difference (another Node's binding) and gzipSync does the work.
  const sample = new Uint8Array(3000).map((_, i) => (i * 7919) % 251 & (i % 5 ? 0x1f : 0xff));
  try {
    return Buffer.from(reused(sample)).equals(plain(sample)) ? reused : plain;
  } catch {
    return plain;
  }
}
