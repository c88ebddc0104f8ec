// GDAL's MAX_FEATURES on a tile's records, before any feature is decoded into an object: the
// `keep` largest features (mvt/limits.ts's order: polygons by area, then lines by length, then
// points; ties in input order) chosen in one pass with a bounded heap. So the zoom-0 tile of ten
// million points costs `keep` heap entries, not ten million feature objects. A giant tile read from
// the run files (run-merge.ts groupRecords) is chosen from as it streams by: only the records that
// enter the heap are copied, so it is never held whole.
import { POINT } from '../model/geometry.js';
import { drawnSize } from '../mvt/limits.js';
import { AT_LENGTH, AT_TYPE, ByteWriter, readHead } from '../tiler/fragment-codec.js';

/**
 * The `keep` features most worth keeping, among those offered in order. The top of the heap holds
 * the least worth keeping: lowest kind (points before lines before polygons), then smallest size,
 * then latest place. Each entry has an id below `keep`, which a newcomer that evicts it takes over.
 */
class LargestHeap {
  readonly kind: Uint8Array;
  readonly size: Float64Array;
  readonly at: Float64Array;
  readonly id: Uint32Array;
  n = 0;

  constructor(readonly keep: number) {
    this.kind = new Uint8Array(keep);
    this.size = new Float64Array(keep);
    this.at = new Float64Array(keep);
    this.id = new Uint32Array(keep);
  }

  /**
   * True when a feature of this type cannot get in, whatever its size. Features come in order of
   * place, so a newcomer equal in kind and size to the worst kept is worse: a point never displaces
   * a point.
   */
  rejects(type: number): boolean {
    return this.n === this.keep && (type < this.kind[0] || (type === this.kind[0] && type === POINT));
  }

  /** Offers a feature; the id of the entry it takes, or -1 when it is not kept. */
  offer(type: number, s: number, at: number): number {
    const { kind, size } = this;
    if (this.n < this.keep) {
      const i = this.n++;
      kind[i] = type, size[i] = s, this.at[i] = at, this.id[i] = i;
      this.up(i);
      return i;
    }
    if (!(type > kind[0] || (type === kind[0] && s > size[0]))) return -1;
    // The newcomer takes the evicted entry's place at the top, and its id, then sinks.
    kind[0] = type, size[0] = s, this.at[0] = at;
    const id = this.id[0];
    this.down(0);
    return id;
  }

  /** The ids of the kept entries, in order of place. */
  idsInOrder(): Uint32Array {
    const order = Array.from({ length: this.n }, (_, i) => i).sort((p, q) => this.at[p] - this.at[q]);
    return Uint32Array.from(order, (i) => this.id[i]);
  }

  /** Places of the kept entries, ascending. */
  placesInOrder(): Float64Array {
    return this.at.slice(0, this.n).sort();
  }

  private worse(i: number, j: number): number {
    return this.kind[i] - this.kind[j] || this.size[i] - this.size[j] || this.at[j] - this.at[i];
  }
  private swap(i: number, j: number): void {
    const { kind, size, at, id } = this;
    const k = kind[i], s = size[i], a = at[i], d = id[i];
    kind[i] = kind[j], size[i] = size[j], at[i] = at[j], id[i] = id[j];
    kind[j] = k, size[j] = s, at[j] = a, id[j] = d;
  }
  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.worse(i, p) >= 0) break;
      this.swap(i, p);
      i = p;
    }
  }
  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.n && this.worse(l, m) < 0) m = l;
      if (r < this.n && this.worse(r, m) < 0) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

/** What a record is worth keeping as drawn: 0 for a point, its area or length otherwise. */
function recordSize(view: DataView, records: Uint8Array, pos: number, type: number): number {
  if (type === POINT) return 0;
  const h = readHead(view, pos);
  return drawnSize({ id: undefined, type: h.type, geometry: records.subarray(h.propsEnd, pos + h.length), properties: [] });
}

/**
 * The records of the `keep` largest features, in their original order. Only for tiles whose
 * features are drawn in record order (no --order-by): a feature's place is its record's offset.
 */
export function keepLargestRecords(records: Uint8Array, keep: number): Uint8Array {
  if (keep <= 0) return new Uint8Array(0);
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const heap = new LargestHeap(keep);
  for (let pos = 0; pos < records.length; pos += view.getUint32(pos + AT_LENGTH, true)) {
    const type = view.getUint8(pos + AT_TYPE);
    if (!heap.rejects(type)) heap.offer(type, recordSize(view, records, pos, type), pos);
  }
  const kept = heap.placesInOrder();
  let bytes = 0;
  for (const pos of kept) bytes += view.getUint32(pos + AT_LENGTH, true);
  const out = new Uint8Array(bytes);
  let o = 0;
  for (const pos of kept) {
    const len = view.getUint32(pos + AT_LENGTH, true);
    out.set(records.subarray(pos, pos + len), o);
    o += len;
  }
  return out;
}

/**
 * keepLargestRecords on a stream of records (each a view valid until the next is asked for): the
 * same records, in the same order. Those that enter the heap are copied into an arena, which is
 * compacted when the copies of evicted ones make up more than half of it.
 */
export function keepLargestRecordStream(stream: Iterable<Uint8Array>, keep: number): Uint8Array {
  if (keep <= 0) return new Uint8Array(0);
  const heap = new LargestHeap(keep);
  let arena = new ByteWriter(1 << 20);
  const off = new Float64Array(keep), len = new Uint32Array(keep);
  let live = 0;
  let i = 0;
  for (const rec of stream) {
    const place = i++;
    const type = rec[AT_TYPE];
    if (heap.rejects(type)) continue;
    const id = heap.offer(type, recordSize(new DataView(rec.buffer, rec.byteOffset, rec.byteLength), rec, 0, type), place);
    if (id < 0) continue;
    live += rec.length - len[id]; // an evicted entry's copy is garbage now (len 0 for a new id)
    off[id] = arena.pos;
    len[id] = rec.length;
    arena.bytes(rec);
    if (arena.pos > 2 * live + (1 << 20)) {
      const next = new ByteWriter(Math.max(1 << 20, live * 2));
      for (let k = 0; k < heap.n; k++) {
        const d = heap.id[k];
        const at = next.pos;
        next.bytes(arena.buf.subarray(off[d], off[d] + len[d]));
        off[d] = at;
      }
      arena = next;
    }
  }
  const out = new Uint8Array(live);
  let o = 0;
  for (const d of heap.idsInOrder()) {
    out.set(arena.buf.subarray(off[d], off[d] + len[d]), o);
    o += len[d];
  }
  return out;
}
