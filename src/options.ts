// The one options object of buildTileset, its defaults, and up-front validation with precise messages.
import { availableParallelism } from 'node:os';
import { DEFAULTS } from './defaults.js';
import { UsageError } from './errors.js';
import type { LayerInput } from './readers/layer-source.js';
import { checkInputPath, checkOutputPath } from './readers/input-format.js';
import { MAX_ZOOM } from './scheme/tiling-scheme.js';
import type { TilingScheme } from './scheme/tiling-scheme.js';
import type { TileSink } from './writers/sink.js';
import { checkBaseUrl } from './describe/descriptors.js';
import type { ThinningOptions } from './generalize/drop-rate.js';
import type { OrderField } from './generalize/order.js';
import { AS_NEEDED, type AsNeeded } from './mvt/as-needed.js';
import type { FeatureZoomOptions } from './generalize/feature-zooms.js';
import { ATTRIBUTE_TYPES, hasAttributeOptions, type AttributeOptions, type AttributeType } from './generalize/attributes.js';

export type { LayerInput } from './readers/layer-source.js';
export type { AttributeType } from './generalize/attributes.js';
export type { OrderField } from './generalize/order.js';
export type { AsNeeded } from './mvt/as-needed.js';

export type LayerConf = Record<string, { target_name?: string; description?: string; minzoom?: number; maxzoom?: number }>;

export interface Progress {
  phase: 'read' | 'write';
  featuresRead: number;
  tilesWritten: number;
  /** Known once reading is done. */
  tilesTotal?: number;
  /** Input bytes read so far and in all, when every input is a GeoJSON file (for an ETA while reading). */
  bytesRead?: number;
  bytesTotal?: number;
}

