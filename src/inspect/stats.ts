// `inspect --stats`: per zoom, the tiles and their stored sizes (min / median / max, the largest
// ten), and per layer the tiles holding it, features by MVT geometry type, the layer's bytes and
// its fields with the value types seen. One pass over the tiles; only the sizes are kept per tile.
import type { Tileset } from '../tileset/tileset.js';
import { inflateTile } from '../tileset/tile-data.js';
import { tileLayers } from './decode.js';

export const GEOMETRY_TYPES = ['Unknown', 'Point', 'LineString', 'Polygon'] as const;
export type GeometryTypeName = (typeof GEOMETRY_TYPES)[number];

export interface FieldStats {
  /** Value types seen: `string`, `number`, `boolean`. */
  types: string[];
  /** Features that have the field. */
  features: number;
}

export interface LayerStats {
  /** Tiles holding the layer. */
  tiles: number;
  features: number;
  /** Features by MVT geometry type (a Point counts its MultiPoints, and so on). */
  geometryTypes: Record<GeometryTypeName, number>;
  /** Bytes of the layer's messages, uncompressed, summed over its tiles. */
  bytes: number;
  fields: Record<string, FieldStats>;
}

export interface SizeStats {
  total: number;
  min: number;
  median: number;
  max: number;
}

export interface ZoomStats {
  zoom: number;
  tiles: number;
  /** Stored sizes (gzip-compressed as written, unless --no-compress). */
  bytes: SizeStats;
  /** Total size of the tiles once inflated. */
  uncompressedBytes: number;
  /** Tiles stored gzip- or zlib-compressed. */
  compressedTiles: number;
  /** The ten largest tiles (stored bytes), largest first. */
  largest: { tile: string; bytes: number }[];
  features: number;
  layers: Record<string, LayerStats>;
  /** Tiles that would not inflate or decode: counted, not described (see validate). */
  unreadable: number;
}

export interface TilesetStats {
  path: string;
  format: 'directory' | 'mbtiles' | 'pmtiles';
  tiles: number;
  bytes: number;
  features: number;
  zooms: ZoomStats[];
}

const LARGEST = 10;

class ZoomAccumulator {
  readonly sizes: number[] = [];
  readonly stats: ZoomStats;
  constructor(zoom: number) {
    this.stats = { zoom, tiles: 0, bytes: { total: 0, min: 0, median: 0, max: 0 }, uncompressedBytes: 0, compressedTiles: 0, largest: [], features: 0, layers: {}, unreadable: 0 };
  }

  add(tile: string, data: Uint8Array): void {
    const s = this.stats;
    s.tiles++;
    s.bytes.total += data.length;
    this.sizes.push(data.length);
    const big = s.largest;
    if (big.length < LARGEST || data.length > big[big.length - 1].bytes) {
      big.push({ tile, bytes: data.length });
      big.sort((a, b) => b.bytes - a.bytes);
      if (big.length > LARGEST) big.pop();
    }
    try {
      const inflated = inflateTile(data);
      if (inflated.compression !== 'none') s.compressedTiles++;
      s.uncompressedBytes += inflated.data.length;
      for (const { name, bytes, layer } of tileLayers(inflated.data)) {
        const l = (s.layers[name] ??= { tiles: 0, features: 0, geometryTypes: { Unknown: 0, Point: 0, LineString: 0, Polygon: 0 }, bytes: 0, fields: {} });
        l.tiles++;
        l.bytes += bytes;
        l.features += layer.length;
        s.features += layer.length;
        for (let i = 0; i < layer.length; i++) {
          const f = layer.feature(i);
          l.geometryTypes[GEOMETRY_TYPES[f.type] ?? 'Unknown']++;
          for (const [k, v] of Object.entries(f.properties)) {
            const field = (l.fields[k] ??= { types: [], features: 0 });
            field.features++;
            const t = typeof v;
            if (!field.types.includes(t)) field.types.push(t);
          }
        }
      }
    } catch {
      s.unreadable++;
    }
  }

  finish(): ZoomStats {
    const sizes = this.sizes.sort((a, b) => a - b), n = sizes.length;
    const b = this.stats.bytes;
    if (n) {
      b.min = sizes[0];
      b.max = sizes[n - 1];
      b.median = n % 2 ? sizes[(n - 1) / 2] : (sizes[n / 2 - 1] + sizes[n / 2]) / 2;
    }
    for (const l of Object.values(this.stats.layers)) for (const f of Object.values(l.fields)) f.types.sort();
    return this.stats;
  }
}

/** Statistics of every tile (or of zoom `zoom` only). */
export async function tilesetStats(tileset: Tileset, options: { zoom?: number } = {}): Promise<TilesetStats> {
  const zooms = new Map<number, ZoomAccumulator>();
  for await (const t of tileset.tiles({ zoom: options.zoom })) {
    let acc = zooms.get(t.z);
    if (!acc) zooms.set(t.z, (acc = new ZoomAccumulator(t.z)));
    acc.add(`${t.z}/${t.x}/${t.y}`, t.data);
  }
  const out: TilesetStats = { path: tileset.path, format: tileset.format, tiles: 0, bytes: 0, features: 0, zooms: [] };
  for (const z of [...zooms.keys()].sort((a, b) => a - b)) {
    const s = zooms.get(z)!.finish();
    out.zooms.push(s);
    out.tiles += s.tiles;
    out.bytes += s.bytes.total;
    out.features += s.features;
  }
  return out;
}
