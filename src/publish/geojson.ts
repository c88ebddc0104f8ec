// Two walks over a GeoJSON geometry's positions that the publish job needs in several places.
import type { GeoJSONGeometry, Position } from '../readers/wkb.js';

/** The same geometry with every position replaced by `f(position)`. */
export function mapPositions(g: GeoJSONGeometry, f: (c: Position) => Position): GeoJSONGeometry {
  switch (g.type) {
    case 'Point':
      return { type: g.type, coordinates: f(g.coordinates) };
    case 'LineString':
    case 'MultiPoint':
      return { type: g.type, coordinates: g.coordinates.map(f) };
    case 'Polygon':
    case 'MultiLineString':
      return { type: g.type, coordinates: g.coordinates.map((r) => r.map(f)) };
    case 'MultiPolygon':
      return { type: g.type, coordinates: g.coordinates.map((poly) => poly.map((r) => r.map(f))) };
    case 'GeometryCollection':
      return { type: g.type, geometries: g.geometries.map((m) => mapPositions(m, f)) };
  }
}

/** Every position of the geometry, in order. */
export function positions(g: GeoJSONGeometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'LineString':
    case 'MultiPoint':
      return g.coordinates;
    case 'Polygon':
    case 'MultiLineString':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
    case 'GeometryCollection':
      return g.geometries.flatMap(positions);
  }
}