export interface BuildOptions {
  /** GeoJSON / GeoJSONSeq file paths, or layers from code. Each input is one layer. */
  inputs: (string | LayerInput)[];
  /** Output directory, .mbtiles or .pmtiles file, or any TileSink. */
  output: string | TileSink;
  /** 'directory' ({z}/{x}/{y}.pbf + metadata.json), 'mbtiles' or 'pmtiles'. Default: from the output name (GDAL FORMAT). */
  format?: OutputFormat;
  /**
   * Layer names for GeoJSON inputs, by position (default: the file name without extension). With a
   * GeoPackage among the inputs: the tables to read (default: every feature table).
   */
  layerNames?: string[];
  /** SQL condition on GeoPackage rows (ogr2ogr -where). */
  where?: string;
  minzoom?: number; //                    default 0
  /** Default 5 (as GDAL). 'g': guessed from the spacing of the features, as tippecanoe's -zg (the input is read twice). */
  maxzoom?: number | 'g';
  /**
   * The least detailed view to serve, `1:N`: minzoom becomes the last zoom whose OGC scale
   * denominator (256-pixel tiles, 0.28 mm pixels) is at least N. Instead of `minzoom`.
   */
  minScale?: string | number;
  /** The most detailed view to serve, `1:N`: maxzoom becomes the first zoom whose scale denominator is at most N. Instead of `maxzoom`. */
  maxScale?: string | number;
  /** Preset name, GDAL `CRS,ULX,ULY,DIM0[,W0,H0]` string, or an object. Default WebMercatorQuad. */
  tilingScheme?: string | TilingScheme;
  /** CRS of the input coordinates. Default: the file's `crs` member, else EPSG:4326. */
  sourceSrs?: string;
  extent?: number; //                     default 4096
  /** Buffer around each tile in tile units. Default 80 at extent 4096 (5·extent/256), as GDAL. */
  buffer?: number;
  /** Douglas–Peucker tolerance in tile units at every zoom; 0 = none (GDAL). Default 1. */
  simplification?: number;
  /** Tolerance at maxzoom only. Default: `simplification`. */
  simplificationMaxZoom?: number;
  name?: string; //                       default: output directory name
  description?: string; //                default ''
  type?: 'overlay' | 'baselayer'; //      default 'overlay'
  /** Credit shown by clients: `attribution` in tilejson.json, tileset.json and MBTiles metadata. */
  attribution?: string;
  /** Absolute http(s) URL the tileset will be served from: the descriptors' URLs start with it. Default: relative URLs. */
  baseUrl?: string;
  compress?: boolean; //                  default true (gzip, as GDAL)
  /** zlib level of the gzip, 1 (fastest) to 9 (smallest). Default 1 (docs/cli.md#gzip-level); 6 is zlib's own, GDAL's. */
  compressLevel?: number;
  tileExtension?: string; //              default 'pbf'
  /** Replace a non-empty output. Default false. */
  force?: boolean;
  /**
   * Leave out polygon rings under 2 tile units² (their area drawn back as small squares, as
   * tippecanoe does; a feature with nothing bigger keeps its largest). Default true.
   */
  tinyPolygonReduction?: boolean;
  /**
   * Make every polygon OGC-valid on the integer tile grid (rings that cross or touch after clipping,
   * rounding and simplification are replaced by their union). Default true; off is faster on
   * detailed coastlines, and writes what GDAL's reader and renderers mostly accept anyway.
   */
  polygonRepair?: boolean;
  /** Skip malformed features (counted in the summary) instead of failing. Default false. */
  skipInvalid?: boolean;
  /** Largest tile in bytes, after compression (GDAL MAX_SIZE). Default 500000. */
  maxSize?: number;
  /** Most features in one tile (GDAL MAX_FEATURES). Default 200000. */
  maxFeatures?: number;
  /** Metadata `bounds` override: [minLon, minLat, maxLon, maxLat] (GDAL BOUNDS). */
  bounds?: [number, number, number, number];
  /** Metadata `center` override: [lon, lat, zoom] (GDAL CENTER). */
  center?: [number, number, number];
  /**
   * GDAL's layer configuration (CONF): per source layer, the output layer it feeds (`target_name`),
   * its `description` and its zoom range. Several source layers may feed one target layer.
   */
  conf?: LayerConf;
  /** Keep only these properties in every layer (tippecanoe -y / --include). */
  include?: string[];
  /** Leave these properties out (tippecanoe -x / --exclude). */
  exclude?: string[];
  /** Leave every property out but those of `include` (tippecanoe -X / --exclude-all). Default false. */
  excludeAll?: boolean;
  /** Coerce properties to a type (tippecanoe -T NAME:TYPE): `{ pop: 'int', code: 'string' }`. */
  attributeTypes?: Record<string, AttributeType>;
  /** The property whose value (a non-negative integer) becomes the MVT id (tippecanoe --use-attribute-for-id). */
  useAttributeForId?: string;
  /** Features without an id get their input position + 1 as id (tippecanoe -ai / --generate-ids). Default false. */
  generateIds?: boolean;
  /** Cut string values to this many UTF-8 bytes (tippecanoe --maximum-string-attribute-length). Default 0: no limit. */
  maxStringLength?: number;
  /** The property holding each feature's first zoom (as a `tippecanoe.minzoom` member would; a GeoPackage column, say). */
  minzoomProperty?: string;
  /** The property holding each feature's last zoom (as `tippecanoe.maxzoom`). */
  maxzoomProperty?: string;
  /**
   * Thinning by zoom (tippecanoe -r): below the base zoom, one in `dropRate` points goes at each zoom,
   * chosen evenly over space. A number ≥ 1, or 'g' to guess one that keeps the densest tile under
   * 50,000 features. Default: no thinning; 2.5 when only `baseZoom` is given.
   */
  dropRate?: number | 'g';
  /** The first zoom with every point (tippecanoe -B), or 'g' to guess it. Default: maxzoom, when `dropRate` is given. */
  baseZoom?: number | 'g';
  /** The densest tile the guesses aim below (tippecanoe -Bf N / -rf N). Default 50,000. */
  guessFeatures?: number;
  /** Thin lines too (tippecanoe --drop-lines). Default false. */
  dropLines?: boolean;
  /** Thin polygons too (tippecanoe --drop-polygons). Default false. */
  dropPolygons?: boolean;
  /**
   * The order of features in each layer of a tile, which renderers draw in (tippecanoe --order-by,
   * --order-descending-by, --order-smallest-first, --order-largest-first): keys compared in turn,
   * `{ attribute }` a property's value, `{ size: true }` the size as drawn in the tile; ties in input
   * order. Default: input order.
   */
  orderBy?: OrderField[];
  /**
   * What a tile over `maxSize` / `maxFeatures` gives up. 'gdal' (default, GDAL's MAX_SIZE): that
   * tile is drawn coarser, then its smallest features go. tippecanoe's as-needed strategies decide
   * per zoom, at full detail, with a threshold raised until every tile of the zoom fits and carried
   * to shallower zooms (except the sizes of lines and polygons, each zoom's own): 'drop-smallest' (the smallest features go), 'drop-densest' (those in the
   * densest places), 'drop-fraction' (an even share everywhere), 'cluster-densest' (points merged
   * into clusters with `point_count`), 'coalesce-smallest' / 'coalesce-densest' (geometries merged
   * into the kept feature before them instead of dropped).
   */
  asNeeded?: AsNeeded;
  /**
   * Build one shard of N (src/shard/): `{ index, count }`, `'I/N'`, or `'auto'` / `'auto/N'` with the
   * index from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX, and the
   * count from N, MVT_BUILD_SHARDS or AWS_BATCH_JOB_ARRAY_SIZE. The shard writes its part of the tile
   * tree and `OUTPUT.shard.json`; mergeShards puts the shards together. Default: the whole build.
   */
  shard?: string | { index: number; count: number };
  /** The zoom whose tiles' subtrees are shared out among the shards. Default: chosen from N and the data. */
  shardZoom?: number;
  /** Worker threads for tiling and encoding; 1 = all in the calling thread. Default: available cores. */
  threads?: number;
  /** Bytes of tile fragments held in memory before spilling to disk. Default 256 MiB. */
  memoryBudget?: number;
  /** Directory for the temporary store (default: the OS temporary directory). */
  tempDir?: string;
  onProgress?: (p: Progress) => void;
  /** Stops the build: it rejects with an AbortError after removing what it wrote. */
  signal?: AbortSignal;
}

