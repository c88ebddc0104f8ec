// The work that runs on worker threads (or inline with --threads 1): tile a batch of features into
// fragment records, and encode a batch of tiles. Plain data in, plain data out, no shared state.
import { FeatureError } from '../errors.js';
import { convertGeometry, GeometryError, Reparse, type ConvertContext } from '../geometry/convert.js';
import { polygonStats } from '../geometry/quantize.js';
import type { Geometry } from '../model/geometry.js';
import { encodeTile, type TileFeature, type TileLayer } from '../mvt/encode-tile.js';
import { encodeWithinLimits } from '../mvt/limits.js';
import { normalizeProperties, type FieldType } from '../model/attributes.js';
import { gzipSync } from 'node:zlib';
import { parseFeatureText } from '../readers/feature-text.js';
import { parseGpkgGeometry, WkbError } from '../readers/wkb.js';
import { createTransform, resolveCrs, type PointTransform, type ResolvedCrs } from '../projection/crs.js';
import type { TilingScheme } from '../scheme/tiling-scheme.js';
import { sourceClipBoxes, type Box } from '../projection/valid-area.js';
import { AT_LAYER, AT_LENGTH, ByteWriter, HEADER, decodeProperties, encodeProperties, readHead, writeFragment } from './fragment-codec.js';
import { LayerSchema, type LayerStats } from '../model/layer-schema.js';
import { writeTileFile } from '../writers/directory.js';
import type { TileFileTarget } from '../writers/sink.js';
import { extentOf, loadGeometry, tileRuns, trimTilerBuffers, type TilerOptions } from './tile-feature.js';
import { Float64Arena } from '../geometry/arena.js';

/** Everything a worker needs to tile features; serializable. */
export interface TileContext {
  scheme: TilingScheme;
  tiler: Omit<TilerOptions, 'wrapWidth'>;
  /** Smallest positive squared tolerance of any zoom (for importance), 0 when none. */
  minSqTolerance: number;
  /** Every zoom simplifies, so vertices below minSqTolerance can go before tiling. */
  dropInvisible: boolean;
  skipInvalid: boolean;
}

export interface FeatureBatch {
  ctx: TileContext;
  layer: number;
  layerName: string;
  /** File name or source label for messages. */
  source?: string;
  /** CRS of the coordinates. */
  srs: string;
  /** Input order of the first item, across all layers (features sort by it inside a tile). */
  seqBase: number;
  /** Index of the first item within its layer (for messages). */
  indexBase: number;
  /** Raw JSON text of a feature, or a feature object (with a GeoPackage geometry blob to decode). */
  items: BatchItem[];
  /** Per item, its line in the file (GeoJSONSeq), for messages; absent for other sources. */
  lines?: number[];
}

export type BatchItem = string | { feature: unknown; wkb?: Uint8Array; error?: string };

export interface BatchResult {
  fragments: Uint8Array;
  stats: LayerStats;
  features: number;
  invalid: number;
  noGeometry: number;
  /** Wholly outside the tile matrix. */
  outside: number;
  /** Inside it, but degenerate or too small to draw at any zoom. */
  collapsed: number;
  written: number;
  invalidMessages: string[];
  /** A fatal problem: the build stops with this message (file already named). */
  fatal?: { message: string; feature: boolean; problem?: string; index?: number; line?: number; id?: unknown };
  /** Data extent in scheme units [minU, minV, maxU, maxV] (Infinity when empty). */
  bbox: [number, number, number, number];
  /** Polygons made valid by repair, and rings too small to draw, summed over every tile. */
  repairedPolygons: number;
  tinyRings: number;
}

/** A bad row in an otherwise good GeoPackage table: always skipped and counted, never fatal. */
class BadRow extends GeometryError {}

/** This thread's scratch space for one feature's coordinates (see geometry/arena.ts). */
const arena = new Float64Arena();

const transforms = new Map<string, { transform: PointTransform | null; wrapWidth: number; clip: Box[] | null }>();

function projection(srs: string, scheme: TilingScheme) {
  const key = `${srs}\n${scheme.crs}\n${scheme.originX}\n${scheme.originY}\n${scheme.tileDimensionZ0}\n${scheme.matrixWidthZ0}\n${scheme.matrixHeightZ0}`;
  let t = transforms.get(key);
  if (!t) {
    const src = resolveCrs(srs), dst = resolveCrs(scheme.crs);
    const clip = sourceClipBoxes(src, dst, scheme);
    transforms.set(key, (t = { transform: createTransform(src, dst), wrapWidth: wrapWidth(src, dst, scheme), clip }));
  }
  return t;
}

