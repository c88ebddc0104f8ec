// The plan of a build: its options checked and defaulted (options.ts, defaults.ts), the tiling
// scheme and its CRS resolved, what each stage needs to know, and the sink it writes to.
import { basename, resolve } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import { UsageError } from '../errors.js';
import { TINY_AREA2 } from '../geometry/quantize.js';
import { resolveOptions, type BuildOptions, type ResolvedOptions } from '../options.js';
import { resolveCrs, type ResolvedCrs } from '../projection/crs.js';
import { isWebMercatorQuad, MAX_ZOOM, parseTilingScheme, validateTilingScheme, type TilingScheme } from '../scheme/tiling-scheme.js';
import { readTilingScheme, scaleDenominator } from '../scheme/ogc-tms.js';
import { crsAreaOf, crsFacts, metersPerUnit } from '../projection/crs-info.js';
import { parseScale, zoomForScale } from '../generalize/scale.js';
import { squareLevels } from '../generalize/curve.js';
import type { ThinningOptions } from '../generalize/drop-rate.js';
import type { Ranked } from '../mvt/as-needed.js';
import type { EncodeBatch } from '../stages/encode.js';
import type { TileContext } from '../stages/tile.js';
import { DirectorySink } from '../writers/directory.js';
import { MbtilesSink } from '../writers/mbtiles.js';
import { PMTILES_MAX_ZOOM } from '../writers/pmtiles-format.js';
import { PmtilesSink, zoomOffset } from '../writers/pmtiles.js';
import type { TileSink } from '../writers/sink.js';
import type { TilesetMetadata } from '../writers/metadata.js';
import type { ShardRegion } from '../model/subtrees.js';
import type { LayerSchema } from '../model/layer-schema.js';
import type { TileRanges } from '../describe/tile-ranges.js';
import { schemeBoundsToLonLat } from '../projection/bounds.js';

export interface Plan {
  opts: ResolvedOptions;
  scheme: TilingScheme;
  schemeCrs: ResolvedCrs;
  /** The output's absolute path, or `tileset` for a caller's own sink (the summary's `output`). */
  output: string;
  /** The metadata name unless --name: the output's base name without `.mbtiles` / `.pmtiles`. */
  outputName: string;
  /** Everything of an encoding batch but its tiles and layers. */
  encode: Omit<EncodeBatch, 'tiles' | 'layers' | 'minzooms'>;
  /** Thinning by zoom, when asked for (the tile phase collects keys for it). */
  thinning?: ThinningOptions;
  /** One of tippecanoe's as-needed strategies (the tile phase collects every feature's rank for it). */
  ranking?: Ranked;
  /** The tiling context for a zoom range (per source layer with --conf: GDAL's per-layer zooms). */
  contextFor(minzoom: number, maxzoom: number): TileContext;
  /** With --shard: the part of the tile tree this build writes. */
  shard?: ShardRegion;
}

export function resolvePlan(options: BuildOptions, shard?: ShardRegion): Plan {
  const opts = resolveOptions({ ...options, ...scaleZooms(options) });
  const scheme = resolveScheme(options.tilingScheme);
  let schemeCrs: ResolvedCrs;
  try {
    schemeCrs = resolveCrs(scheme.crs);
  } catch (e) {
    throw new UsageError(`tiling scheme: ${(e as Error).message}`);
  }
  if (options.sourceSrs) {
    try {
      resolveCrs(options.sourceSrs);
    } catch (e) {
      throw new UsageError(`--s-srs: ${(e as Error).message}`);
    }
  }
  if (opts.format === 'mbtiles' && !isWebMercatorQuad(scheme)) {
    throw new UsageError('MBTiles holds only Web Mercator tiles: a custom tiling scheme needs --format directory (as in GDAL)');
  }
  if (opts.format === 'pmtiles' && opts.maxzoom + zoomOffset(scheme) > PMTILES_MAX_ZOOM) {
    const k = zoomOffset(scheme);
    throw new UsageError(`PMTiles holds zooms up to ${PMTILES_MAX_ZOOM}${k ? `, ${PMTILES_MAX_ZOOM - k} for this scheme (its ${scheme.matrixWidthZ0}×${scheme.matrixHeightZ0} zoom-0 matrix is re-rooted ${k} zoom${k > 1 ? 's' : ''} down)` : ''}: maxzoom ${opts.maxzoom} is too high`);
  }
  const named = typeof options.output === 'string';
  const tinyArea2 = opts.tinyPolygonReduction ? TINY_AREA2 : 0;
  return {
    opts,
    scheme,
    schemeCrs,
    output: named ? resolve(options.output as string) : 'tileset',
    outputName: named ? basename(resolve(options.output as string)).replace(/\.(mbtiles|pmtiles)$/i, '') : 'tileset',
    thinning: opts.thinning,
    ...(opts.asNeeded !== 'gdal' && { ranking: opts.asNeeded }),
    shard,
    encode: { extent: opts.extent, gzipLevel: opts.compress ? opts.compressLevel : 0, maxSize: opts.maxSize, maxFeatures: opts.maxFeatures, tinyArea2, repair: opts.polygonRepair, ...(opts.order && { order: opts.order }) },
    contextFor(minzoom, maxzoom) {
      const tolerances = sqTolerances(opts, maxzoom);
      return {
        scheme,
        tiler: {
          minzoom,
          maxzoom,
          extent: opts.extent,
          buffer: opts.buffer,
          matrixWidthZ0: scheme.matrixWidthZ0,
          matrixHeightZ0: scheme.matrixHeightZ0,
          sqTolerances: tolerances,
          tinyArea2,
          repair: opts.polygonRepair,
        },
        minSqTolerance: minPositive(tolerances),
        dropInvisible: tolerances.slice(minzoom).every((t) => t > 0),
        skipInvalid: opts.skipInvalid,
        attributes: opts.attributes,
        featureZooms: opts.featureZooms,
        thinning: opts.thinning && { lines: opts.thinning.lines, polygons: opts.thinning.polygons, k: squareLevels(scheme.matrixWidthZ0, scheme.matrixHeightZ0) },
        ...(opts.asNeeded !== 'gdal' && { ranking: { k: squareLevels(scheme.matrixWidthZ0, scheme.matrixHeightZ0) } }),
        ...(shard && { shard }),
      };
    },
  };
}

