// A bounds-checked walk over protobuf fields, for the validator: unlike pbf (made for speed on good
// data) it reports where a message is truncated, a varint overlong or a wire type unknown instead of
// reading past the end or guessing.

export const VARINT = 0, FIXED64 = 1, BYTES = 2, FIXED32 = 5;

/** One field as the walk meets it; reused from field to field (copy what you keep). */
export interface WireField {
  /** Field number. */
  num: number;
  wire: number;
  /** Offset of the field's key. */
  at: number;
  /** Payload start and end (for VARINT, the varint's bytes). */
  start: number;
  end: number;
  /** A VARINT's value (exact up to 2^53; larger ones lose low bits), else 0. */
  value: number;
}

/**
 * Reads the varint at buf[pos], returning its value and end, or a reason when it runs past `end`
 * or over 10 bytes.
 */
export function readVarint(buf: Uint8Array, pos: number, end: number): { value: number; end: number } | string {
  let value = 0, mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return 'a varint runs past the end of its message';
    const b = buf[pos++];
    value += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) return { value, end: pos };
  }
  return 'a varint is longer than 10 bytes';
}

/**
 * Calls `visit` for each field of the message buf[start … end). Returns undefined when the message
 * parses to its end, else why it does not (and at which offset): what follows cannot be read.
 */
export function walkMessage(buf: Uint8Array, start: number, end: number, visit: (f: WireField) => void): { offset: number; reason: string } | undefined {
  const f: WireField = { num: 0, wire: 0, at: 0, start: 0, end: 0, value: 0 };
  let pos = start;
  while (pos < end) {
    f.at = pos;
    const key = readVarint(buf, pos, end);
    if (typeof key === 'string') return { offset: pos, reason: key };
    f.wire = key.value % 8;
    f.num = Math.floor(key.value / 8);
    pos = key.end;
    if (f.num === 0) return { offset: f.at, reason: 'field number 0' };
    f.value = 0;
    switch (f.wire) {
      case VARINT: {
        const v = readVarint(buf, pos, end);
        if (typeof v === 'string') return { offset: pos, reason: v };
        f.start = pos;
        f.end = pos = v.end;
        f.value = v.value;
        break;
      }
      case FIXED64:
      case FIXED32: {
        const n = f.wire === FIXED64 ? 8 : 4;
        if (pos + n > end) return { offset: pos, reason: `a ${n * 8}-bit field runs past the end of its message` };
        f.start = pos;
        f.end = pos += n;
        break;
      }
      case BYTES: {
        const len = readVarint(buf, pos, end);
        if (typeof len === 'string') return { offset: pos, reason: len };
        if (len.end + len.value > end) return { offset: pos, reason: `a length-delimited field of ${len.value} bytes runs past the end of its message` };
        f.start = len.end;
        f.end = pos = len.end + len.value;
        break;
      }
      default:
        return { offset: f.at, reason: `wire type ${f.wire} (${f.wire === 3 || f.wire === 4 ? 'a deprecated group' : 'undefined'}) in field ${f.num}` };
    }
    visit(f);
  }
  return undefined;
}

/** The packed varints of buf[start … end), or why they do not parse. */
export function readPacked(buf: Uint8Array, start: number, end: number): number[] | string {
  const out: number[] = [];
  let pos = start;
  while (pos < end) {
    const v = readVarint(buf, pos, end);
    if (typeof v === 'string') return v;
    out.push(v.value);
    pos = v.end;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** The string in buf[start … end), and whether it was valid UTF-8 (if not, with U+FFFD in place). */
export function readString(buf: Uint8Array, start: number, end: number): { text: string; valid: boolean } {
  const bytes = buf.subarray(start, end);
  try {
    return { text: utf8.decode(bytes), valid: true };
  } catch {
    return { text: lenient.decode(bytes), valid: false };
  }
}

export const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit', 'undefined', 'undefined'];
