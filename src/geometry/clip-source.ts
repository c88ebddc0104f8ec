// Clipping in source coordinates, before projection, to the area the scheme's CRS can take
// (projection/valid-area.ts): the stripe clipper of the tiler, run along x then y for each box.
import type { Box } from '../projection/valid-area.js';
import { clipRuns } from './clip.js';
import { RunGeometry } from './runs.js';
import { POINT, POLYGON, type GeomType } from '../model/geometry.js';

const src = new RunGeometry();
const alongX = new RunGeometry();
const alongY = new RunGeometry();

/** Is every vertex of these runs (stride 3) inside one of the boxes? The cheap test, done first. */
export function insideBoxes(runs: readonly Float64Array[], boxes: readonly Box[]): boolean {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const f of runs) {
    for (let i = 0; i < f.length; i += 3) {
      const x = f[i], y = f[i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (minX > maxX) return true; // no vertex
  return boxes.some((b) => minX >= b[0] && minY >= b[1] && maxX <= b[2] && maxY <= b[3]);
}

/** A MultiPoint's points (stride 3) that lie in some box: `points` itself when all do. */
export function pointsInBoxes(points: Float64Array, boxes: readonly Box[]): Float64Array {
  const keep: number[] = [];
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i], y = points[i + 1];
    if (boxes.some((b) => x >= b[0] && y >= b[1] && x <= b[2] && y <= b[3])) keep.push(i);
  }
  if (keep.length * 3 === points.length) return points;
  const out = new Float64Array(keep.length * 3);
  keep.forEach((i, k) => out.set(points.subarray(i, i + 3), k * 3));
  return out;
}

/**
 * Clips one line, or one polygon's rings (exterior first, closed), to the union of the boxes.
 * Returns the parts left, one list of runs per box that kept something: the pieces of the line,
 * or a polygon's exterior and the holes that survive with it (Sutherland–Hodgman, as the tiler).
 */
export function clipToBoxes(runs: readonly Float64Array[], type: GeomType, boxes: readonly Box[]): Float64Array[][] {
  if (type === POINT) throw new Error('clipToBoxes: points go through pointsInBoxes');
  src.reset(type);
  for (let r = 0; r < runs.length; r++) {
    const f = runs[r];
    src.reserve(f.length / 3);
    src.beginRun();
    for (let i = 0; i < f.length; i += 3) src.push(f[i], f[i + 1], f[i + 2]);
    src.endRun(0, type === POLYGON && r === 0 ? 1 : 0);
  }
  const out: Float64Array[][] = [];
  for (const [minX, minY, maxX, maxY] of boxes) {
    const a = clipRuns(src, minX, maxX, 0, alongX);
    const b = a && clipRuns(a, minY, maxY, 1, alongY);
    if (!b) continue;
    const part: Float64Array[] = [];
    for (let r = 0; r < b.runs; r++) {
      const run = b.xy.subarray(b.start[r], b.end[r]);
      part.push(type === POLYGON ? densifyAlongBox(run, minX, minY, maxX, maxY) : run.slice());
    }
    out.push(part);
  }
  // A polygon as big as the world on a small box leaves buffers of its size: give them back.
  for (const g of [src, alongX, alongY]) g.shrink();
  return out;
}

/** Steps per box side for the edges a polygon clip lays along it (see densifyAlongBox). */
const STEPS = 256;

/**
 * A ring cut by a box runs along its sides between the cuts. Projected, a long straight edge along a
 * parallel or a meridian becomes a chord, which can cut into the scheme (on ETRS-TM35FIN a chord
 * of the 53.6° parallel from 8°W to 40°E runs 50 km north of it). The box lies outside the
 * scheme's extent, so these edges are given points every 1/256 of the side (256 per edge along an
 * unbounded side): projected, they follow the box's outline and leave the scheme as it was.
 */
function densifyAlongBox(ring: Float64Array, minX: number, minY: number, maxX: number, maxY: number): Float64Array {
  const stepX = (maxX - minX) / STEPS, stepY = (maxY - minY) / STEPS;
  const out: number[] = [];
  for (let i = 0; i < ring.length; i += 3) {
    const x = ring[i], y = ring[i + 1];
    if (i > 0) {
      const px = ring[i - 3], py = ring[i - 2];
      // Along a horizontal side (both ends on y = minY or maxY) or a vertical one.
      const horizontal = py === y && (y === minY || y === maxY);
      const vertical = px === x && (x === minX || x === maxX);
      const n = horizontal ? steps(Math.abs(x - px), stepX) : vertical ? steps(Math.abs(y - py), stepY) : 0;
      for (let k = 1; k <= n; k++) {
        const f = k / (n + 1);
        out.push(px + (x - px) * f, py + (y - py) * f, 0);
      }
    }
    out.push(x, y, ring[i + 2]);
  }
  return Float64Array.from(out);
}

/** Points to add along an edge of this length: one per step, or STEPS when the side is unbounded. */
const steps = (length: number, step: number) => (Number.isFinite(step) ? Math.floor(length / step) : STEPS);
