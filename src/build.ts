// buildTileset: read → reproject → tile (clip, simplify, quantize) → encode → write. The whole pipeline.
import { basename, extname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FeatureError, InputError, UsageError } from './errors.js';
import { convertGeometry, GeometryError } from './geometry/convert.js';
import { extentAlong } from './geometry/clip.js';
import type { Geometry } from './geometry/types.js';
import { encodeTile, type TileLayer } from './mvt/encode-tile.js';
import { normalizeProperties } from './mvt/values.js';
import { resolveOptions, type BuildOptions, type LayerInput, type ResolvedOptions } from './options.js';
import { createTransform, resolveCrs, type ResolvedCrs } from './projection/crs.js';
import { readGeoJSON, type GeoJSONFeatureLike, type GeoJSONSourceInfo } from './readers/geojson.js';
import { parseTilingScheme, validateTilingScheme, type TilingScheme } from './scheme/tiling-scheme.js';
import { LayerSchema } from './tiler/layer-schema.js';
import { tileGeometry, type TilerOptions } from './tiler/tile-feature.js';
import { MemoryTileStore, type FeatureRecord, type TileStore } from './tiler/tile-store.js';
import { DirectorySink } from './writers/directory.js';
import type { TileSink } from './writers/sink.js';
import { schemeBoundsToLonLat } from './projection/bounds.js';

export interface BuildSummary {
  tiles: number;
  bytes: number;
  /** Features read (all layers), including skipped ones. */
  features: number;
  /** Features that made it into at least one tile. */
  featuresWritten: number;
  /** Malformed features skipped with --skip-invalid, with the first few messages. */
  invalid: number;
  invalidMessages: string[];
  /** Features without geometry (null or empty), which GDAL skips too. */
  noGeometry: number;
  /** Features wholly outside the tiling scheme's area. */
  outside: number;
  tilesPerZoom: Record<number, number>;
  layers: { name: string; features: number }[];
  /** [minLon, minLat, maxLon, maxLat] written to metadata. */
  bounds: [number, number, number, number];
  elapsedMs: number;
  peakRssBytes: number;
  output: string;
}

interface Bbox {
  minU: number;
  minV: number;
  maxU: number;
  maxV: number;
}

