// GDAL's MAX_FEATURES on a tile's records, before any feature is decoded into an object: the
// `keep` largest features (mvt/limits.ts's order: polygons by area, then lines by length, then
// points; ties in input order) chosen in one pass with a bounded heap. So the zoom-0 tile of ten
// million points costs `keep` heap entries, not ten million feature objects.
import { POINT } from '../model/geometry.js';
import { drawnSize } from '../mvt/limits.js';
import { AT_LENGTH, AT_TYPE, readHead } from '../tiler/fragment-codec.js';

/**
 * The records of the `keep` largest features, in their original order. Only for tiles whose
 * features are drawn in record order (no --order-by): a feature's place is its record's offset.
 */
export function keepLargestRecords(records: Uint8Array, keep: number): Uint8Array {
  if (keep <= 0) return new Uint8Array(0);
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  // The heap holds the kept features with the least worth keeping on top: lowest kind (points
  // before lines before polygons), then smallest size, then latest offset.
  const kind = new Uint8Array(keep), size = new Float64Array(keep), at = new Float64Array(keep);
  let n = 0;
  const worse = (i: number, j: number) => kind[i] - kind[j] || size[i] - size[j] || at[j] - at[i];
  const swap = (i: number, j: number) => {
    const k = kind[i], s = size[i], a = at[i];
    kind[i] = kind[j], size[i] = size[j], at[i] = at[j];
    kind[j] = k, size[j] = s, at[j] = a;
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && worse(l, m) < 0) m = l;
      if (r < n && worse(r, m) < 0) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let pos = 0; pos < records.length; pos += view.getUint32(pos + AT_LENGTH, true)) {
    const type = view.getUint8(pos + AT_TYPE);
    // Records come in offset order, so a newcomer equal in kind and size to the worst kept is worse.
    if (n === keep && (type < kind[0] || (type === kind[0] && type === POINT))) continue;
    let s = 0;
    if (type !== POINT) {
      const h = readHead(view, pos);
      s = drawnSize({ id: undefined, type: h.type, geometry: records.subarray(h.propsEnd, pos + h.length), properties: [] });
    }
    if (n < keep) {
      kind[n] = type, size[n] = s, at[n] = pos;
      // sift up
      for (let i = n++; i > 0; ) {
        const p = (i - 1) >> 1;
        if (worse(i, p) >= 0) break;
        swap(i, p);
        i = p;
      }
    } else if (type > kind[0] || (type === kind[0] && s > size[0])) {
      kind[0] = type, size[0] = s, at[0] = pos;
      down(0);
    }
  }
  const kept = at.subarray(0, n).sort();
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