export interface ResolvedOptions {
  minzoom: number;
  maxzoom: number;
  extent: number;
  buffer: number;
  simplification: number;
  simplificationMaxZoom: number;
  compress: boolean;
  compressLevel: number;
  tileExtension: string;
  type: 'overlay' | 'baselayer';
  skipInvalid: boolean;
  tinyPolygonReduction: boolean;
  polygonRepair: boolean;
  force: boolean;
  threads: number;
  memoryBudget: number;
  format: OutputFormat;
  maxSize: number;
  maxFeatures: number;
  /** Attribute control, when any is asked for (absent: properties as they are). */
  attributes?: AttributeOptions;
  /** The zoom properties, when either is given. */
  featureZooms?: FeatureZoomOptions;
  /** Thinning by zoom, when --drop-rate or --base-zoom is given. */
  thinning?: ThinningOptions;
  /** The order of features in a tile, when asked for. */
  order?: OrderField[];
  asNeeded: AsNeeded;
}

function integer(name: string, v: number | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`${name} must be an integer ${min}..${max}, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new UsageError(`${name} must be a number >= 0, got ${v}`);
  return v;
}

export type OutputFormat = 'directory' | 'mbtiles' | 'pmtiles';

/** The file extension each one-file format needs; a directory takes any other name. */
const FILE_FORMATS: Record<string, string> = { mbtiles: '.mbtiles', pmtiles: '.pmtiles' };

function outputFormat(o: BuildOptions): OutputFormat {
  const name = typeof o.output === 'string' ? o.output.toLowerCase() : '';
  const byName = (Object.keys(FILE_FORMATS).find((f) => name.endsWith(FILE_FORMATS[f])) ?? 'directory') as OutputFormat;
  const format = o.format ?? byName;
  if (format !== 'directory' && !(format in FILE_FORMATS)) throw new UsageError(`format must be directory, mbtiles or pmtiles, got "${format}"`);
  // A directory named like a file of another format would be a trap for whoever opens it next.
  if (format === 'directory' && byName !== 'directory') {
    throw new UsageError(`a directory output cannot be named "${o.output}": ${FILE_FORMATS[byName]} is the ${byName === 'mbtiles' ? 'MBTiles' : 'PMTiles'} file extension`);
  }
  if (format !== 'directory' && typeof o.output === 'string' && byName !== format) {
    throw new UsageError(`${format === 'mbtiles' ? 'MBTiles' : 'PMTiles'} output needs a file name ending in ${FILE_FORMATS[format]}, got "${o.output}"`);
  }
  return format;
}

export function resolveOptions(o: BuildOptions): ResolvedOptions {
  if (!o.inputs || o.inputs.length === 0) throw new UsageError('no input given');
  if (!o.output) throw new UsageError('no output given');
  for (const i of o.inputs) if (typeof i === 'string') checkInputPath(i);
  if (typeof o.output === 'string') checkOutputPath(o.output);
  const minzoom = integer('minzoom', o.minzoom, DEFAULTS.minzoom, 0, MAX_ZOOM);
  // buildTileset guesses a maxzoom of 'g' (pipeline/survey-phase.ts) before it gets here.
  if (o.maxzoom === 'g') throw new UsageError('maxzoom g is guessed by buildTileset: resolve it first');
  const maxzoom = integer('maxzoom', o.maxzoom, Math.max(DEFAULTS.maxzoom, minzoom), 0, MAX_ZOOM);
  if (minzoom > maxzoom) throw new UsageError(`minzoom (${minzoom}) must not be greater than maxzoom (${maxzoom})`);
  const extent = integer('extent', o.extent, DEFAULTS.extent, 1, 2 ** 24);
  const buffer = integer('buffer', o.buffer, DEFAULTS.buffer(extent), 0, 2 ** 24);
  const simplification = nonNegative('simplification', o.simplification, DEFAULTS.simplification);
  const simplificationMaxZoom = nonNegative('simplification-max-zoom', o.simplificationMaxZoom, simplification);
  const ext = o.tileExtension ?? DEFAULTS.tileExtension;
  if (!/^[\w.-]+$/.test(ext)) throw new UsageError(`tile extension must be letters, digits, '.', '-' or '_', got "${ext}"`);
  if (o.bounds) {
    const [w, so, e, n] = o.bounds;
    if (o.bounds.length !== 4 || !o.bounds.every(Number.isFinite) || w > e || so > n || so < -90 || n > 90) {
      throw new UsageError(`bounds must be minlon,minlat,maxlon,maxlat with min <= max, got ${o.bounds.join(',')}`);
    }
  }
  if (o.center && (o.center.length !== 3 || !o.center.every(Number.isFinite) || !Number.isInteger(o.center[2]))) {
    throw new UsageError(`center must be lon,lat,zoom, got ${o.center.join(',')}`);
  }
  for (const [name, c] of Object.entries(o.conf ?? {})) {
    if (!c || typeof c !== 'object') throw new UsageError(`conf: the entry for layer "${name}" must be an object`);
    const zmin = integer(`conf: minzoom of layer "${name}"`, c.minzoom, minzoom, 0, MAX_ZOOM);
    const zmax = integer(`conf: maxzoom of layer "${name}"`, c.maxzoom, maxzoom, 0, MAX_ZOOM);
    if (zmin > zmax) throw new UsageError(`conf: layer "${name}" has minzoom ${zmin} > maxzoom ${zmax}`);
    if (zmin < minzoom || zmax > maxzoom) throw new UsageError(`conf: layer "${name}" zooms ${zmin}..${zmax} are outside the tileset's ${minzoom}..${maxzoom}`);
    if (c.target_name !== undefined && (typeof c.target_name !== 'string' || !c.target_name)) throw new UsageError(`conf: target_name of layer "${name}" must be a non-empty string`);
  }
  checkBaseUrl(o.baseUrl);
  const type = o.type ?? DEFAULTS.type;
  if (type !== 'overlay' && type !== 'baselayer') throw new UsageError(`type must be overlay or baselayer, got "${type}"`);
  const gpkg = o.inputs.some((i) => typeof i === 'string' && /\.gpkg$/i.test(i));
  if (o.layerNames && o.layerNames.length > o.inputs.length && !gpkg) {
    throw new UsageError(`${o.layerNames.length} layer names given for ${o.inputs.length} input(s)`);
  }
  return {
    minzoom,
    maxzoom,
    extent,
    buffer,
    simplification,
    simplificationMaxZoom,
    compress: o.compress ?? DEFAULTS.compress,
    compressLevel: integer('compress-level', o.compressLevel, DEFAULTS.compressLevel, 1, 9),
    tileExtension: ext.replace(/^\./, ''),
    type,
    skipInvalid: o.skipInvalid ?? DEFAULTS.skipInvalid,
    tinyPolygonReduction: o.tinyPolygonReduction ?? DEFAULTS.tinyPolygonReduction,
    polygonRepair: o.polygonRepair ?? DEFAULTS.polygonRepair,
    force: o.force ?? DEFAULTS.force,
    format: outputFormat(o),
    maxSize: integer('max-size', o.maxSize, DEFAULTS.maxSize, 100, Number.MAX_SAFE_INTEGER),
    maxFeatures: integer('max-features', o.maxFeatures, DEFAULTS.maxFeatures, 1, Number.MAX_SAFE_INTEGER),
    threads: integer('threads', o.threads, availableParallelism(), 1, 256),
    memoryBudget: integer('memory budget', o.memoryBudget, DEFAULTS.memoryBudget, 2 ** 16, Number.MAX_SAFE_INTEGER),
    attributes: attributeOptions(o),
    featureZooms: featureZoomOptions(o),
    thinning: thinningOptions(o),
    order: orderOptions(o.orderBy),
    asNeeded: asNeededOption(o.asNeeded),
  };
}

