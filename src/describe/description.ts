// What the descriptors describe: the part of a tileset's metadata they need (writers/metadata.ts's
// TilesetMetadata is this and more), and the pieces metadata.json shares with them.
import type { LayerSchema } from '../model/layer-schema.js';
import type { TilingScheme } from '../scheme/tiling-scheme.js';
import type { TileRanges } from './tile-ranges.js';

export interface TilesetDescription {
  name: string;
  description: string;
  minzoom: number;
  maxzoom: number;
  /** [minLon, minLat, maxLon, maxLat] */
  bounds: [number, number, number, number];
  /** [lon, lat, zoom]; defaults to the middle of bounds at minzoom. */
  center?: [number, number, number];
  scheme: TilingScheme;
  layers: LayerSchema[];
  /** Shown by clients as the data's credit (TileJSON and OGC `attribution`). */
  attribution?: string;
  /** The tiles written, per zoom: tileset.json's tileMatrixSetLimits. Without it, no limits are given. */
  tileRanges?: TileRanges;
  /** Absolute URL the tileset is served from; without it the descriptors' URLs are relative. */
  baseUrl?: string;
}

/** The center given, or the middle of the bounds at minzoom (as metadata.json has it). */
export function centerOf(m: TilesetDescription): [number, number, number] {
  const [minX, minY, maxX, maxY] = m.bounds;
  return m.center ?? [(minX + maxX) / 2, (minY + maxY) / 2, m.minzoom];
}

export interface VectorLayerJson {
  id: string;
  description: string;
  minzoom: number;
  maxzoom: number;
  fields: Record<string, string>;
}

/**
 * `vector_layers` as GDAL writes them and TileJSON has them: each layer's zooms are those it has tiles
 * at (its configured ones when it has none), its fields' types `String`, `Number` or `Boolean`.
 */
export function vectorLayers(layers: LayerSchema[]): VectorLayerJson[] {
  return layers.map((l) => ({
    id: l.name,
    description: l.description,
    minzoom: Number.isFinite(l.zoomMin) ? l.zoomMin : l.minzoom,
    maxzoom: Number.isFinite(l.zoomMax) ? l.zoomMax : l.maxzoom,
    fields: Object.fromEntries([...l.fields].map(([k, f]) => [k, f.type ?? 'String'])),
  }));
}
