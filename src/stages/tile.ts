// The tile stage, run on the worker threads (or inline with --threads 1): a batch of features, as
// the readers gave them, becomes fragment records (one per feature and tile it is drawn in) and the
// statistics of the layer schema. Plain data in, plain data out, no shared state, no I/O.
import { FeatureError } from '../errors.js';
import { Float64Arena } from '../geometry/arena.js';
import { convertGeometry, GeometryError, Reparse, type ConvertContext } from '../geometry/convert.js';
import { polygonStats } from '../geometry/quantize.js';
import { runsSize } from '../geometry/runs.js';
import { AttributeFilter, type AttributeOptions } from '../generalize/attributes.js';
import { curveKey } from '../generalize/curve.js';
import type { ThinningContext } from '../generalize/drop-rate.js';
import { FeatureZoomError, featureZooms, zoomRange, type FeatureZoomOptions, type FeatureZooms } from '../generalize/feature-zooms.js';
import { featureId, idProperty, normalizeProperties } from '../model/attributes.js';
import { LINESTRING, POINT, POLYGON, type GeomType, type Geometry } from '../model/geometry.js';
import { LayerSchema, type LayerStats } from '../model/layer-schema.js';
import { createTransform, resolveCrs, type PointTransform, type ResolvedCrs } from '../projection/crs.js';
import { sourceClipBoxes, type Box } from '../projection/valid-area.js';
import { BadRow, BrokenText, ownsGeometry, plainGeometry, readItem, type BatchItem, type FeatureObject } from '../readers/item.js';
import type { TilingScheme } from '../scheme/tiling-scheme.js';
import { boxMayTouch, type ShardRegion } from '../model/subtrees.js';
import { ByteWriter, encodeProperties, FOREIGN_LAYER, writeFragment } from '../tiler/fragment-codec.js';
import { extentOf, loadGeometry, tileRuns, trimTilerBuffers, type TilerOptions } from '../tiler/tile-feature.js';

/** Everything a worker needs to tile features; serializable. */
export interface TileContext {
  scheme: TilingScheme;
  tiler: Omit<TilerOptions, 'wrapWidth'>;
  /** Smallest positive squared tolerance of any zoom (for importance), 0 when none. */
  minSqTolerance: number;
  /** Every zoom simplifies, so vertices below minSqTolerance can go before tiling. */
  dropInvisible: boolean;
  skipInvalid: boolean;
  /** Attribute control (-y, -x, -X, -T, ids, string length); absent: properties as they are. */
  attributes?: AttributeOptions;
  /** The properties holding each feature's zooms (--minzoom-property, --maxzoom-property). */
  featureZooms?: FeatureZoomOptions;
  /** Thinning by zoom (--drop-rate, --base-zoom): collect each thinned feature's place on the curve. */
  thinning?: ThinningContext;
  /**
   * The as-needed strategies that decide per zoom (generalize/as-needed-rank.ts): collect every
   * feature's place on the curve and size; k is the curve's square (squareLevels).
   */
  ranking?: { k: number };
  /** With --shard: the part of the tile tree this build writes (scheme/subtrees.ts). */
  shard?: ShardRegion;
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
  /** The features as the reader gave them (readers/item.ts). */
  items: BatchItem[];
  /** Per item, its line in the file (GeoJSONSeq), for messages; absent for other sources. */
  lines?: number[];
}

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
  /** Its own zooms (tippecanoe.minzoom/maxzoom, the zoom properties) miss its layer's. */
  outOfZoomRange: number;
  /** Features drawn somewhere, in this batch's layer and in `foreign` ones. */
  written: number;
  /** With --shard: features that reach none of this shard's tiles (other shards draw them). */
  elsewhere: number;
  /**
   * Output layers that features named in their `tippecanoe.layer` member, in order of first use:
   * their fragments carry FOREIGN_LAYER + the position here, for the main thread to renumber.
   */
  foreign?: { name: string; stats: LayerStats; written: number }[];
  /** With thinning: per thinned feature written, its curve key, seq and layer (generalize/drop-rate.ts). */
  thinKeys?: Float64Array;
  /** With a ranking: per feature written, its curve key, seq, layer and size (as-needed-rank.ts). */
  rankKeys?: Float64Array;
  invalidMessages: string[];
  /** A fatal problem: the build stops with this message (file already named). */
  fatal?: { message: string; feature: boolean; problem?: string; index?: number; line?: number; id?: unknown };
  /** Data extent in scheme units [minU, minV, maxU, maxV] (Infinity when empty). */
  bbox: [number, number, number, number];
  /** Polygons made valid by repair, and rings too small to draw, summed over every tile. */
  repairedPolygons: number;
  tinyRings: number;
}

