// Drawing a tile feature again from its decoded parts, with the first drawing's validity rules
// (geometry/quantize.ts: repeated points go, rings are closed and wound, polygons made valid): for
// a tile drawn at a smaller extent (limits.ts) and for features merged into one (as-needed.ts).
import { Commands, encodeRuns, ringArea, type TileFrame } from '../geometry/quantize.js';
import { RunGeometry } from '../geometry/runs.js';
import { POLYGON, type GeomType } from '../model/geometry.js';
import type { TileFeature } from './encode-tile.js';

const scratch = new RunGeometry();
const cmds = new Commands();

/** The feature drawn from `parts` (tile coordinates, x y …) through `frame`; undefined if nothing is left. */
export function redraw(f: TileFeature, parts: number[][], frame: TileFrame): TileFeature | undefined {
  scratch.reset(f.type as GeomType);
  for (const p of parts) {
    scratch.reserve(p.length / 2 + 1);
    scratch.beginRun();
    for (let i = 0; i < p.length; i += 2) scratch.push(p[i], p[i + 1], Infinity);
    // Rings come back closed, exteriors (positive area) flagged, as the encoder expects.
    if (f.type === POLYGON) scratch.push(p[0], p[1], Infinity);
    scratch.endRun(0, f.type === POLYGON && ringArea(p) > 0 ? 1 : 0);
  }
  return encodeRuns(scratch, frame, cmds) ? { ...f, geometry: Array.from(cmds.view()) } : undefined;
}
