// buildTileset: read → (worker threads: parse, reproject, clip, simplify, quantize) → tile store
// → (worker threads: encode, gzip) → sink. The main thread only reads, routes and writes.
import { availableParallelism } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { FeatureError, InputError, UsageError } from './errors.js';
import { resolveOptions, type BuildOptions, type LayerInput, type ResolvedOptions } from './options.js';
import { schemeBoundsToLonLat } from './projection/bounds.js';
import { resolveCrs, type ResolvedCrs } from './projection/crs.js';
import { readGeoJSONRaw, type GeoJSONSourceInfo, type RawFeature } from './readers/geojson.js';
import { parseTilingScheme, validateTilingScheme, type TilingScheme } from './scheme/tiling-scheme.js';
import { encodeBatch, tileBatch, type BatchResult, type EncodeBatch, type EncodedBatch, type FeatureBatch, type TileContext } from './tiler/batch.js';
import { LayerSchema } from './tiler/layer-schema.js';
import { OrderedWork } from './tiler/ordered-work.js';
import { SpillingTileStore, type TileStore } from './tiler/tile-store.js';
import type { Task } from './tiler/worker.js';
import { DirectorySink } from './writers/directory.js';
import type { TileSink } from './writers/sink.js';

export { featureId } from './tiler/batch.js';

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
  /** Features wholly outside the tiling scheme's area, or too small to draw at any zoom. */
  outside: number;
  tilesPerZoom: Record<number, number>;
  layers: { name: string; features: number }[];
  /** [minLon, minLat, maxLon, maxLat] written to metadata. */
  bounds: [number, number, number, number];
  threads: number;
  /** Bytes of tile fragments that went through the temporary store on disk (0: all in memory). */
  spilledBytes: number;
  elapsedMs: number;
  cpuMs: number;
  peakRssBytes: number;
  output: string;
}

/** Features per batch handed to a thread, and the most text a batch may hold. */
const BATCH_FEATURES = 2000;
const BATCH_BYTES = 4 << 20;
/** Tiles per encoding batch, and the most fragment bytes it may hold. */
const ENCODE_TILES = 1000;
const ENCODE_BYTES = 4 << 20;
/** Most bytes of input text or tile fragments in flight between the main thread and the workers. */
const WINDOW_BYTES = 256 << 20;

