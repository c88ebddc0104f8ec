// GeoJSON geometry → flat arrays in scheme units: checked, clipped to what the scheme's CRS can take,
// reprojected, with DP importance.
import type { PointTransform } from '../projection/crs.js';
import type { Box } from '../projection/valid-area.js';
import type { Float64Arena } from './arena.js';
import { clipToBoxes, insideBoxes, pointsInBoxes } from './clip-source.js';
import { PositionList } from '../model/positions.js';
import type { TilingScheme } from '../scheme/tiling-scheme.js';
import { computeImportance } from './simplify.js';
import { KEEP, LINESTRING, POINT, POLYGON, type Flat, type Geometry, type GeomType } from '../model/geometry.js';

/** Thrown for a structurally broken geometry; the caller adds the file/layer/feature. */
export class GeometryError extends Error {}

export interface ConvertContext {
  scheme: TilingScheme;
  /** Source CRS → scheme CRS, null when they are the same. */
  transform: PointTransform | null;
  /** Smallest squared tolerance (scheme units) any zoom will use; 0 = no simplification. */
  minSqTolerance: number;
  /**
   * True when every zoom simplifies (no zoom keeps all vertices): vertices that no zoom would draw
   * are then removed once here, so the tiler never clips them.
   */
  dropInvisible?: boolean;
  /** Where flat rings are allocated (views valid until its reset), instead of an array each. */
  arena?: Float64Arena;
  /**
   * Set when a part with coordinates was dropped as degenerate (a line of one point, a ring with
   * no area, or too small for any zoom's tolerance): if nothing is left, the feature collapsed,
   * which the summary tells apart from a feature that had no geometry.
   */
  collapsed?: boolean;
  /**
   * Boxes in source coordinates (projection/valid-area.ts) that positions are clipped to before they
   * are projected: far from the scheme, projections give garbage, Infinity or NaN. None: no clip.
   */
  clip?: Box[] | null;
  /**
   * Set to true when the clip removed something, so that a feature left with nothing is counted as
   * outside the scheme rather than as having no geometry. The caller resets it per feature.
   */
  clipped?: boolean;
}

/**
 * Converts one GeoJSON geometry into tiler geometries: one per point/line/polygon family, a
 * GeometryCollection giving one per member. Empty geometries give an empty array.
 */
export function convertGeometry(geom: unknown, ctx: ConvertContext): Geometry[] {
  if (geom === null || geom === undefined) return [];
  if (typeof geom !== 'object' || Array.isArray(geom)) throw new GeometryError('geometry must be an object or null');
  const g = geom as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  const c = g.coordinates;
  switch (g.type) {
    case 'Point':
      if (c instanceof PositionList) return packedPoints(c, true, ctx, () => 'Point');
      return points(isEmpty(c) ? [] : [c], ctx, () => 'Point');
    case 'MultiPoint':
      if (c instanceof PositionList) return packedPoints(c, false, ctx, () => 'MultiPoint');
      return points(array(c, 'MultiPoint coordinates'), ctx, (i) => `MultiPoint point ${i}`);
    case 'LineString':
      return lines(isEmpty(c) ? [] : [c], ctx, () => 'LineString');
    case 'MultiLineString':
      return lines(array(c, 'MultiLineString coordinates'), ctx, (i) => `MultiLineString line ${i}`);
    case 'Polygon':
      return polygons(isEmpty(c) ? [] : [c], ctx, () => 'Polygon');
    case 'MultiPolygon':
      return polygons(array(c, 'MultiPolygon coordinates'), ctx, (p) => `MultiPolygon polygon ${p}`);
    case 'GeometryCollection': {
      if (!Array.isArray(g.geometries)) throw new GeometryError('GeometryCollection needs a "geometries" array');
      return g.geometries.flatMap((m) => convertGeometry(m, ctx));
    }
    default:
      throw new GeometryError(`unknown geometry type ${JSON.stringify(g.type)}`);
  }
}

function isEmpty(c: unknown): boolean {
  if (c === undefined) throw new GeometryError('geometry has no "coordinates"');
  return Array.isArray(c) && c.length === 0;
}

