// metadata.json as GDAL's MVT writer lays it out, so that `ogrinfo DIR/{z}` gets layers, fields,
// geometry types, bounds and the tiling scheme back.
import { isWebMercatorQuad } from '../scheme/tiling-scheme.js';
import type { LayerSchema } from '../model/layer-schema.js';
import { crsDefinitionKeys } from '../describe/crs-keys.js';
import { vectorLayers, type TilesetDescription } from '../describe/description.js';
import { gdalStringify, Real, type JsonValue } from './gdal-json.js';

/** What a sink's commit() gets: the descriptors' part (describe/description.ts) and GDAL's `type`. */
export interface TilesetMetadata extends TilesetDescription {
  type: 'overlay' | 'baselayer';
}

/** The `json` member: vector_layers and tilestats. */
export function vectorLayersJson(layers: LayerSchema[]): { vector_layers: JsonValue[]; tilestats: JsonValue } {
  return {
    vector_layers: vectorLayers(layers) as unknown as JsonValue[],
    tilestats: {
      layerCount: layers.length,
      layers: layers.map((l) => ({
        layer: l.name,
        count: l.featureCount,
        geometry: l.geometryName(),
        attributeCount: l.fields.size,
        attributes: [...l.fields].map(([name, f]) => {
          const num = (n: number) => (f.real ? new Real(n) : n);
          const values = [...f.values].sort(compareValues);
          const isNumber = f.type === 'Number' && f.distinct.size > 0;
          return {
            attribute: name,
            count: f.distinct.size,
            type: (f.type ?? 'String').toLowerCase(),
            values: values.map((v) => (typeof v === 'number' ? num(v) : v)),
            min: isNumber ? num(f.min) : undefined,
            max: isNumber ? num(f.max) : undefined,
          };
        }),
      })),
    },
  };
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a), sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const f7 = (n: number) => n.toFixed(7);

export function metadataJson(m: TilesetMetadata): string {
  const [minX, minY, maxX, maxY] = m.bounds;
  const center = m.center ?? [(minX + maxX) / 2, (minY + maxY) / 2, m.minzoom];
  const s = m.scheme;
  const custom = !isWebMercatorQuad(s);
  const doc: JsonValue = {
    name: m.name,
    description: m.description,
    version: 2,
    minzoom: m.minzoom,
    maxzoom: m.maxzoom,
    center: `${f7(center[0])},${f7(center[1])},${Math.trunc(center[2])}`,
    bounds: m.bounds.map(f7).join(','),
    type: m.type,
    format: 'pbf',
    crs: custom ? s.crs : undefined,
    tile_origin_upper_left_x: custom ? new Real(s.originX) : undefined,
    tile_origin_upper_left_y: custom ? new Real(s.originY) : undefined,
    tile_dimension_zoom_0: custom ? new Real(s.tileDimensionZ0) : undefined,
    // Integers: GDAL ignores "2.0" or "2" here. Written only when not 1, as GDAL does.
    tile_matrix_width_zoom_0: custom && (s.matrixWidthZ0 !== 1 || s.matrixHeightZ0 !== 1) ? s.matrixWidthZ0 : undefined,
    tile_matrix_height_zoom_0: custom && (s.matrixWidthZ0 !== 1 || s.matrixHeightZ0 !== 1) ? s.matrixHeightZ0 : undefined,
    // Not GDAL's (its reader ignores them): the CRS spelt out, so that a client need not look it up.
    ...(custom ? crsDefinitionKeys(s) : {}),
    json: gdalStringify(vectorLayersJson(m.layers) as unknown as JsonValue),
  };
  return gdalStringify(doc); // GDAL ends the file without a newline
}