/** Builds a tileset. Resolves with the summary; rejects with UsageError / InputError. */
export async function buildTileset(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
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
  const ctx: TileContext = {
    scheme,
    tiler: {
      minzoom: opts.minzoom,
      maxzoom: opts.maxzoom,
      extent: opts.extent,
      buffer: opts.buffer,
      matrixWidthZ0: scheme.matrixWidthZ0,
      matrixHeightZ0: scheme.matrixHeightZ0,
      sqTolerances: sqTolerances(opts),
    },
    minSqTolerance: 0,
    skipInvalid: opts.skipInvalid,
  };
  ctx.minSqTolerance = minPositive(ctx.tiler.sqTolerances);

  const summary: BuildSummary = {
    tiles: 0, bytes: 0, features: 0, featuresWritten: 0, invalid: 0, invalidMessages: [], noGeometry: 0, outside: 0,
    tilesPerZoom: {}, layers: [], bounds: [0, 0, 0, 0], threads: opts.threads, spilledBytes: 0, elapsedMs: 0, cpuMs: 0, peakRssBytes: 0,
    output: typeof options.output === 'string' ? resolve(options.output) : outputName,
  };
  const store: TileStore = new SpillingTileStore({
    memoryBudget: opts.memoryBudget,
    tempDir: options.tempDir,
    matrixWidthZ0: scheme.matrixWidthZ0,
    matrixHeightZ0: scheme.matrixHeightZ0,
  });
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const schemas: LayerSchema[] = [];
  const progress = { phase: 'read' as 'read' | 'write', featuresRead: 0, tilesWritten: 0, tilesTotal: undefined as number | undefined };
  const pool = opts.threads > 1 ? new Piscina<Task, BatchResult | EncodedBatch>({
    filename: new URL('./tiler/worker.js', import.meta.url).href,
    minThreads: opts.threads,
    maxThreads: opts.threads,
    idleTimeout: 1000,
  }) : undefined;
  const run = <T extends BatchResult | EncodedBatch>(task: Task): Promise<T> =>
    pool ? (pool.run(task) as Promise<T>) : Promise.resolve((task.kind === 'tile' ? tileBatch(task.batch) : encodeBatch(task.batch)) as T);
  // Bounded look-ahead: enough batches in flight to keep every thread busy past a slow one.
  const maxInFlight = Math.max(2, opts.threads * 8);

  options.signal?.throwIfAborted();
  await sink.open();
  try {
    // Phase 1: read and tile. Fragments go to the store as soon as a batch is done; statistics
    // and errors are taken in batch order, so the output does not depend on the number of threads.
    let seq = 0;
    let layerWritten = 0;
    const tiling = new OrderedWork<{ r: BatchResult; layer: OpenLayer; schema: LayerSchema }>(
      maxInFlight,
      WINDOW_BYTES,
      ({ r, layer, schema }) => {
        if (r.fatal) {
          if (r.fatal.feature) throw new FeatureError(r.fatal.problem!, { file: layer.source, layer: layer.name, index: r.fatal.index!, id: r.fatal.id });
          throw new InputError(r.fatal.message, layer.source);
        }
        schema.merge(r.stats);
        summary.features += r.features;
        summary.invalid += r.invalid;
        summary.noGeometry += r.noGeometry;
        summary.outside += r.outside;
        layerWritten += r.written;
        for (const m of r.invalidMessages) if (summary.invalidMessages.length < 10) summary.invalidMessages.push(m);
        for (let i = 0; i < 2; i++) bbox[i] = Math.min(bbox[i], r.bbox[i]);
        for (let i = 2; i < 4; i++) bbox[i] = Math.max(bbox[i], r.bbox[i]);
        progress.featuresRead = summary.features;
        options.onProgress?.(progress);
      },
      ({ r }) => {
        if (!r.fatal) store.add(r.fragments);
        r.fragments = new Uint8Array(0); // the store holds them now
      },
    );
    for (let li = 0; li < options.inputs.length; li++) {
      const layer = openLayer(options.inputs[li], options.layerNames?.[li]);
      if (schemas.some((s) => s.name === layer.name)) throw new UsageError(`two inputs give the same layer name "${layer.name}": rename one with --layer`);
      const schema = new LayerSchema(layer.name, layer.description ?? '', opts.minzoom, opts.maxzoom);
      schemas.push(schema);
      layerWritten = 0;
      let srs: string | undefined;
      let items: (string | unknown)[] = [];
      let bytes = 0;
      let indexBase = 0;
      const flush = async () => {
        if (!items.length) return;
        srs ??= sourceSrs(options, layer);
        const batch: FeatureBatch = { ctx, layer: li, layerName: layer.name, source: layer.source, srs, seqBase: seq, indexBase, items };
        seq += items.length;
        indexBase += items.length;
        items = [];
        const weight = bytes;
        bytes = 0;
        await tiling.submit(run<BatchResult>({ kind: 'tile', batch }).then((r) => ({ r, layer, schema })), weight);
        options.signal?.throwIfAborted();
      };
      for await (const raw of layer.features) {
        items.push(raw.text ?? raw.feature);
        bytes += raw.text?.length ?? 1000;
        if (items.length >= BATCH_FEATURES || bytes >= BATCH_BYTES) await flush();
      }
      await flush();
      await tiling.drain();
      summary.featuresWritten += layerWritten;
      summary.layers.push({ name: layer.name, features: layerWritten });
    }

    // Phase 2: encode tile batches on the threads, write in the main thread.
    progress.phase = 'write';
    progress.tilesTotal = store.tileCount;
    options.onProgress?.(progress);
    const layers = schemas.map((s) => ({ name: s.name, fieldTypes: [...s.fieldTypes()], realFields: [...s.realFields()] }));
    const writes = new Set<Promise<void>>();
    const encoding = new OrderedWork<EncodedBatch>(maxInFlight, WINDOW_BYTES, (r) => {
      for (let i = 0; i < r.index.length; i += 5) {
        const [z, x, y, offset, length] = r.index.slice(i, i + 5);
        summary.tiles++;
        summary.bytes += length;
        summary.tilesPerZoom[z] = (summary.tilesPerZoom[z] ?? 0) + 1;
        const p = sink.put(z, x, y, r.data.subarray(offset, offset + length)).finally(() => writes.delete(p));
        writes.add(p);
        progress.tilesWritten++;
      }
      options.onProgress?.(progress);
    });
    let batch: EncodeBatch = { layers, extent: opts.extent, compress: opts.compress, tiles: [] };
    let batchBytes = 0;
    const dispatch = async () => {
      if (!batch.tiles.length) return;
      const b = batch;
      batch = { layers, extent: opts.extent, compress: opts.compress, tiles: [] };
      const weight = batchBytes;
      batchBytes = 0;
      await encoding.submit(run<EncodedBatch>({ kind: 'encode', batch: b }), weight);
      // Writing is the slow end: let at most 256 files be in flight.
      while (writes.size > 256) await Promise.race(writes);
      options.signal?.throwIfAborted();
    };
    for await (const t of store.tiles()) {
      batch.tiles.push({ z: t.z, x: t.x, y: t.y, records: t.records });
      batchBytes += t.records.length;
      if (batch.tiles.length >= ENCODE_TILES || batchBytes >= ENCODE_BYTES) await dispatch();
    }
    await dispatch();
    await encoding.drain();
    await Promise.all(writes);
    options.signal?.throwIfAborted();
    summary.spilledBytes = store.spilledBytes;

    summary.bounds = bbox[0] <= bbox[2] ? schemeBoundsToLonLat(scheme, schemeCrs, { minU: bbox[0], minV: bbox[1], maxU: bbox[2], maxV: bbox[3] }) : [0, 0, 0, 0];
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
  } finally {
    store.dispose();
    await pool?.destroy();
  }
  const cpu = process.cpuUsage(cpu0);
  summary.cpuMs = (cpu.user + cpu.system) / 1000;
  summary.elapsedMs = performance.now() - started;
  // maxRSS is the kernel's high-water mark for the whole process, threads included (KiB).
  summary.peakRssBytes = process.resourceUsage().maxRSS * 1024;
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
  features: AsyncIterable<RawFeature>;
}

function openLayer(input: string | LayerInput, name: string | undefined): OpenLayer {
  if (typeof input === 'string') {
    const info: GeoJSONSourceInfo = {};
    return { name: name ?? basename(input, extname(input)), source: input, info, features: readGeoJSONRaw(input, info) };
  }
  return {
    name: name ?? input.name,
    description: input.description,
    srs: input.srs,
    source: input.source ?? `layer "${input.name}"`,
    features: numbered(input.features),
  };
}

async function* numbered(features: LayerInput['features']): AsyncGenerator<RawFeature> {
  let index = 0;
  for await (const feature of features) yield { index: index++, feature };
}

/** --s-srs, else the layer's own CRS, else the file's `crs` member, else WGS84. Checked here. */
function sourceSrs(options: BuildOptions, layer: OpenLayer): string {
  const srs = options.sourceSrs ?? layer.srs ?? layer.info?.crs ?? 'EPSG:4326';
  try {
    resolveCrs(srs);
  } catch (e) {
    throw new InputError((e as Error).message, layer.source);
  }
  return srs;
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

/** Default thread count: the cores available. */
export function defaultThreads(): number {
  return availableParallelism();
}