function array(c: unknown, what: string): unknown[] {
  if (!Array.isArray(c)) throw c instanceof PositionList ? new Reparse() : new GeometryError(`${what} must be an array, got ${describe(c)}`);
  return c;
}

/**
 * Packed coordinates (see readers/feature-text.ts) nested other than the geometry type says: the
 * caller parses the feature again with JSON.parse and converts that, for the usual messages.
 */
export class Reparse extends Error {}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** Reads positions into a flat [x, y, 0] array in source coordinates (see project). */
function flatten(positions: unknown, ctx: ConvertContext, label: Label, at: number, ring: number, close = false): Float64Array {
  if (positions instanceof PositionList) {
    if (positions.single) throw new Reparse();
    return flattenPacked(positions.xy, ctx, close);
  }
  const what = where(label, at, ring);
  const list = array(positions, what);
  // Room for a closing point: rings that do not repeat their first point get it added.
  const out = new Float64Array((list.length + (close ? 1 : 0)) * 3);
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    if (!Array.isArray(p) || p.length < 2) throw new GeometryError(`${what}: position ${i} must be [x, y, …], got ${describe(p)}`);
    const x = p[0], y = p[1];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new GeometryError(`${what}: position ${i} has a non-numeric or non-finite coordinate: ${describe(p)}`);
    }
    out[i * 3] = x;
    out[i * 3 + 1] = y;
    out[i * 3 + 2] = 0;
  }
  if (close) {
    const n = list.length;
    if (n > 0 && (out[0] !== out[n * 3 - 3] || out[1] !== out[n * 3 - 2])) {
      out[n * 3] = out[0];
      out[n * 3 + 1] = out[1];
      return out;
    }
    return out.subarray(0, n * 3);
  }
  return out;
}

/** flatten for packed x, y pairs: JSON numbers are finite, so there is nothing to check. */
function flattenPacked(xy: Float64Array, ctx: ConvertContext, close: boolean): Float64Array {
  const n = xy.length / 2;
  // Most rings repeat their first point: then no room for a closing one (and no view to cut it off).
  const closed = n > 0 && xy[0] === xy[2 * n - 2] && xy[1] === xy[2 * n - 1];
  const size = (n + (close && !closed ? 1 : 0)) * 3;
  const out = ctx.arena ? ctx.arena.alloc(size) : new Float64Array(size);
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    out[o] = xy[2 * i];
    out[o + 1] = xy[2 * i + 1];
    out[o + 2] = 0; // arena memory is not zeroed
  }
  if (!close || closed) return out;
  if (n > 0 && (out[0] !== out[n * 3 - 3] || out[1] !== out[n * 3 - 2])) {
    out[n * 3] = out[0];
    out[n * 3 + 1] = out[1];
    out[n * 3 + 2] = 0;
    return out;
  }
  return out.subarray(0, n * 3);
}

/**
 * Source coordinates → scheme units, in place. Positions that cannot be projected are an error
 * (they lie in the area the clip keeps, see ConvertContext.clip); `clipped` says the list was cut,
 * so that its position numbers are not those of the file.
 */
function project(f: Float64Array, ctx: ConvertContext, label: Label, at: number, ring: number, clipped: boolean): Float64Array {
  const { transform, scheme } = ctx;
  const { originX, originY, tileDimensionZ0: d } = scheme;
  for (let o = 0; o < f.length; o += 3) {
    if (transform) {
      const x = f[o], y = f[o + 1];
      transform(f, o);
      if (!Number.isFinite(f[o]) || !Number.isFinite(f[o + 1])) {
        const which = clipped ? 'a position clipped from' : `position ${o / 3}`;
        throw new GeometryError(`${where(label, at, ring)}: ${which} ${describe([x, y])} cannot be projected to ${scheme.crs}`);
      }
    }
    f[o] = (f[o] - originX) / d;
    f[o + 1] = (originY - f[o + 1]) / d;
  }
  return f;
}

/** Names part i of a geometry in messages ("MultiPolygon polygon 3"). */
type Label = (i: number) => string;

/** What a message calls a position list: built only for a message (a string per ring adds up). */
const where = (label: Label, i: number, ring: number) => (ring < 0 ? label(i) : `${label(i)} ring ${ring}`);