/** This thread's scratch space for one feature's coordinates (see geometry/arena.ts). */
const arena = new Float64Arena();

const transforms = new Map<string, { transform: PointTransform | null; wrapWidth: number; clip: Box[] | null }>();

/** The transform from a source CRS into the scheme, its antimeridian wrap and source clip; made once per thread. */
export function projection(srs: string, scheme: TilingScheme) {
  const key = `${srs}\n${scheme.crs}\n${scheme.originX}\n${scheme.originY}\n${scheme.tileDimensionZ0}\n${scheme.matrixWidthZ0}\n${scheme.matrixHeightZ0}`;
  let t = transforms.get(key);
  if (!t) {
    const src = resolveCrs(srs), dst = resolveCrs(scheme.crs);
    const clip = sourceClipBoxes(src, dst, scheme);
    transforms.set(key, (t = { transform: createTransform(src, dst), wrapWidth: wrapWidth(src, dst, scheme), clip }));
  }
  return t;
}

/** Whether features of this geometry type are thinned. */
function thinnable(type: GeomType, t: ThinningContext): boolean {
  return type === POINT || (type === LINESTRING && t.lines) || (type === POLYGON && t.polygons);
}

/** Grows a box [minU, minV, maxU, maxV] to hold another. */
function grow(box: [number, number, number, number], u0: number, v0: number, u1: number, v1: number): void {
  box[0] = Math.min(box[0], u0);
  box[1] = Math.min(box[1], v0);
  box[2] = Math.max(box[2], u1);
  box[3] = Math.max(box[3], v1);
}

/** The feature's own zooms and layer; a zoom that is not one makes the feature malformed. */
function ownZooms(feature: FeatureObject, o: FeatureZoomOptions | undefined): FeatureZooms | undefined {
  try {
    return featureZooms(feature.tippecanoe, feature.properties, o);
  } catch (e) {
    if (e instanceof FeatureZoomError) throw new GeometryError(e.message);
    throw e;
  }
}

/** An output layer that features of the batch name for themselves (tippecanoe.layer). */
interface ForeignLayer {
  index: number;
  schema: LayerSchema;
  declare: (key: string) => void;
  written: number;
}

/** The batch's part of an output layer a feature names for itself, made at its first use. */
function foreignLayer(foreign: Map<string, ForeignLayer>, name: string, attrs: AttributeFilter | undefined): ForeignLayer {
  let f = foreign.get(name);
  if (!f) {
    const schema = new LayerSchema(name);
    foreign.set(name, (f = { index: foreign.size, schema, declare: nullDeclarer(schema, attrs), written: 0 }));
  }
  return f;
}

/** A null value still declares its field (as in GDAL), unless the attribute options leave it out. */
function nullDeclarer(schema: LayerSchema, attrs: AttributeFilter | undefined): (key: string) => void {
  return attrs ? (k) => attrs.declares(k) && declareField(schema, attrs, k) : (k) => schema.declare(k);
}

