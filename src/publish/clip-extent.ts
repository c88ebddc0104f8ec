// The publish `extent`: each feature cut to a box of the target SRS before it is tiled (its attribute
// file keeps the whole geometry). The tiler's stripe clipper does the cutting, along x then y; a
// polygon comes out as Sutherland–Hodgman leaves it, which the tiler's repair makes valid per tile.
import { clipGeometry } from '../geometry/clip.js';
import { LINESTRING, POLYGON, type Flat, type Geometry } from '../model/geometry.js';
import type { GeoJSONGeometry, Position } from '../readers/wkb.js';
import { positions } from './geojson.js';

export type Box = [number, number, number, number];

/** The part of `g` inside `box`, or null when nothing is left. `g` itself when it lies wholly inside. */
export function clipToExtent(g: GeoJSONGeometry, box: Box): GeoJSONGeometry | null {
  const [minX, minY, maxX, maxY] = box;
  const b = bboxOf(g);
  if (b[0] >= minX && b[1] >= minY && b[2] <= maxX && b[3] <= maxY) return g;
  if (b[0] > maxX || b[2] < minX || b[1] > maxY || b[3] < minY) return null;
  const inside = ([x, y]: Position) => x >= minX && x <= maxX && y >= minY && y <= maxY;
  const cut = (flat: Geometry): Geometry | null => {
    const a = clipGeometry(flat, minX, maxX, 0);
    return a && clipGeometry(a, minY, maxY, 1);
  };
  switch (g.type) {
    case 'Point':
      return inside(g.coordinates) ? g : null;
    case 'MultiPoint': {
      const kept = g.coordinates.filter(inside);
      return kept.length ? { type: 'MultiPoint', coordinates: kept } : null;
    }
    case 'LineString':
    case 'MultiLineString': {
      const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
      const r = cut({ type: LINESTRING, lines: lines.map(flatOf) });
      if (!r || r.type !== LINESTRING) return null;
      const out = r.lines.map(positionsOf);
      return out.length === 1 ? { type: 'LineString', coordinates: out[0] } : { type: 'MultiLineString', coordinates: out };
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      const r = cut({ type: POLYGON, polygons: polygons.map((p) => p.map(flatOf)) });
      if (!r || r.type !== POLYGON) return null;
      const out = r.polygons.map((p) => p.map(positionsOf));
      return out.length === 1 ? { type: 'Polygon', coordinates: out[0] } : { type: 'MultiPolygon', coordinates: out };
    }
    case 'GeometryCollection': {
      const kept = g.geometries.map((m) => clipToExtent(m, box)).filter((m): m is GeoJSONGeometry => m !== null);
      return kept.length ? { type: 'GeometryCollection', geometries: kept } : null;
    }
  }
}

/** Positions as the tiler's flat runs (stride 3; the importance slot unused here). */
function flatOf(ps: Position[]): Flat {
  const f = new Float64Array(ps.length * 3);
  ps.forEach(([x, y], i) => {
    f[i * 3] = x;
    f[i * 3 + 1] = y;
  });
  return f;
}

function positionsOf(f: Flat): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < f.length; i += 3) out.push([f[i], f[i + 1]]);
  return out;
}

/** [minX, minY, maxX, maxY] of every position (Infinity for an empty geometry). */
export function bboxOf(g: GeoJSONGeometry): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of positions(g)) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}