/**
 * Geographic input on a scheme that spans the whole world east–west wraps at the antimeridian:
 * returns the matrix width in scheme units, or 0.
 */
function wrapWidth(src: ResolvedCrs, dst: ResolvedCrs, s: TilingScheme): number {
  if (!src.geographic) return 0;
  const width = s.tileDimensionZ0 * s.matrixWidthZ0;
  const world = dst.geographic ? 360 : dst.mercator ? 2 * 20037508.342789244 : 0;
  return world > 0 && Math.abs(width - world) < world * 1e-9 ? s.matrixWidthZ0 : 0;
}

/** GeoJSON ids that are non-negative safe integers become MVT ids; other ids become a property (idProperty). */
export function featureId(id: unknown): number | undefined {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/**
 * An id that cannot be the MVT id (a string such as the county FIPS code "04015", a negative or
 * fractional number) is kept as an `id` property, as GDAL's GeoJSON reader makes it an `id` field;
 * unless the properties have an `id` of their own, which then wins.
 */
export function idProperty(raw: unknown, mvtId: number | undefined, properties: unknown): string | number | undefined {
  if (mvtId !== undefined || (typeof raw !== 'string' && typeof raw !== 'number')) return undefined;
  if (properties && typeof properties === 'object' && Object.hasOwn(properties, 'id')) return undefined;
  return raw;
}

export function tileBatch(b: FeatureBatch): BatchResult {
  const { ctx } = b;
  const proj = projection(b.srs, ctx.scheme);
  const tiler: TilerOptions = { ...ctx.tiler, wrapWidth: proj.wrapWidth };
  const schema = new LayerSchema(b.layerName);
  const out = new ByteWriter(1 << 16);
  const r: BatchResult = {
    fragments: new Uint8Array(0), stats: schema.stats(), features: 0, invalid: 0, noGeometry: 0, outside: 0, collapsed: 0, written: 0,
    invalidMessages: [], bbox: [Infinity, Infinity, -Infinity, -Infinity], repairedPolygons: 0, tinyRings: 0,
  };
  polygonStats.repaired = polygonStats.tinyRings = 0;
  const { matrixWidthZ0: W, matrixHeightZ0: H } = ctx.scheme;
  for (let i = 0; i < b.items.length; i++) {
    const index = b.indexBase + i;
    const seq = b.seqBase + i;
    const line = b.lines?.[i];
    r.features++;
    let feature: { type?: unknown; id?: unknown; properties?: unknown; geometry?: unknown };
    let item = b.items[i];
    b.items[i] = ''; // the text can go once parsed: a batch may hold a 30 MB feature
    arena.reset(); // the previous feature's coordinates are done with
    if (typeof item === 'string') {
      try {
        feature = parseFeatureText(item, arena) as typeof feature;
      } catch (e) {
        // Broken JSON is fatal even with skipInvalid: the file itself is broken.
        r.fatal = { message: `${line !== undefined ? `line ${line}` : `feature #${index}`}: invalid JSON: ${(e as Error).message}`, feature: false };
        break;
      }
    } else feature = item.feature as typeof feature;
    const where = { file: b.source, layer: b.layerName, index, line, id: feature?.id };
    let geoms: Geometry[];
    let cc: ConvertContext | undefined;
    try {
      if (typeof item !== 'string') {
        // A GeoPackage row that could not be read, or whose blob is corrupt: reported and skipped.
        if (item.error) throw new BadRow(item.error);
        if (item.wkb) {
          try {
            feature.geometry = parseGpkgGeometry(item.wkb);
          } catch (e) {
            if (e instanceof WkbError) throw new BadRow(`bad geometry blob: ${e.message}`);
            throw e;
          }
        }
      }
      if (!feature || typeof feature !== 'object' || Array.isArray(feature) || (feature.type !== undefined && feature.type !== 'Feature')) {
        const t = feature && typeof feature === 'object' ? JSON.stringify(feature.type) : JSON.stringify(feature);
        throw new GeometryError(`expected a GeoJSON Feature, got ${t}`);
      }
      cc = { scheme: ctx.scheme, transform: proj.transform, minSqTolerance: ctx.minSqTolerance, dropInvisible: ctx.dropInvisible, arena, clip: proj.clip };
      try {
        geoms = convertGeometry(feature.geometry, cc);
      } catch (e) {
        if (!(e instanceof Reparse) || typeof item !== 'string') throw e;
        geoms = convertGeometry((JSON.parse(item) as typeof feature).geometry, cc); // oddly nested: the plain way, for its messages
      }
      // Let the parsed coordinates go while the feature is tiled; not in a feature object from code,
      // which is the caller's (a second build from the same array found no geometries).
      if (typeof item === 'string' || item.wkb) feature.geometry = null;
      item = '';
      // All of it lay beyond what the scheme's CRS can take (projection/valid-area.ts): outside.
      if (geoms.length === 0 && cc.clipped) {
        r.outside++;
        continue;
      }
    } catch (e) {
      if (!(e instanceof GeometryError)) throw e;
      if (!ctx.skipInvalid && !(e instanceof BadRow)) {
        r.fatal = { message: new FeatureError(e.message, where).message, feature: true, problem: e.message, index, line, id: feature?.id };
        break;
      }
      r.invalid++;
      if (r.invalidMessages.length < 10) r.invalidMessages.push(new FeatureError(e.message, where).message);
      continue;
    }
    if (geoms.length === 0) {
      if (cc?.collapsed) r.collapsed++;
      else r.noGeometry++;
      continue;
    }
    const properties = normalizeProperties(feature.properties, (k) => schema.declare(k));
    const id = featureId(feature.id);
    const keptId = idProperty(feature.id, id, feature.properties);
    if (keptId !== undefined) properties.unshift(['id', keptId]);
    schema.addFeature(properties);
    const props = encodeProperties(properties);
    let landed = false;
    let inside = false; // some part meets the tile matrix: drawn nowhere, it collapsed rather than fell outside
    while (geoms.length) {
      const runs = loadGeometry(geoms.shift()!);
      // The tiler holds its own copy now: the parsed coordinates (tens of MB for a big country) can
      // be collected while it works.
      if (!geoms.length) arena.trim();
      const type = runs.type;
      const extent = extentOf(runs);
      const [u0, u1, v0, v1] = extent;
      if (u1 >= 0 && u0 <= W && v1 >= 0 && v0 <= H) inside = true;
      let hit = false;
      tileRuns(runs, tiler, (z, x, y, commands) => {
        hit = true;
        schema.addTileFeature(z, type);
        writeFragment(out, { z, x, y, layer: b.layer, seq, type, id }, props, commands);
      }, extent);
      if (hit) {
        landed = true;
        // The data extent, clamped to the tile matrix.
        r.bbox[0] = Math.min(r.bbox[0], Math.max(0, u0));
        r.bbox[1] = Math.min(r.bbox[1], Math.max(0, v0));
        r.bbox[2] = Math.max(r.bbox[2], Math.min(W, u1));
        r.bbox[3] = Math.max(r.bbox[3], Math.min(H, v1));
      }
    }
    if (landed) r.written++;
    else if (inside) r.collapsed++;
    else r.outside++;
  }
  r.fragments = out.finish();
  r.stats = schema.stats();
  r.repairedPolygons = polygonStats.repaired;
  r.tinyRings = polygonStats.tinyRings;
  // Tiler buffers grown for a huge feature are kept for the rest of the batch (the next feature may
  // be as big), then given back.
  trimTilerBuffers();
  return r;
}

/** What the encoder needs to know about each output layer; serializable. */
export interface EncodeLayer {
  name: string;
  fieldTypes: [string, FieldType][];
  realFields: string[];
}

export interface EncodeBatch {
  layers: EncodeLayer[];
  extent: number;
  compress: boolean;
  /** GDAL's MAX_SIZE (bytes) and MAX_FEATURES. */
  maxSize: number;
  maxFeatures: number;
  /** Smallest ring drawn, when a tile is redrawn at a smaller extent (TileFrame.tinyArea2). */
  tinyArea2: number;
  repair: boolean;
  tiles: { z: number; x: number; y: number; records: Uint8Array }[];
  /** Write each tile file here instead of returning its bytes (a directory sink's threadTarget). */
  target?: TileFileTarget;
}

export interface EncodedBatch {
  /** Tiles' bytes, back to back (empty when written to a target). */
  data: Uint8Array;
  /** A tile file that could not be written: the build stops with this. */
  writeError?: string;
  /** Per tile: z, x, y, offset, length. */
  index: number[];
  /** Tiles the limits changed: z, extent drawn at (0: unchanged), features dropped for size, for count. */
  limited: number[];
  /** Disk taken by the tile files written to the target (allocated blocks), 0 without one. */
  diskBytes: number;
}

const layerCache = new WeakMap<EncodeLayer[], { fieldTypes: Map<string, FieldType>; realFields: Set<string> }[]>();

export function encodeBatch(b: EncodeBatch): EncodedBatch {
  let maps = layerCache.get(b.layers);
  if (!maps) layerCache.set(b.layers, (maps = b.layers.map((l) => ({ fieldTypes: new Map(l.fieldTypes), realFields: new Set(l.realFields) }))));
  const out = new ByteWriter(1 << 16);
  const index: number[] = [];
  const limited: number[] = [];
  const limits = { maxSize: b.maxSize, maxFeatures: b.maxFeatures, compress: b.compress, tinyArea2: b.tinyArea2, repair: b.repair };
  let diskBytes = 0;
  for (const t of b.tiles) {
    // The common case streams features out of the records one at a time, so a tile holding
    // millions of points (zoom 0 of a big point layer) never exists as millions of objects.
    let data: Uint8Array | undefined;
    if (countRecords(t.records) <= b.maxFeatures) {
      const raw = encodeTile(tileLayers(t.records, b, maps, true));
      const packed = b.compress ? gzipSync(raw) : raw;
      if (packed.length <= b.maxSize) data = packed;
    }
    if (!data) {
      const r = encodeWithinLimits(tileLayers(t.records, b, maps, false), limits);
      data = r.data;
      if (r.report.reducedExtent || r.report.droppedForCount || r.report.droppedForSize) {
        limited.push(t.z, r.report.reducedExtent ?? 0, r.report.droppedForSize, r.report.droppedForCount);
      }
    }
    if (b.target) {
      try {
        diskBytes += writeTileFile(b.target, t.z, t.x, t.y, data);
      } catch (e) {
        return { data: new Uint8Array(0), index, limited, diskBytes, writeError: `cannot write tile ${t.z}/${t.x}/${t.y}: ${(e as Error).message}` };
      }
      index.push(t.z, t.x, t.y, 0, data.length);
    } else {
      index.push(t.z, t.x, t.y, out.pos, data.length);
      out.bytes(data);
    }
  }
  return { data: out.finish(), index, limited, diskBytes };
}

function countRecords(records: Uint8Array): number {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let n = 0;
  for (let pos = 0; pos < records.length; pos += view.getUint32(pos + AT_LENGTH, true)) n++;
  return n;
}

/**
 * The tile's layers. Records come sorted by layer, so each layer is one stretch of them; with
 * `lazy`, its features are decoded only as the encoder reads them.
 */
function tileLayers(records: Uint8Array, b: EncodeBatch, maps: { fieldTypes: Map<string, FieldType>; realFields: Set<string> }[], lazy: boolean): TileLayer[] {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const layers: TileLayer[] = [];
  for (let pos = 0; pos < records.length; ) {
    const layer = view.getUint16(pos + AT_LAYER, true);
    const start = pos;
    while (pos < records.length && view.getUint16(pos + AT_LAYER, true) === layer) pos += view.getUint32(pos + AT_LENGTH, true);
    const features = featuresOf(records, view, start, pos);
    const info = b.layers[layer];
    layers.push({ name: info.name, extent: b.extent, features: lazy ? features : [...features], fieldTypes: maps[layer].fieldTypes, realFields: maps[layer].realFields });
  }
  return layers;
}

function* featuresOf(records: Uint8Array, view: DataView, start: number, end: number): Generator<TileFeature> {
  for (let pos = start; pos < end; ) {
    const h = readHead(view, pos);
    yield { id: h.id, type: h.type, geometry: records.subarray(h.propsEnd, pos + h.length), properties: decodeProperties(records, pos + HEADER, h.propsEnd) };
    pos += h.length;
  }
}
