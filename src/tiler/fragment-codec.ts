// Binary form of tile fragments, so they can cross threads (transferred, not copied), sit compactly
// in memory, and spill to disk. One record per feature per tile:
//
//   u32 length | u8 z | u8 type | u16 layer | f64 x | f64 y | f64 seq | f64 id (NaN: none)
//   | u32 propsLength | props | geometry (MVT commands as packed varints, to the end)
//
// Records sort by (z, x, y, layer, seq): tile order, then layer, then input order.
import type { GeomType } from '../model/geometry.js';
import type { PropertyValue } from '../model/attributes.js';

/** Where each header field sits in a record, in bytes from its start; the props follow HEADER. */
export const AT_LENGTH = 0, AT_Z = 4, AT_TYPE = 5, AT_LAYER = 6, AT_X = 8, AT_Y = 16, AT_SEQ = 24, AT_ID = 32, AT_PROPS_LENGTH = 40;
export const HEADER = 44;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A growable little-endian byte buffer. */
export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** u32 byte length, then UTF-8. */
  string(s: string): void {
    this.ensure(4 + s.length * 3);
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.pos + 4));
    this.view.setUint32(this.pos, written, true);
    this.pos += 4 + written;
  }
  varint(v: number): void {
    this.ensure(5);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }
  /** A copy of what was written, in its own exactly-sized buffer (transferable). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Properties of one feature, encoded once and copied into each of its fragments. */
export function encodeProperties(props: [string, PropertyValue][]): Uint8Array {
  const w = new ByteWriter(64);
  w.u16(props.length);
  for (const [k, v] of props) {
    w.string(k);
    if (typeof v === 'string') {
      w.u8(1);
      w.string(v);
    } else if (typeof v === 'number') {
      w.u8(2);
      w.f64(v);
    } else {
      w.u8(3);
      w.u8(v ? 1 : 0);
    }
  }
  return w.finish();
}

export function decodeProperties(buf: Uint8Array, start: number, end: number): [string, PropertyValue][] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = start;
  const str = () => {
    const n = view.getUint32(pos, true);
    const s = decodeUtf8(buf, pos + 4, pos + 4 + n);
    pos += 4 + n;
    return s;
  };
  const count = view.getUint16(pos, true);
  pos += 2;
  const out: [string, PropertyValue][] = new Array(count);
  for (let i = 0; i < count; i++) {
    const k = str();
    const tag = buf[pos++];
    if (tag === 1) out[i] = [k, str()];
    else if (tag === 2) {
      out[i] = [k, view.getFloat64(pos, true)];
      pos += 8;
    } else out[i] = [k, buf[pos++] === 1];
  }
  if (pos !== end) throw new Error('corrupt fragment properties');
  return out;
}

/** UTF-8 → string; short ASCII (most keys and many values) without TextDecoder's per-call cost. */
function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c >= 0x80) return decoder.decode(buf.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(buf.subarray(start, end));
}

export interface FragmentHead {
  z: number;
  x: number;
  y: number;
  layer: number;
  seq: number;
  type: GeomType;
  id?: number;
}

/** Appends one fragment record. */
export function writeFragment(w: ByteWriter, h: FragmentHead, props: Uint8Array, commands: ArrayLike<number>): void {
  const start = w.pos;
  w.ensure(HEADER + props.length + commands.length * 5);
  w.pos += 4; // length, patched below
  w.u8(h.z);
  w.u8(h.type);
  w.u16(h.layer);
  w.f64(h.x);
  w.f64(h.y);
  w.f64(h.seq);
  w.f64(h.id ?? NaN);
  w.u32(props.length);
  w.bytes(props);
  // Room for every varint was ensured above: write them without a check each.
  const buf = w.buf;
  let pos = w.pos;
  for (let i = 0; i < commands.length; i++) {
    let v = commands[i];
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
  }
  w.pos = pos;
  w.view.setUint32(start, w.pos - start, true);
}

/**
 * Layer numbers from FOREIGN_LAYER up name, in a tiling thread's records, the output layers its
 * features chose for themselves (tippecanoe.layer), in the thread's own order; relabelLayers gives
 * them the build's numbers.
 */
export const FOREIGN_LAYER = 0x8000;

/** Renumbers, in place, every record's layer at or past FOREIGN_LAYER to `to[layer - FOREIGN_LAYER]`. */
export function relabelLayers(records: Uint8Array, to: number[]): void {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  for (let pos = 0; pos < records.length; pos += view.getUint32(pos + AT_LENGTH, true)) {
    const layer = view.getUint16(pos + AT_LAYER, true);
    if (layer >= FOREIGN_LAYER) view.setUint16(pos + AT_LAYER, to[layer - FOREIGN_LAYER], true);
  }
}

/** Reads the header of the record at `pos`. */
export function readHead(view: DataView, pos: number): FragmentHead & { length: number; propsEnd: number } {
  const id = view.getFloat64(pos + AT_ID, true);
  return {
    length: view.getUint32(pos + AT_LENGTH, true),
    z: view.getUint8(pos + AT_Z),
    type: view.getUint8(pos + AT_TYPE) as GeomType,
    layer: view.getUint16(pos + AT_LAYER, true),
    x: view.getFloat64(pos + AT_X, true),
    y: view.getFloat64(pos + AT_Y, true),
    seq: view.getFloat64(pos + AT_SEQ, true),
    id: Number.isNaN(id) ? undefined : id,
    propsEnd: pos + HEADER + view.getUint32(pos + AT_PROPS_LENGTH, true),
  };
}

/** Orders records at offsets a and b (in possibly different buffers) by z, x, y, layer, seq. */
export function compareRecords(va: DataView, a: number, vb: DataView, b: number): number {
  return (
    va.getUint8(a + AT_Z) - vb.getUint8(b + AT_Z) ||
    va.getFloat64(a + AT_X, true) - vb.getFloat64(b + AT_X, true) ||
    va.getFloat64(a + AT_Y, true) - vb.getFloat64(b + AT_Y, true) ||
    va.getUint16(a + AT_LAYER, true) - vb.getUint16(b + AT_LAYER, true) ||
    va.getFloat64(a + AT_SEQ, true) - vb.getFloat64(b + AT_SEQ, true)
  );
}
