// The drop strategies (--drop-densest/-fraction/-smallest-as-needed) on a tile's fragment records,
// before any feature is decoded: the records the zoom's threshold leaves are copied out and encoded
// as a stream, as a tile without limits is, so a tile of a hundred thousand points is never a hundred
// thousand objects. The rule is mvt/as-needed.ts's: per layer, in curve order, the first feature of
// each geometry type stays, any other goes when its value is not above the threshold.
import type { FeatureRanks } from '../model/feature-ranks.js';
import { AT_LAYER, AT_LENGTH, AT_SEQ, AT_TYPE, ByteWriter } from '../tiler/fragment-codec.js';

/** A tile's records with what the threshold needs of each: where it is, its value, whether it can go. */
export interface RecordWalk {
  pos: Uint32Array;
  value: Float64Array;
  droppable: Uint8Array;
  /** The values of the records that can go, ascending. */
  sorted: Float64Array;
}

export function walkRecords(records: Uint8Array, ranks: FeatureRanks): RecordWalk {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const at: number[] = [];
  for (let pos = 0; pos < records.length; pos += view.getUint32(pos + AT_LENGTH, true)) at.push(pos);
  const n = at.length;
  const w: RecordWalk = { pos: Uint32Array.from(at), value: new Float64Array(n), droppable: new Uint8Array(n).fill(1), sorted: new Float64Array(0) };
  const first = new Map<number, number>(); // layer · 8 + type → the record first in curve order
  for (let i = 0; i < n; i++) {
    const seq = view.getFloat64(at[i] + AT_SEQ, true);
    w.value[i] = ranks.value[seq];
    const key = view.getUint16(at[i] + AT_LAYER, true) * 8 + view.getUint8(at[i] + AT_TYPE);
    const f = first.get(key);
    if (f === undefined || ranks.order[seq] < ranks.order[view.getFloat64(at[f] + AT_SEQ, true)]) first.set(key, i);
  }
  for (const i of first.values()) w.droppable[i] = 0;
  const values: number[] = [];
  for (let i = 0; i < n; i++) if (w.droppable[i]) values.push(w.value[i]);
  w.sorted = Float64Array.from(values).sort();
  return w;
}

/** The records the threshold keeps, and how many it drops (the records themselves when none go). */
export function keepRecords(records: Uint8Array, w: RecordWalk, threshold: number): { records: Uint8Array; kept: number; dropped: number } {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let dropped = 0;
  const out = new ByteWriter(Math.max(64, records.length));
  for (let i = 0; i < w.pos.length; i++) {
    const p = w.pos[i];
    const len = view.getUint32(p + AT_LENGTH, true);
    if (w.droppable[i] && w.value[i] <= threshold) dropped++;
    else out.bytes(records.subarray(p, p + len));
  }
  return { records: dropped ? out.finish() : records, kept: w.pos.length - dropped, dropped };
}
