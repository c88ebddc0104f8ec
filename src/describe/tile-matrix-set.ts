// A tiling scheme as an OGC Two Dimensional Tile Matrix Set 2.0 document (docs.ogc.org/is/17-083r4):
// one tile matrix per zoom, 256-pixel tiles, scale denominators for the standard 0.28 mm pixel, and
// the point of origin in the CRS's own axis order (latitude first for EPSG:4326).
import { crsAxisOrder, crsUri, metersPerUnit } from '../projection/crs-info.js';
import { resolveCrs } from '../projection/crs.js';
import { cellSize, OGC_REGISTRY, presetOf, scaleDenominator, TILE_PIXELS, tileMatrixSetId, type AxisOrder } from '../scheme/ogc-tms.js';
import { formatTilingScheme, type TilingScheme } from '../scheme/tiling-scheme.js';

export interface TileMatrixJson {
  id: string;
  scaleDenominator: number;
  cellSize: number;
  cornerOfOrigin: 'topLeft';
  pointOfOrigin: [number, number];
  tileWidth: number;
  tileHeight: number;
  matrixWidth: number;
  matrixHeight: number;
}

export interface TileMatrixSetJson {
  id: string;
  title: string;
  description: string;
  uri?: string;
  crs: string;
  orderedAxes: [string, string];
  wellKnownScaleSet?: string;
  tileMatrices: TileMatrixJson[];
}

/** The OGC axis abbreviations for an axis order, as the registry writes them. */
function axesOf(order: AxisOrder, geographic: boolean): [string, string] {
  if (geographic) return order === 'en' ? ['Lon', 'Lat'] : ['Lat', 'Lon'];
  return order === 'en' ? ['E', 'N'] : ['N', 'E'];
}

/**
 * The scheme's tile matrices for zooms `zooms` (default 0..maxzoom): `cellSize` is a tile's side over
 * 256 pixels, `scaleDenominator` that cell size in metres over 0.28 mm (degrees count as 2π·6378137/360
 * m, as in the registry's WorldCRS84Quad).
 */
export function tileMatrixSetJson(s: TilingScheme, options: { maxzoom: number; zooms?: number[] }): TileMatrixSetJson {
  const crs = resolveCrs(s.crs);
  const order = crsAxisOrder(crs);
  const mpu = metersPerUnit(crs);
  const preset = presetOf(s);
  const registry = preset?.name ? OGC_REGISTRY[preset.name] : undefined;
  const zooms = options.zooms ?? Array.from({ length: options.maxzoom + 1 }, (_, z) => z);
  const point: [number, number] = order === 'en' ? [s.originX, s.originY] : [s.originY, s.originX];
  return {
    id: tileMatrixSetId(s),
    title: registry?.title ?? preset?.name ?? s.name ?? formatTilingScheme(s),
    description: `GDAL's TILING_SCHEME=${formatTilingScheme(s)}`,
    uri: registry?.uri,
    crs: crsUri(crs),
    orderedAxes: axesOf(order, crs.geographic),
    wellKnownScaleSet: registry?.wellKnownScaleSet,
    tileMatrices: zooms.map((z) => ({
      id: String(z),
      scaleDenominator: scaleDenominator(s, z, mpu),
      cellSize: cellSize(s, z),
      cornerOfOrigin: 'topLeft',
      pointOfOrigin: point,
      tileWidth: TILE_PIXELS,
      tileHeight: TILE_PIXELS,
      matrixWidth: s.matrixWidthZ0 * 2 ** z,
      matrixHeight: s.matrixHeightZ0 * 2 ** z,
    })),
  };
}