/** The sink the plan writes to: the caller's own, or the one its output path and format name. */
export function sinkFor(options: BuildOptions, plan: Plan): TileSink {
  if (typeof options.output !== 'string') return options.output;
  const force = plan.opts.force;
  switch (plan.opts.format) {
    case 'mbtiles':
      return new MbtilesSink(options.output, { force });
    case 'pmtiles':
      return new PmtilesSink(options.output, { force });
    default:
      return new DirectorySink(options.output, { force, extension: plan.opts.tileExtension });
  }
}

/**
 * What the sink's commit() writes: the build's layers and data extent `bbox` (scheme units) as
 * metadata, with the names, zooms and texts of the options. A build and a merge of shards both
 * describe their tileset here.
 */
export function tilesetMetadata(plan: Plan, options: BuildOptions, layers: LayerSchema[], bbox: readonly number[], tileRanges: TileRanges): TilesetMetadata {
  const { opts, scheme } = plan;
  const bounds: [number, number, number, number] = options.bounds
    ? [...options.bounds]
    : bbox[0] <= bbox[2]
      ? schemeBoundsToLonLat(scheme, plan.schemeCrs, { minU: bbox[0], minV: bbox[1], maxU: bbox[2], maxV: bbox[3] })
      : [0, 0, 0, 0];
  return {
    name: options.name ?? plan.outputName,
    description: options.description ?? '',
    minzoom: opts.minzoom,
    maxzoom: opts.maxzoom,
    bounds,
    center: options.center,
    type: opts.type,
    scheme,
    layers,
    attribution: options.attribution,
    tileRanges,
    baseUrl: options.baseUrl,
  };
}

/** --min-scale / --max-scale as the zooms they ask for in the build's scheme (generalize/scale.ts). */
function scaleZooms(o: BuildOptions): { minzoom?: number; maxzoom?: number } {
  if (o.minScale === undefined && o.maxScale === undefined) return {};
  const scheme = resolveScheme(o.tilingScheme);
  let mpu: number;
  try {
    mpu = metersPerUnit(resolveCrs(scheme.crs));
  } catch (e) {
    throw new UsageError(`tiling scheme: ${(e as Error).message}`);
  }
  const out: { minzoom?: number; maxzoom?: number } = {};
  for (const [which, option, given] of [['min', 'min-scale', o.minzoom], ['max', 'max-scale', o.maxzoom]] as const) {
    const text = which === 'min' ? o.minScale : o.maxScale;
    if (text === undefined) continue;
    if (given !== undefined) throw new UsageError(`--${option} and --${which}zoom both set the ${which} zoom: give one`);
    const n = parseScale(text);
    if (n === undefined) throw new UsageError(`${option} must be a scale 1:N, got "${text}"`);
    const z = zoomForScale(scheme, mpu, n, which);
    if (z === undefined) throw new UsageError(`${option} 1:${n} is more detailed than zoom ${MAX_ZOOM} of this scheme (1:${Math.round(scaleDenominator(scheme, MAX_ZOOM, mpu))})`);
    out[`${which}zoom`] = z;
  }
  return out;
}

function resolveScheme(s: string | TilingScheme | undefined): TilingScheme {
  if (s === undefined) return parseTilingScheme(DEFAULTS.tilingScheme);
  // A preset, GDAL's string, or OGC Tile Matrix Set JSON text (the CLI reads --tiling-scheme FILE.json).
  if (typeof s === 'string') return readTilingScheme(s, { crsArea: crsAreaOf, crsFacts });
  validateTilingScheme(s);
  return s;
}

/**
 * Squared tolerance in scheme units for each zoom (tile units / (extent · 2^z)); the max-zoom
 * tolerance applies at the layer's own max zoom, as GDAL does.
 */
function sqTolerances(o: ResolvedOptions, maxzoom: number): number[] {
  const out: number[] = [];
  for (let z = 0; z <= maxzoom; z++) {
    const t = (z === maxzoom ? o.simplificationMaxZoom : o.simplification) / (o.extent * 2 ** z);
    out.push(t * t);
  }
  return out;
}

function minPositive(a: number[]): number {
  let m = Infinity;
  for (const v of a) if (v > 0 && v < m) m = v;
  return m === Infinity ? 0 : m;
}
