// Stripe clipping: keep the part of a geometry between two axis-parallel lines (after geojson-vt).
import { fromRuns, RunGeometry, toRuns } from './runs.js';
import { KEEP, POINT, POLYGON, type Geometry } from '../model/geometry.js';

/**
 * Clips `src` to `k1 <= coord[axis] <= k2` (axis 0 = u, 1 = v) into `out`. Returns `src` itself when
 * it lies wholly inside, null when nothing is left, else `out`. Lines may split into several runs;
 * polygon rings are cut Sutherland–Hodgman style, so they run along the cut line where they leave
 * the stripe; a polygon whose exterior is cut away loses its holes too. New vertices on the cut get
 * importance KEEP so that simplification never moves a tile edge.
 */
export function clipRuns(src: RunGeometry, k1: number, k2: number, axis: 0 | 1, out: RunGeometry, extent = src.extent(axis)): RunGeometry | null {
  const [min, max] = extent; // the caller may know it: a tile is cut in two from one extent
  if (min >= k1 && max <= k2) return src;
  if (max < k1 || min > k2) return null;
  out.reset(src.type);
  const xy = src.xy;
  if (src.type === POINT) {
    out.beginRun();
    for (let r = 0; r < src.runs; r++) {
      for (let i = src.start[r]; i < src.end[r]; i += 3) {
        const a = xy[i + axis];
        if (a >= k1 && a <= k2) out.push(xy[i], xy[i + 1], xy[i + 2]);
      }
    }
    out.endRun(3);
    return out.runs ? out : null;
  }
  // One loop over runs and vertices, no call per run: a call passing the cut values boxed them
  // as heap numbers, and a big country has tens of thousands of rings in every clip.
  const closed = src.type === POLYGON;
  const minFloats = closed ? 12 : 6;
  const other = 1 - axis;
  let keepHoles = false;
  for (let r = 0; r < src.runs; r++) {
    const ext = src.exterior[r];
    if (closed && !ext && !keepHoles) continue;
    const s = src.start[r], e = src.end[r];
    let kept = false;
    out.reserve((e - s) / 3 + 2);
    out.beginRun();
    let o = out.xy, n = out.n;
    for (let i = s; i < e - 3; i += 3) {
      // A segment adds at most two points. Output buffer and length stay in locals (pbf's habit).
      if (n + 6 > o.length) {
        out.n = n;
        out.reserve(2);
        o = out.xy;
      }
      const a = xy[i + axis], b = xy[i + 3 + axis];
      // Where the segment crosses k1 or k2, in order (NaN: it does not).
      let c1 = NaN, c2 = NaN;
      if (a < k1) {
        if (b > k1) {
          c1 = k1;
          if (b > k2) c2 = k2;
        }
      } else if (a > k2) {
        if (b < k2) {
          c1 = k2;
          if (b < k1) c2 = k1;
        }
      } else {
        o[n] = xy[i];
        o[n + 1] = xy[i + 1];
        o[n + 2] = xy[i + 2];
        n += 3;
        if (b < k1) c1 = k1;
        else if (b > k2) c1 = k2;
      }
      // Leaving the stripe: a crossing from inside, or a second one.
      let exited = false;
      // biome-ignore lint/suspicious/noSelfCompare: x === x is false only for NaN, without a call
      if (c1 === c1) {
        // Written out here rather than in a function: called, it boxed its arguments as heap
        // numbers, gigabytes of them over the countries.
        const oa = xy[i + other], ob = xy[i + 3 + other];
        o[n + axis] = c1;
        o[n + other] = oa + ((ob - oa) * (c1 - a)) / (b - a);
        o[n + 2] = KEEP;
        n += 3;
        // biome-ignore lint/suspicious/noSelfCompare: x === x is false only for NaN, without a call
        if (c2 === c2) {
          o[n + axis] = c2;
          o[n + other] = oa + ((ob - oa) * (c2 - a)) / (b - a);
          o[n + 2] = KEEP;
          n += 3;
          exited = true;
        } else exited = !(a < k1 || a > k2);
      }
      if (!closed && exited) {
        out.n = n;
        kept = out.endRun(minFloats) || kept;
        out.beginRun();
        n = out.n;
      }
    }
    out.n = n;
    const last = e - 3;
    if (last >= s) {
      const a = xy[last + axis];
      if (a >= k1 && a <= k2) out.push(xy[last], xy[last + 1], xy[last + 2]);
    }
    if (closed) {
      // The cut may have left the ring open: close it.
      const c = out.xy, rs = out.runStart, m = out.n;
      if (m - rs >= 3 && (c[rs] !== c[m - 3] || c[rs + 1] !== c[m - 2])) out.push(c[rs], c[rs + 1], c[rs + 2]);
    }
    kept = out.endRun(minFloats, ext) || kept;
    if (ext) keepHoles = kept; // a polygon whose exterior is cut away loses its holes
  }
  return out.runs ? out : null;
}

/** Clips a Geometry (convenience form of clipRuns for one-off use). */
export function clipGeometry(g: Geometry, k1: number, k2: number, axis: 0 | 1): Geometry | null {
  const src = toRuns(g);
  const r = clipRuns(src, k1, k2, axis, new RunGeometry());
  return r === src ? g : r && fromRuns(r);
}