function asNeededOption(v: AsNeeded | undefined): AsNeeded {
  if (v !== undefined && !AS_NEEDED.includes(v)) throw new UsageError(`as-needed must be one of ${AS_NEEDED.join(', ')}, got "${v}"`);
  return v ?? DEFAULTS.asNeeded;
}

function orderOptions(order: OrderField[] | undefined): OrderField[] | undefined {
  if (order === undefined || order.length === 0) return undefined;
  return order.map((f, i) => {
    const attribute = typeof f?.attribute === 'string' && f.attribute !== '';
    if (!f || typeof f !== 'object' || attribute === !!f.size) throw new UsageError(`orderBy[${i}] must be { attribute: NAME } or { size: true }, with descending optional`);
    return f.size ? { size: true, descending: !!f.descending } : { attribute: f.attribute, descending: !!f.descending };
  });
}

function thinningOptions(o: BuildOptions): ThinningOptions | undefined {
  if (o.dropRate === undefined && o.baseZoom === undefined) {
    if (o.dropLines || o.dropPolygons) throw new UsageError('drop-lines and drop-polygons need --drop-rate or --base-zoom');
    return undefined;
  }
  const rate = o.dropRate ?? DEFAULTS.dropRate;
  if (rate !== 'g' && (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 1)) throw new UsageError(`drop-rate must be a number >= 1 or g, got ${rate}`);
  const base = o.baseZoom;
  if (base !== undefined && base !== 'g') integer('base-zoom', base, 0, 0, MAX_ZOOM);
  const guessFeatures = integer('guess-features', o.guessFeatures, DEFAULTS.guessFeatures, 1, Number.MAX_SAFE_INTEGER);
  return { rate, baseZoom: base, lines: !!o.dropLines, polygons: !!o.dropPolygons, guessFeatures };
}