/** Declares a field with the type -T gives it (a `float` field is real even when its values are whole). */
function declareField(schema: LayerSchema, attrs: AttributeFilter, name: string): void {
  const t = attrs.fieldType(name);
  schema.declare(name, t.type, t.real);
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

export function tileBatch(b: FeatureBatch): BatchResult {
  const { ctx } = b;
  const proj = projection(b.srs, ctx.scheme);
  const tiler: TilerOptions = { ...ctx.tiler, wrapWidth: proj.wrapWidth, shard: ctx.shard };
  const schema = new LayerSchema(b.layerName);
  const out = new ByteWriter(1 << 16);
  const r: BatchResult = {
    fragments: new Uint8Array(0), stats: schema.stats(), features: 0, invalid: 0, noGeometry: 0, outside: 0, collapsed: 0, outOfZoomRange: 0, written: 0, elsewhere: 0,
    invalidMessages: [], bbox: [Infinity, Infinity, -Infinity, -Infinity], repairedPolygons: 0, tinyRings: 0,
  };
  polygonStats.repaired = polygonStats.tinyRings = 0;
  const { matrixWidthZ0: W, matrixHeightZ0: H } = ctx.scheme;
  const attrs = ctx.attributes && new AttributeFilter(ctx.attributes);
  const declare = nullDeclarer(schema, attrs);
  const foreign = new Map<string, ForeignLayer>();
  const thinKeys: number[] = [];
  const rankKeys: number[] = [];
  for (let i = 0; i < b.items.length; i++) {
    const index = b.indexBase + i;
    const seq = b.seqBase + i;
    const line = b.lines?.[i];
    r.features++;
    let item = b.items[i];
    let feature = typeof item === 'string' ? undefined : (item.feature as FeatureObject); // for messages, if unreadable
    b.items[i] = ''; // the text can go once parsed: a batch may hold a 30 MB feature
    arena.reset(); // the previous feature's coordinates are done with
    let geoms: Geometry[];
    let cc: ConvertContext | undefined;
    let zooms: FeatureZooms | undefined;
    try {
      feature = readItem(item, arena);
      if (!feature || typeof feature !== 'object' || Array.isArray(feature) || (feature.type !== undefined && feature.type !== 'Feature')) {
        const t = feature && typeof feature === 'object' ? JSON.stringify(feature.type) : JSON.stringify(feature);
        throw new GeometryError(`expected a GeoJSON Feature, got ${t}`);
      }
      cc = { scheme: ctx.scheme, transform: proj.transform, minSqTolerance: ctx.minSqTolerance, dropInvisible: ctx.dropInvisible, arena, clip: proj.clip };
      try {
        geoms = convertGeometry(feature.geometry, cc);
      } catch (e) {
        if (!(e instanceof Reparse)) throw e;
        geoms = convertGeometry(plainGeometry(item), cc); // oddly nested: the plain way, for its messages
      }
      // Let the parsed coordinates go while the feature is tiled; not in a feature object from code,
      // which is the caller's (a second build from the same array found no geometries).
      if (ownsGeometry(item)) feature.geometry = null;
      item = '';
      // All of it lay beyond what the scheme's CRS can take (projection/valid-area.ts): outside.
      if (geoms.length === 0 && cc.clipped) {
        r.outside++;
        continue;
      }
      zooms = ownZooms(feature, ctx.featureZooms);
    } catch (e) {
      if (e instanceof BrokenText) {
        r.fatal = { message: `${line !== undefined ? `line ${line}` : `feature #${index}`}: ${e.message}`, feature: false };
        break;
      }
      if (!(e instanceof GeometryError)) throw e;
      const where = { file: b.source, layer: b.layerName, index, line, id: feature?.id };
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
    // The feature's own zooms narrow its layer's; its own layer (tippecanoe.layer) takes it elsewhere.
    const [zmin, zmax] = zoomRange(zooms, tiler.minzoom, tiler.maxzoom);
    if (zmin > zmax) {
      r.outOfZoomRange++;
      continue;
    }
    const ownTiler = zooms ? { ...tiler, minzoom: zmin, maxzoom: zmax } : tiler;
    const into = zooms?.layer === undefined ? undefined : foreignLayer(foreign, zooms.layer, attrs);
    const layerSchema = into?.schema ?? schema;
    const layer = into ? FOREIGN_LAYER + into.index : b.layer;
    let properties = normalizeProperties(feature.properties, into?.declare ?? declare);
    let id = featureId(feature.id);
    const keptId = idProperty(feature.id, id, feature.properties);
    if (keptId !== undefined) properties.unshift(['id', keptId]);
    if (attrs) {
      ({ properties, id } = attrs.apply(properties, id, seq));
      for (const [k] of properties) declareField(layerSchema, attrs, k);
    }
    layerSchema.addFeature(properties);
    const props = encodeProperties(properties);
    let landed = false;
    let inside = false; // some part meets the tile matrix: drawn nowhere, it collapsed rather than fell outside
    // Thinned by zoom: its first part's type is, and it has no first zoom of its own (as in tippecanoe).
    const thinned = ctx.thinning !== undefined && zooms?.minzoom === undefined && thinnable(geoms[0].type, ctx.thinning);
    const drawn: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]; // what it drew: u0, v0, u1, v1
    let size = 0;
    // A shard passes over what cannot reach its subtrees — unless it writes the low zooms, thinning
    // needs every feature's key, or the feature may wrap round the antimeridian onto them.
    const shard = ctx.shard;
    const mayPass = shard !== undefined && !shard.low && ctx.thinning === undefined;
    const kBuffer = tiler.buffer / tiler.extent;
    let passed = false;
    while (geoms.length) {
      const runs = loadGeometry(geoms.shift()!);
      // The tiler holds its own copy now: the parsed coordinates (tens of MB for a big country) can
      // be collected while it works.
      if (!geoms.length) arena.trim();
      const type = runs.type;
      if (ctx.ranking) size += runsSize(runs);
      const extent = extentOf(runs);
      const [u0, u1, v0, v1] = extent;
      if (u1 >= 0 && u0 <= W && v1 >= 0 && v0 <= H) inside = true;
      if (mayPass && !(tiler.wrapWidth > 0 && (u0 < kBuffer || u1 > tiler.wrapWidth - kBuffer)) && !boxMayTouch(shard, u0, u1, v0, v1, kBuffer)) {
        passed = true;
        continue;
      }
      let hit = false;
      tileRuns(runs, ownTiler, (z, x, y, commands) => {
        // Only this shard's tiles (the tiler prunes the rest): merge unites the shards' data extents.
        hit = true;
        layerSchema.addTileFeature(z, type);
        writeFragment(out, { z, x, y, layer, seq, type, id }, props, commands);
      }, extent);
      if (hit) {
        landed = true;
        // The data extent, clamped to the tile matrix.
        grow(drawn, Math.max(0, u0), Math.max(0, v0), Math.min(W, u1), Math.min(H, v1));
      }
    }
    if (landed) grow(r.bbox, ...drawn);
    // Its place on the curve is the middle of what it drew (tippecanoe: of its bounding box).
    if (landed && thinned) thinKeys.push(curveKey((drawn[0] + drawn[2]) / 2, (drawn[1] + drawn[3]) / 2, ctx.thinning!.k), seq, layer);
    if (landed && ctx.ranking) rankKeys.push(curveKey((drawn[0] + drawn[2]) / 2, (drawn[1] + drawn[3]) / 2, ctx.ranking.k), seq, layer, size);
    if (landed) {
      r.written++;
      if (into) into.written++;
    } else if (passed) r.elsewhere++;
    else if (inside) r.collapsed++;
    else r.outside++;
  }
  r.fragments = out.finish();
  r.stats = schema.stats();
  if (thinKeys.length) r.thinKeys = Float64Array.from(thinKeys);
  if (rankKeys.length) r.rankKeys = Float64Array.from(rankKeys);
  if (foreign.size) r.foreign = [...foreign].map(([name, f]) => ({ name, stats: f.schema.stats(), written: f.written }));
  r.repairedPolygons = polygonStats.repaired;
  r.tinyRings = polygonStats.tinyRings;
  // Tiler buffers grown for a huge feature are kept for the rest of the batch (the next feature may
  // be as big), then given back.
  trimTilerBuffers();
  return r;
}