/** Builds a tileset. Resolves with the summary; rejects with UsageError / InputError. */
export async function buildTileset(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  // maxRSS is the kernel's high-water mark for the process (KiB): true peak, not a sample.
  const sampleRss = () => process.resourceUsage().maxRSS * 1024;
  const opts = resolveOptions(options);
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
  const sink: TileSink =
    typeof options.output === 'string'
      ? new DirectorySink(options.output, { force: opts.force, extension: opts.tileExtension })
      : options.output;
  const outputName = typeof options.output === 'string' ? basename(resolve(options.output)) : 'tileset';

  const tiler: TilerOptions = {
    minzoom: opts.minzoom,
    maxzoom: opts.maxzoom,
    extent: opts.extent,
    buffer: opts.buffer,
    matrixWidthZ0: scheme.matrixWidthZ0,
    matrixHeightZ0: scheme.matrixHeightZ0,
    sqTolerances: sqTolerances(opts),
    wrapWidth: 0,
  };
  const summary: BuildSummary = {
    tiles: 0, bytes: 0, features: 0, featuresWritten: 0, invalid: 0, invalidMessages: [], noGeometry: 0, outside: 0,
    tilesPerZoom: {}, layers: [], bounds: [0, 0, 0, 0], elapsedMs: 0, peakRssBytes: 0, output: typeof options.output === 'string' ? resolve(options.output) : outputName,
  };
  const store: TileStore = new MemoryTileStore(scheme.matrixWidthZ0, scheme.matrixHeightZ0);
  const bbox: Bbox = { minU: Infinity, minV: Infinity, maxU: -Infinity, maxV: -Infinity };
  const schemas: LayerSchema[] = [];
  const progress = { phase: 'read' as 'read' | 'write', featuresRead: 0, tilesWritten: 0, tilesTotal: undefined as number | undefined };

  options.signal?.throwIfAborted();
  await sink.open();
  try {
    // Read and tile, layer by layer. Output layers are numbered by input position.
    for (let li = 0; li < options.inputs.length; li++) {
      const input = options.inputs[li];
      const layer = openLayer(input, options.layerNames?.[li]);
      if (schemas.some((s) => s.name === layer.name)) throw new UsageError(`two inputs give the same layer name "${layer.name}": rename one with --layer`);
      const schema = new LayerSchema(layer.name, layer.description ?? '', opts.minzoom, opts.maxzoom);
      schemas.push(schema);
      let ctx: { srs: ResolvedCrs; transform: ReturnType<typeof createTransform> } | undefined;
      const contextFor = (): NonNullable<typeof ctx> => {
        if (ctx) return ctx;
        const srsName = options.sourceSrs ?? layer.srs ?? layer.info?.crs ?? 'EPSG:4326';
        const srs = resolveCrs(srsName);
        tiler.wrapWidth = wrapWidth(srs, schemeCrs, scheme);
        return (ctx = { srs, transform: createTransform(srs, schemeCrs) });
      };
      let written = 0;
      for await (const { index, feature } of layer.features) {
        summary.features++;
        progress.featuresRead++;
        if ((progress.featuresRead & 1023) === 0) {
          options.signal?.throwIfAborted();
          options.onProgress?.(progress);
        }
        const where = { file: layer.source, layer: layer.name, index, id: feature?.id };
        let geoms: Geometry[];
        try {
          if (!feature || typeof feature !== 'object' || (feature.type !== undefined && feature.type !== 'Feature')) {
            throw new GeometryError(`expected a GeoJSON Feature, got ${feature === null ? 'null' : JSON.stringify((feature as { type?: unknown })?.type ?? typeof feature)}`);
          }
          const c = contextFor();
          geoms = convertGeometry(feature.geometry, {
            scheme,
            transform: c.transform,
            minSqTolerance: minPositive(tiler.sqTolerances),
          });
        } catch (e) {
          if (!(e instanceof GeometryError)) throw e instanceof InputError ? new InputError(e.message.replace(/^.*?: /, ''), layer.source) : e;
          const err = new FeatureError(e.message, where);
          if (!opts.skipInvalid) throw err;
          summary.invalid++;
          if (summary.invalidMessages.length < 10) summary.invalidMessages.push(err.message);
          continue;
        }
        if (geoms.length === 0) {
          summary.noGeometry++;
          continue;
        }
        const record: FeatureRecord = { id: featureId(feature.id), properties: normalizeProperties(feature.properties, (k) => schema.declare(k)) };
        schema.addFeature(record.properties);
        let landed = false;
        for (const g of geoms) {
          tileGeometry(g, tiler, (z, x, y, commands) => {
            landed = true;
            schema.addTileFeature(z, g.type);
            store.add(z, x, y, { layer: li, type: g.type, commands, feature: record });
          });
          if (landed) growBbox(bbox, g, scheme);
        }
        if (landed) written++;
        else summary.outside++;
      }
      summary.featuresWritten += written;
      summary.layers.push({ name: layer.name, features: written });
    }

    // Encode and write, tile by tile, in z/x/y order.
    progress.phase = 'write';
    progress.tilesTotal = store.tileCount;
    options.onProgress?.(progress);
    const fieldTypes = schemas.map((s) => s.fieldTypes());
    const realFields = schemas.map((s) => s.realFields());
    const inFlight = new Set<Promise<void>>();
    for (const { z, x, y, fragments } of store.tiles()) {
      const byLayer = new Map<number, TileLayer>();
      for (const f of fragments) {
        let l = byLayer.get(f.layer);
        if (!l) {
          byLayer.set(f.layer, (l = { name: schemas[f.layer].name, extent: opts.extent, features: [], fieldTypes: fieldTypes[f.layer], realFields: realFields[f.layer] }));
        }
        l.features.push({ id: f.feature.id, type: f.type, geometry: f.commands, properties: f.feature.properties });
      }
      const raw = encodeTile([...byLayer.values()]);
      const data = opts.compress ? gzipSync(raw) : raw;
      summary.tiles++;
      summary.bytes += data.length;
      summary.tilesPerZoom[z] = (summary.tilesPerZoom[z] ?? 0) + 1;
      const p = sink.put(z, x, y, data).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 64) await Promise.race(inFlight);
      progress.tilesWritten++;
      if ((progress.tilesWritten & 255) === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.(progress);
      }
    }
    await Promise.all(inFlight);
    options.signal?.throwIfAborted();
    options.onProgress?.(progress);

    summary.bounds = bbox.minU <= bbox.maxU ? schemeBoundsToLonLat(scheme, schemeCrs, bbox) : [0, 0, 0, 0];
    await sink.commit({
      name: options.name ?? outputName,
      description: options.description ?? '',
      minzoom: opts.minzoom,
      maxzoom: opts.maxzoom,
      bounds: summary.bounds,
      type: opts.type,
      scheme,
      layers: schemas,
    });
  } catch (e) {
    await sink.abort();
    throw e;
  }
  summary.elapsedMs = performance.now() - started;
  summary.peakRssBytes = sampleRss();
  return summary;
}

