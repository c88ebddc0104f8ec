// PMTiles v3 as bytes (github.com/protomaps/PMTiles, spec/v3/spec.md): directories (varints, columnar,
// gzip); the 127-byte header is model/pmtiles-header.ts, tile ids (Hilbert curves) scheme/tile-id.ts.
// Pure functions; pmtiles.ts writes them.
import { gzipSync } from 'node:zlib';

import { PMTILES_HEADER_BYTES } from '../model/pmtiles-header.js';

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
  if (PMTILES_HEADER_BYTES + whole.length <= ROOT_LIMIT) return { root: whole, leaves: new Uint8Array(0) };
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
    if (PMTILES_HEADER_BYTES + rootBytes.length <= ROOT_LIMIT) return { root: rootBytes, leaves: concat(leaves, offset) };
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
