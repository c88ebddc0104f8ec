// An OGC API – Tiles tileset document (OGC 20-057, its JSON schema in 2D-Tile-Matrix-Set's tileSet.json)
// for static hosting: what OpenLayers' ol/source/OGCVectorTile reads (ogcTileUtil.js) — dataType,
// the `item` link of type application/vnd.mapbox-vector-tile, the tile matrix set embedded, and
// tileMatrixSetLimits — so that a custom grid shows with no grid code.
import { centerOf, vectorLayers, type TilesetDescription } from './description.js';
import { tileMatrixSetJson, type TileMatrixSetJson } from './tile-matrix-set.js';

export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile';
export const TILING_SCHEME_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

export interface OgcLink {
  rel: string;
  type: string;
  title: string;
  href: string;
  templated?: boolean;
}

export interface TileMatrixLimitsJson {
  tileMatrix: string;
  minTileRow: number;
  maxTileRow: number;
  minTileCol: number;
  maxTileCol: number;
}

export interface OgcTilesetJson {
  title: string;
  description: string;
  attribution?: string;
  dataType: 'vector';
  crs: string;
  tileMatrixSetURI?: string;
  tileMatrixSet: TileMatrixSetJson;
  tileMatrixSetLimits?: TileMatrixLimitsJson[];
  boundingBox: { lowerLeft: [number, number]; upperRight: [number, number]; crs: string };
  centerPoint: { coordinates: [number, number]; crs: string; tileMatrix: string };
  mediaTypes: string[];
  links: OgcLink[];
  layers: {
    id: string;
    description: string;
    dataType: 'vector';
    geometryDimension?: number;
    minTileMatrix: string;
    maxTileMatrix: string;
    propertiesSchema: { type: 'object'; properties: Record<string, { type: string }> };
  }[];
}

export interface OgcTilesetHrefs {
  /** Tile URL template with {tileMatrix}, {tileCol} and {tileRow}. */
  tiles: string;
  tileMatrixSet: string;
  tileJson?: string;
}

/**
 * The tileset document. Its embedded `tileMatrixSet` has the matrices of the zooms that have tiles
 * (minzoom..maxzoom without `tileRanges`, or when there are none): OpenLayers numbers its zoom levels
 * by the matrices it is given limits for, in the order of the embedded set, and fails on a gap. The
 * whole scheme, from zoom 0, is in the file the `tiling-scheme` link names. tileMatrixSetLimits are
 * the rectangle of columns and rows around the tiles of each zoom, so a client asks for none outside.
 */
export function ogcTileset(m: TilesetDescription, hrefs: OgcTilesetHrefs): OgcTilesetJson {
  const ranges = m.tileRanges;
  const withTiles = ranges ? Object.keys(ranges).map(Number).sort((a, b) => a - b) : [];
  const zooms = withTiles.length ? withTiles : Array.from({ length: m.maxzoom - m.minzoom + 1 }, (_, i) => m.minzoom + i);
  const tms = tileMatrixSetJson(m.scheme, { maxzoom: m.maxzoom, zooms });
  const [w, s, e, n] = m.bounds.map((v) => Number(v.toFixed(7))); // as metadata.json's
  const center = centerOf(m);
  const links: OgcLink[] = [
    { rel: 'item', type: MVT_MEDIA_TYPE, title: 'Mapbox vector tiles', href: hrefs.tiles, templated: true },
    { rel: TILING_SCHEME_REL, type: 'application/json', title: `Tile matrix set ${tms.id}`, href: hrefs.tileMatrixSet },
  ];
  if (hrefs.tileJson) links.push({ rel: 'alternate', type: 'application/json', title: 'TileJSON', href: hrefs.tileJson });
  return {
    title: m.name,
    description: m.description,
    attribution: m.attribution || undefined,
    dataType: 'vector',
    crs: tms.crs,
    tileMatrixSetURI: tms.uri,
    tileMatrixSet: tms,
    tileMatrixSetLimits: ranges
      ? withTiles.map((z) => {
          const r = ranges[z];
          return { tileMatrix: String(z), minTileRow: r.minY, maxTileRow: r.maxY, minTileCol: r.minX, maxTileCol: r.maxX };
        })
      : undefined,
    boundingBox: { lowerLeft: [w, s], upperRight: [e, n], crs: CRS84 },
    centerPoint: { coordinates: [Number(center[0].toFixed(7)), Number(center[1].toFixed(7))], crs: CRS84, tileMatrix: String(Math.trunc(center[2])) },
    mediaTypes: [MVT_MEDIA_TYPE],
    links,
    layers: vectorLayers(m.layers).map((v, i) => {
      const l = m.layers[i];
      const kinds = l.geometryCounts.slice(1).map((c, dim) => (c > 0 ? dim : -1)).filter((d) => d >= 0);
      return {
        id: v.id,
        description: v.description,
        dataType: 'vector' as const,
        // 0 points, 1 lines, 2 polygons; left out for a layer of mixed kinds.
        geometryDimension: kinds.length === 1 ? kinds[0] : undefined,
        minTileMatrix: String(v.minzoom),
        maxTileMatrix: String(v.maxzoom),
        propertiesSchema: {
          type: 'object' as const,
          properties: Object.fromEntries(
            [...l.fields].map(([k, f]) => [k, { type: f.type === 'Number' ? (f.real ? 'number' : 'integer') : f.type === 'Boolean' ? 'boolean' : 'string' }]),
          ),
        },
      };
    }),
  };
}