function resolveScheme(s: string | TilingScheme | undefined): TilingScheme {
  if (s === undefined) return parseTilingScheme('WebMercatorQuad');
  if (typeof s === 'string') return parseTilingScheme(s);
  validateTilingScheme(s);
  return s;
}

interface OpenLayer {
  name: string;
  description?: string;
  srs?: string;
  source?: string;
  info?: GeoJSONSourceInfo;
  features: AsyncIterable<{ index: number; feature: GeoJSONFeatureLike }>;
}

function openLayer(input: string | LayerInput, name: string | undefined): OpenLayer {
  if (typeof input === 'string') {
    const info: GeoJSONSourceInfo = {};
    return {
      name: name ?? basename(input, extname(input)),
      source: input,
      info,
      features: readGeoJSON(input, info),
    };
  }
  return {
    name: name ?? input.name,
    description: input.description,
    srs: input.srs,
    source: input.source ?? `layer "${input.name}"`,
    features: numbered(input.features),
  };
}

async function* numbered(features: AsyncIterable<GeoJSONFeatureLike> | Iterable<GeoJSONFeatureLike>) {
  let index = 0;
  for await (const feature of features) yield { index: index++, feature };
}

/** GeoJSON ids that are non-negative safe integers become MVT ids; other ids are not written. */
export function featureId(id: unknown): number | undefined {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/** Squared tolerance in scheme units for each zoom (tile units / (extent · 2^z)). */
function sqTolerances(o: ResolvedOptions): number[] {
  const out: number[] = [];
  for (let z = 0; z <= o.maxzoom; z++) {
    const t = (z === o.maxzoom ? o.simplificationMaxZoom : o.simplification) / (o.extent * 2 ** z);
    out.push(t * t);
  }
  return out;
}

function minPositive(a: number[]): number {
  let m = Infinity;
  for (const v of a) if (v > 0 && v < m) m = v;
  return m === Infinity ? 0 : m;
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

/** Grows the data extent by a geometry's bbox, clamped to the tile matrix. */
function growBbox(b: Bbox, g: Geometry, s: TilingScheme): void {
  const [u0, u1] = extentAlong(g, 0);
  const [v0, v1] = extentAlong(g, 1);
  b.minU = Math.min(b.minU, Math.max(0, u0));
  b.maxU = Math.max(b.maxU, Math.min(s.matrixWidthZ0, u1));
  b.minV = Math.min(b.minV, Math.max(0, v0));
  b.maxV = Math.max(b.maxV, Math.min(s.matrixHeightZ0, v1));
}