function featureZoomOptions(o: BuildOptions): FeatureZoomOptions | undefined {
  for (const [k, v] of [['minzoom-property', o.minzoomProperty], ['maxzoom-property', o.maxzoomProperty]]) {
    if (v !== undefined && (typeof v !== 'string' || !v)) throw new UsageError(`${k} must be a property name`);
  }
  return o.minzoomProperty === undefined && o.maxzoomProperty === undefined ? undefined : { minzoomProperty: o.minzoomProperty, maxzoomProperty: o.maxzoomProperty };
}

function names(what: string, v: string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((n) => typeof n !== 'string' || n === '')) throw new UsageError(`${what} must be a list of property names`);
  return v;
}

/** The attribute options checked; undefined when none changes anything (the path without them stays as it was). */
function attributeOptions(o: BuildOptions): AttributeOptions | undefined {
  const types: Record<string, AttributeType> = {};
  for (const [k, t] of Object.entries(o.attributeTypes ?? {})) {
    if (!ATTRIBUTE_TYPES.includes(t)) throw new UsageError(`attribute type of "${k}" must be one of ${ATTRIBUTE_TYPES.join(', ')}, got "${t}"`);
    types[k] = t;
  }
  if (o.useAttributeForId !== undefined && (typeof o.useAttributeForId !== 'string' || !o.useAttributeForId)) {
    throw new UsageError('use-attribute-for-id must be a property name');
  }
  const a: AttributeOptions = {
    include: names('include', o.include),
    exclude: names('exclude', o.exclude),
    excludeAll: o.excludeAll ?? DEFAULTS.excludeAll,
    types,
    idProperty: o.useAttributeForId,
    generateIds: o.generateIds ?? DEFAULTS.generateIds,
    maxStringLength: integer('maximum-string-attribute-length', o.maxStringLength, DEFAULTS.maxStringLength, 0, 2 ** 31),
  };
  return hasAttributeOptions(a) ? a : undefined;
}