/** A Point's lone position or a MultiPoint's list, already packed. */
function packedPoints(c: PositionList, single: boolean, ctx: ConvertContext, label: Label): Geometry[] {
  if (c.single !== single) throw new Reparse();
  return c.length ? placePoints(flattenPacked(c.xy, ctx, false), ctx, label) : [];
}

function points(list: unknown[], ctx: ConvertContext, label: Label): Geometry[] {
  if (list.length === 0) return [];
  if (list.length === 1) return placePoints(flatten(list, ctx, label, 0, -1), ctx, label);
  const flat = new Float64Array(list.length * 3);
  list.forEach((p, i) => flat.set(flatten([p], ctx, label, i, -1), i * 3));
  return placePoints(flat, ctx, label);
}

/** Points in source coordinates: those in the clip's area, projected. */
function placePoints(flat: Float64Array, ctx: ConvertContext, label: Label): Geometry[] {
  const kept = ctx.clip ? pointsInBoxes(flat, ctx.clip) : flat;
  if (kept !== flat) ctx.clipped = true;
  return kept.length ? [{ type: POINT, points: project(kept, ctx, label, 0, -1, kept !== flat) }] : [];
}

/**
 * One line, or one polygon's rings, in source coordinates → the parts in the clip's area: the
 * runs themselves when they lie inside (the usual case, checked on their extent), else clipped
 * copies, one list of runs per part.
 */
function inArea(runs: Float64Array[], type: GeomType, ctx: ConvertContext): Float64Array[][] {
  if (!ctx.clip || insideBoxes(runs, ctx.clip)) return [runs];
  ctx.clipped = true;
  return clipToBoxes(runs, type, ctx.clip);
}

function lines(list: unknown[], ctx: ConvertContext, label: Label): Geometry[] {
  const out: Flat[] = [];
  list.forEach((line, i) => {
    const source = flatten(line, ctx, label, i, -1);
    if (source.length < 6) {
      if (source.length) ctx.collapsed = true;
      return;
    }
    for (const [piece] of inArea([source], LINESTRING, ctx)) {
      let f = project(piece, ctx, label, i, -1, piece !== source);
      if (ctx.minSqTolerance > 0) {
        computeImportance(f, ctx.minSqTolerance);
        if (ctx.dropInvisible) f = keepVisible(f, ctx.minSqTolerance);
      } else markAll(f);
      out.push(f);
    }
  });
  return out.length ? [{ type: LINESTRING, lines: out }] : [];
}

function polygons(list: unknown[], ctx: ConvertContext, label: Label): Geometry[] {
  const out: Flat[][] = [];
  list.forEach((poly, p) => {
    if (!Array.isArray(poly)) array(poly, label(p)); // throws the message
    const source = (poly as unknown[]).map((ring, r) => flatten(ring, ctx, label, p, r, true));
    if (source.length === 0) return;
    for (const part of inArea(source, POLYGON, ctx)) {
      const rings: Flat[] = [];
      part.forEach((ring, r) => {
        let f = project(ring, ctx, label, p, r, part !== source);
        if (r > 0 && rings.length === 0) return; // no exterior, so no holes
        if (f.length >= 12 && ctx.minSqTolerance > 0) {
          computeImportance(f, ctx.minSqTolerance);
          if (ctx.dropInvisible) f = keepVisible(f, ctx.minSqTolerance);
        } else markAll(f);
        if (f.length < 12) {
          if (r === 0) rings.length = 0;
          if (f.length) ctx.collapsed = true;
          return;
        }
        rings.push(f);
      });
      if (rings.length) out.push(rings);
    }
  });
  return out.length ? [{ type: POLYGON, polygons: out }] : [];
}

/** The vertices some zoom will draw (importance above the smallest tolerance), compacted. */
function keepVisible(f: Float64Array, minSqTolerance: number): Float64Array {
  let n = 0;
  for (let i = 0; i < f.length; i += 3) {
    if (f[i + 2] > minSqTolerance) {
      f[n] = f[i];
      f[n + 1] = f[i + 1];
      f[n + 2] = f[i + 2];
      n += 3;
    }
  }
  return n === f.length ? f : f.subarray(0, n);
}

function markAll(f: Flat): void {
  for (let i = 2; i < f.length; i += 3) f[i] = KEEP;
}
