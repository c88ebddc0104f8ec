// A built tileset's metadata as read back: metadata.json (GDAL's MVT driver layout) or the rows of an
// MBTiles `metadata` table, both with the `json` member (vector_layers, tilestats) and, for a custom
// grid, the tiling-scheme keys GDAL writes (crs, tile_origin_upper_left_x/y, tile_dimension_zoom_0,
// tile_matrix_width/height_zoom_0). Lenient: what is missing or malformed is noted, not thrown.
import { PRESETS, WEB_MERCATOR, type TilingScheme } from '../scheme/tiling-scheme.js';

export interface VectorLayerInfo {
  id: string;
  description?: string;
  minzoom?: number;
  maxzoom?: number;
  /** Field name → type as written (`Number`, `String`, `Boolean`). */
  fields: Record<string, string>;
}

export interface TilesetInfo {
  name?: string;
  description?: string;
  minzoom?: number;
  maxzoom?: number;
  /** [minLon, minLat, maxLon, maxLat] */
  bounds?: [number, number, number, number];
  /** [lon, lat, zoom] */
  center?: [number, number, number];
  format?: string;
  /** The tile grid: from the metadata's scheme keys, else WebMercatorQuad (what GDAL assumes). */
  scheme: TilingScheme;
  /** True when the metadata named the grid (the scheme keys); false when WebMercatorQuad was assumed. */
  schemeGiven: boolean;
  layers: VectorLayerInfo[];
  tilestats?: unknown;
  /** The keys as stored (values as read: numbers and strings in metadata.json, text in MBTiles). */
  raw: Record<string, unknown>;
  /** What could not be read (a missing metadata.json, a malformed key), for inspect and validate to report. */
  problems: string[];
}

const number = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

function numberList(v: unknown, n: number): number[] | undefined {
  const parts = Array.isArray(v) ? v.map(number) : typeof v === 'string' ? v.split(',').map(number) : [];
  return parts.length === n && parts.every((p) => p !== undefined) ? (parts as number[]) : undefined;
}

/** Reads the metadata keys of either store; `problems` gets what is missing or malformed. */
export function parseTilesetMetadata(raw: Record<string, unknown>, problems: string[] = []): TilesetInfo {
  const info: TilesetInfo = { scheme: { ...WEB_MERCATOR }, schemeGiven: false, layers: [], raw, problems };
  if (typeof raw.name === 'string') info.name = raw.name;
  if (typeof raw.description === 'string') info.description = raw.description;
  if (typeof raw.format === 'string') info.format = raw.format;
  for (const key of ['minzoom', 'maxzoom'] as const) {
    if (raw[key] === undefined) continue;
    const z = number(raw[key]);
    if (z === undefined || !Number.isInteger(z) || z < 0) problems.push(`metadata "${key}" is not a zoom level: ${JSON.stringify(raw[key])}`);
    else info[key] = z;
  }
  if (raw.bounds !== undefined) {
    const b = numberList(raw.bounds, 4);
    if (b) info.bounds = b as TilesetInfo['bounds'];
    else problems.push(`metadata "bounds" is not 4 numbers: ${JSON.stringify(raw.bounds)}`);
  }
  if (raw.center !== undefined) {
    const c = numberList(raw.center, 3);
    if (c) info.center = c as TilesetInfo['center'];
    else problems.push(`metadata "center" is not 3 numbers: ${JSON.stringify(raw.center)}`);
  }
  readScheme(raw, info, problems);
  readJson(raw, info, problems);
  return info;
}

function readScheme(raw: Record<string, unknown>, info: TilesetInfo, problems: string[]): void {
  if (raw.crs === undefined) return;
  if (typeof raw.crs !== 'string' || !raw.crs.trim()) {
    problems.push(`metadata "crs" is not a CRS: ${JSON.stringify(raw.crs)}`);
    return;
  }
  const originX = number(raw.tile_origin_upper_left_x), originY = number(raw.tile_origin_upper_left_y);
  const dim = number(raw.tile_dimension_zoom_0);
  const w = raw.tile_matrix_width_zoom_0 === undefined ? 1 : number(raw.tile_matrix_width_zoom_0);
  const h = raw.tile_matrix_height_zoom_0 === undefined ? 1 : number(raw.tile_matrix_height_zoom_0);
  const bad = [
    originX === undefined && 'tile_origin_upper_left_x',
    originY === undefined && 'tile_origin_upper_left_y',
    !(dim !== undefined && dim > 0) && 'tile_dimension_zoom_0',
    !(w !== undefined && Number.isInteger(w) && w >= 1) && 'tile_matrix_width_zoom_0',
    !(h !== undefined && Number.isInteger(h) && h >= 1) && 'tile_matrix_height_zoom_0',
  ].filter(Boolean);
  if (bad.length) {
    problems.push(`metadata names crs ${raw.crs} but ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} missing or invalid: WebMercatorQuad assumed`);
    return;
  }
  const scheme: TilingScheme = { crs: raw.crs.trim(), originX: originX!, originY: originY!, tileDimensionZ0: dim!, matrixWidthZ0: w!, matrixHeightZ0: h! };
  const preset = Object.values(PRESETS).find((p) =>
    p.crs.toLowerCase() === scheme.crs.toLowerCase() && Math.abs(p.originX - scheme.originX) < 1e-6 && Math.abs(p.originY - scheme.originY) < 1e-6 &&
    Math.abs(p.tileDimensionZ0 - scheme.tileDimensionZ0) < 1e-6 && p.matrixWidthZ0 === scheme.matrixWidthZ0 && p.matrixHeightZ0 === scheme.matrixHeightZ0);
  if (preset) scheme.name = preset.name;
  info.scheme = scheme;
  info.schemeGiven = true;
}

function readJson(raw: Record<string, unknown>, info: TilesetInfo, problems: string[]): void {
  if (raw.json === undefined) return;
  let doc: unknown = raw.json;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      problems.push(`metadata "json" is not JSON: ${(e as Error).message}`);
      return;
    }
  }
  const d = doc as { vector_layers?: unknown; tilestats?: unknown };
  if (!d || typeof d !== 'object') return;
  if (Array.isArray(d.vector_layers)) {
    for (const l of d.vector_layers as Record<string, unknown>[]) {
      if (!l || typeof l.id !== 'string') {
        problems.push(`metadata vector_layers has an entry without an "id"`);
        continue;
      }
      const fields: Record<string, string> = {};
      if (l.fields && typeof l.fields === 'object') for (const [k, v] of Object.entries(l.fields)) fields[k] = String(v);
      info.layers.push({
        id: l.id,
        description: typeof l.description === 'string' ? l.description : undefined,
        minzoom: number(l.minzoom),
        maxzoom: number(l.maxzoom),
        fields,
      });
    }
  }
  if (d.tilestats !== undefined) info.tilestats = d.tilestats;
}
