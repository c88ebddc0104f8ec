// TileJSON 3.0.0 (github.com/mapbox/tilejson-spec/tree/master/3.0.0) for a tileset, with martin's
// `tileGrid` key for a grid other than Web Mercator (the shape MapLibre's addProjection takes).
import { isWebMercatorQuad, type TilingScheme } from '../scheme/tiling-scheme.js';
import { centerOf, vectorLayers, type TilesetDescription, type VectorLayerJson } from './description.js';
import { tileMatrixSetId } from '../scheme/ogc-tms.js';

/** martin's tileGrid: the zoom-0 tile's top-left corner as [x, y] (easting first), its side, its matrix. */
export interface TileGridJson {
  id: string;
  crs: string;
  origin: [number, number];
  extentAtZoom0: number;
  /** [columns, rows], only when not 1 × 1. */
  matrixAtZoom0?: [number, number];
}

export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description: string;
  attribution?: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  vector_layers: VectorLayerJson[];
  tileGrid?: TileGridJson;
}

/** The tileGrid key of a scheme, or undefined for WebMercatorQuad (which needs none). */
export function tileGridJson(s: TilingScheme): TileGridJson | undefined {
  if (isWebMercatorQuad(s)) return undefined;
  const grid: TileGridJson = { id: tileMatrixSetId(s), crs: s.crs, origin: [s.originX, s.originY], extentAtZoom0: s.tileDimensionZ0 };
  if (s.matrixWidthZ0 !== 1 || s.matrixHeightZ0 !== 1) grid.matrixAtZoom0 = [s.matrixWidthZ0, s.matrixHeightZ0];
  return grid;
}

/** metadata.json's rounding (7 decimals, GDAL's %.7f), kept as numbers. */
const r7 = (n: number) => Number(n.toFixed(7));

/**
 * The TileJSON of a tileset whose tiles are at `tiles` (URL templates with {z}, {x}, {y}). `bounds`
 * and `center` are longitude/latitude, as metadata.json's; `vector_layers` are metadata.json's.
 */
export function tileJson(m: TilesetDescription, tiles: string[]): TileJson {
  const center = centerOf(m);
  return {
    tilejson: '3.0.0',
    name: m.name,
    description: m.description,
    attribution: m.attribution || undefined,
    scheme: 'xyz',
    tiles,
    minzoom: m.minzoom,
    maxzoom: m.maxzoom,
    bounds: m.bounds.map(r7) as [number, number, number, number],
    center: [r7(center[0]), r7(center[1]), Math.trunc(center[2])],
    vector_layers: vectorLayers(m.layers),
    tileGrid: tileGridJson(m.scheme),
  };
}
