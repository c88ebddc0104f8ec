// A tile decoded to GeoJSON features with @mapbox/vector-tile, in tile coordinates, in the tiling
// scheme's CRS or in longitude/latitude. Layers are found by our own walk (validate's), so two
// layers of one name both come out, in tile order; everything inside a layer is vector-tile-js's
// reading, lenient as it is (`validate` says what is wrong with a tile).
import type { Feature, Geometry, Position } from 'geojson';
import { classifyRings, VectorTileLayer, type VectorTileFeature } from '@mapbox/vector-tile';
import type Point from '@mapbox/point-geometry';
import { PbfReader } from 'pbf';
import { createTransform, resolveCrs, type PointTransform } from '../projection/crs.js';
import { tileDimension, type TilingScheme } from '../scheme/tiling-scheme.js';
import { inflateTile } from '../tileset/tile-data.js';
import { BYTES, readString, walkMessage } from './protobuf.js';

export type Coords = 'tile' | 'crs' | 'lonlat';

/** A decoded feature: GeoJSON with two foreign members saying where it came from. */
export interface InspectedFeature extends Feature<Geometry | null> {
  layer: string;
  /** `z/x/y` */
  tile: string;
  /** Why the geometry could not be decoded (then `geometry` is null). */
  error?: string;
}

/** One layer of a tile: its name, where its message lies in the (inflated) tile, and its reader. */
export interface TileLayerView {
  name: string;
  /** Bytes of the layer message. */
  bytes: number;
  layer: VectorTileLayer;
}

/** The layers of a tile (raw, gzip or zlib bytes), in tile order. Throws when it does not inflate. */
export function tileLayers(bytes: Uint8Array): TileLayerView[] {
  const buf = inflateTile(bytes).data;
  const ranges: { start: number; end: number }[] = [];
  walkMessage(buf, 0, buf.length, (f) => {
    if (f.num === 3 && f.wire === BYTES) ranges.push({ start: f.start, end: f.end });
  });
  const pbf = new PbfReader(buf);
  return ranges.map(({ start, end }) => {
    pbf.pos = start;
    const layer = new VectorTileLayer(pbf, end);
    let name = layer.name;
    // vector-tile-js reads a name with broken UTF-8 as it can; keep it, it is what readers see.
    if (!name) walkMessage(buf, start, end, (g) => {
      if (g.num === 1 && g.wire === BYTES) name = readString(buf, g.start, g.end).text;
    });
    return { name, bytes: end - start, layer };
  });
}

export interface GeoreferenceOptions {
  coords: Coords;
  /** Needed for `crs` and `lonlat`. */
  scheme?: TilingScheme;
}

/**
 * Maps a tile's integer coordinates (`extent` units a side, y down) to the output coordinates:
 * unchanged for `tile`; X = originX + (x + px / extent) · d, Y = originY − (y + py / extent) · d
 * with d the tile's size in CRS units for `crs`; that taken to EPSG:4326 by proj4 for `lonlat`.
 */
export function georeference(z: number, x: number, y: number, extent: number, options: GeoreferenceOptions): (px: number, py: number) => Position {
  if (options.coords === 'tile') return (px, py) => [px, py];
  const s = options.scheme;
  if (!s) throw new Error(`--coords ${options.coords} needs the tiling scheme`);
  const d = tileDimension(s, z);
  const x0 = s.originX + x * d, y0 = s.originY - y * d, k = d / extent;
  if (options.coords === 'crs') {
    // Enough decimals for a hundredth of a tile unit, no more.
    const decimals = Math.min(12, Math.max(0, Math.ceil(-Math.log10(k / 100))));
    const f = 10 ** decimals;
    return (px, py) => [Math.round((x0 + px * k) * f) / f, Math.round((y0 - py * k) * f) / f];
  }
  const toLonLat = lonLatTransform(s.crs);
  const p = [0, 0];
  return (px, py) => {
    p[0] = x0 + px * k;
    p[1] = y0 - py * k;
    toLonLat?.(p, 0);
    return [Math.round(p[0] * 1e9) / 1e9, Math.round(p[1] * 1e9) / 1e9];
  };
}

const transforms = new Map<string, PointTransform | null>();

function lonLatTransform(crs: string): PointTransform | null {
  let t = transforms.get(crs);
  if (t === undefined) transforms.set(crs, (t = createTransform(resolveCrs(crs), resolveCrs('EPSG:4326'))));
  return t;
}

export interface DecodeOptions extends GeoreferenceOptions {
  /** Only these layers. */
  layers?: ReadonlySet<string>;
  /** The `tile` member (default `z/x/y`): a lone tile file whose place is not known gives its name. */
  tileName?: string;
}

/** The features of tile z/x/y as GeoJSON. Throws when the tile does not inflate. */
export function decodeTile(bytes: Uint8Array, z: number, x: number, y: number, options: DecodeOptions): InspectedFeature[] {
  const out: InspectedFeature[] = [];
  const tile = options.tileName ?? `${z}/${x}/${y}`;
  for (const { name, layer } of tileLayers(bytes)) {
    if (options.layers && !options.layers.has(name)) continue;
    const project = georeference(z, x, y, layer.extent, options);
    for (let i = 0; i < layer.length; i++) {
      let feature: VectorTileFeature;
      try {
        feature = layer.feature(i);
      } catch (e) {
        out.push({ type: 'Feature', geometry: null, properties: {}, layer: name, tile, error: (e as Error).message });
        continue;
      }
      // Members in a reading order: what the feature is, where it is from, then its data.
      const f: InspectedFeature = feature.id === undefined
        ? { type: 'Feature', layer: name, tile, properties: { ...feature.properties }, geometry: null }
        : { type: 'Feature', id: feature.id, layer: name, tile, properties: { ...feature.properties }, geometry: null };
      try {
        f.geometry = toGeometry(feature, project);
      } catch (e) {
        f.error = (e as Error).message;
      }
      out.push(f);
    }
  }
  return out;
}

function toGeometry(feature: VectorTileFeature, project: (px: number, py: number) => Position): Geometry | null {
  if (feature.type < 1 || feature.type > 3) return null;
  const parts = feature.loadGeometry();
  const line = (ps: Point[]) => ps.map((p) => project(p.x, p.y));
  if (feature.type === 1) {
    const points = parts.flat().map((p) => project(p.x, p.y));
    return points.length === 1 ? { type: 'Point', coordinates: points[0] } : { type: 'MultiPoint', coordinates: points };
  }
  if (feature.type === 2) {
    const lines = parts.map(line);
    return lines.length === 1 ? { type: 'LineString', coordinates: lines[0] } : { type: 'MultiLineString', coordinates: lines };
  }
  const polygons = classifyRings(parts).map((rings) => rings.map(line));
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}
