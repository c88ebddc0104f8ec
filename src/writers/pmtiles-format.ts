// PMTiles v3 as bytes (github.com/protomaps/PMTiles, spec/v3/spec.md): directories (varints, columnar,
// gzip), the 127-byte header; tile ids (Hilbert curves) are scheme/tile-id.ts. Pure functions; pmtiles.ts writes them.
import { gzipSync } from 'node:zlib';

export { tileId } from '../scheme/tile-id.js';

/** Highest zoom whose tile ids stay exact in a double (4^27 > 2^53), as the reference readers allow. */
export const PMTILES_MAX_ZOOM = 26;

/** Directory entries, columnar: tile id, offset (in the data or leaf section), length, run length (0: a leaf). */
export interface Entries {
  ids: Float64Array;
  offsets: Float64Array;
  lengths: Uint32Array;
  runs: Uint32Array;
  count: number;
}

/** Entries [from, to) serialized as the spec says, and gzipped (InternalCompression 2). */
export function directoryBytes(e: Entries, from: number, to: number): Uint8Array {
  const out = new Varints((to - from) * 8 + 8);
  out.push(to - from);
  let last = 0;
  for (let i = from; i < to; i++) {
    out.push(e.ids[i] - last);
    last = e.ids[i];
  }
  for (let i = from; i < to; i++) out.push(e.runs[i]);
  for (let i = from; i < to; i++) out.push(e.lengths[i]);
  for (let i = from; i < to; i++) {
    // 0: right after the previous entry's bytes (clustered data makes this the common case).
    const contiguous = i > from && e.offsets[i] === e.offsets[i - 1] + e.lengths[i - 1];
    out.push(contiguous ? 0 : e.offsets[i] + 1);
  }
  return gzipSync(out.finish());
}

/** Unsigned varints of numbers up to 2^53 (no 32-bit shifts: ids and offsets pass 2^32). */
class Varints {
  private buf: Uint8Array;
  private pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }
  push(v: number): void {
    if (this.pos + 10 > this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2 + 10);
      b.set(this.buf);
      this.buf = b;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export const HEADER_BYTES = 127;
/** The header and the root directory must fit in the first 16 KiB (latency-optimized clients read that). */
export const ROOT_LIMIT = 16384;

export interface Directories {
  root: Uint8Array;
  /** Leaf directories back to back (empty when the root holds every entry). */
  leaves: Uint8Array;
}

/**
 * The root directory, and leaves when the entries do not fit in it: leaves of `leafSize` entries
 * (starting at 4096, as the reference writers do), grown by a fifth until the root fits.
 */
export function buildDirectories(e: Entries): Directories {
  const whole = directoryBytes(e, 0, e.count);
  if (HEADER_BYTES + whole.length <= ROOT_LIMIT) return { root: whole, leaves: new Uint8Array(0) };
  for (let leafSize = 4096; ; leafSize = Math.ceil(leafSize * 1.2)) {
    const leaves: Uint8Array[] = [];
    const n = Math.ceil(e.count / leafSize);
    const root: Entries = { ids: new Float64Array(n), offsets: new Float64Array(n), lengths: new Uint32Array(n), runs: new Uint32Array(n), count: n };
    let offset = 0;
    for (let l = 0; l < n; l++) {
      const from = l * leafSize;
      const leaf = directoryBytes(e, from, Math.min(e.count, from + leafSize));
      root.ids[l] = e.ids[from];
      root.offsets[l] = offset;
      root.lengths[l] = leaf.length;
      offset += leaf.length;
      leaves.push(leaf);
    }
    const rootBytes = directoryBytes(root, 0, n);
    if (HEADER_BYTES + rootBytes.length <= ROOT_LIMIT) return { root: rootBytes, leaves: concat(leaves, offset) };
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface Header {
  rootOffset: number;
  rootLength: number;
  metadataOffset: number;
  metadataLength: number;
  leavesOffset: number;
  leavesLength: number;
  dataOffset: number;
  dataLength: number;
  addressedTiles: number;
  tileEntries: number;
  tileContents: number;
  clustered: boolean;
  /** TileCompression: 1 none, 2 gzip. */
  tileCompression: 1 | 2;
  minZoom: number;
  maxZoom: number;
  /** [w, s, e, n] in degrees. */
  bounds: [number, number, number, number];
  /** [lon, lat, zoom]. */
  center: [number, number, number];
}

export function headerBytes(h: Header): Uint8Array {
  const b = new Uint8Array(HEADER_BYTES);
  const v = new DataView(b.buffer);
  b.set(new TextEncoder().encode('PMTiles'), 0);
  b[7] = 3;
  const u64 = (at: number, n: number) => v.setBigUint64(at, BigInt(n), true);
  u64(8, h.rootOffset);
  u64(16, h.rootLength);
  u64(24, h.metadataOffset);
  u64(32, h.metadataLength);
  u64(40, h.leavesOffset);
  u64(48, h.leavesLength);
  u64(56, h.dataOffset);
  u64(64, h.dataLength);
  u64(72, h.addressedTiles);
  u64(80, h.tileEntries);
  u64(88, h.tileContents);
  b[96] = h.clustered ? 1 : 0;
  b[97] = 2; // directories and metadata are gzipped
  b[98] = h.tileCompression;
  b[99] = 1; // MVT
  b[100] = h.minZoom;
  b[101] = h.maxZoom;
  const e7 = (at: number, deg: number) => v.setInt32(at, Math.round(deg * 1e7), true);
  e7(102, h.bounds[0]);
  e7(106, h.bounds[1]);
  e7(110, h.bounds[2]);
  e7(114, h.bounds[3]);
  b[118] = h.center[2];
  e7(119, h.center[0]);
  e7(123, h.center[1]);
  return b;
}
