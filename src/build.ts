// buildTileset: read → (worker threads: parse, reproject, clip, simplify, quantize) → tile store
// → (worker threads: encode, gzip) → sink. The main thread only reads, routes and writes.
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { FeatureError, InputError, UsageError } from './errors.js';
import { TINY_AREA2 } from './geometry/quantize.js';
import { resolveOptions, type BuildOptions, type LayerInput, type Progress, type ResolvedOptions } from './options.js';
import { lonLatBoundsTo, schemeBoundsToLonLat } from './projection/bounds.js';
import { crsArea, resolveCrs, type ResolvedCrs } from './projection/crs.js';
import { readGeoJSONRaw, type GeoJSONSourceInfo, type RawFeature } from './readers/geojson.js';
import { openGeoPackage } from './readers/gpkg.js';
import type { FieldType } from './model/attributes.js';
import { isWebMercatorQuad, parseTilingScheme, validateTilingScheme, type TilingScheme } from './scheme/tiling-scheme.js';
import { readTilingScheme } from './scheme/ogc-tms.js';
import { crsFacts } from './projection/crs-info.js';
import { addToTileRanges, type TileRanges } from './describe/tile-ranges.js';
import { encodeBatch, tileBatch, type BatchItem, type BatchResult, type EncodeBatch, type EncodedBatch, type FeatureBatch, type TileContext } from './tiler/batch.js';
import { LayerSchema } from './model/layer-schema.js';
import { OrderedWork } from './tiler/ordered-work.js';
import { removeStaleTemporaries } from './temporaries.js';
import { SPILL_PREFIX, SpillingTileStore, type TileStore } from './tiler/tile-store.js';
import type { Task } from './tiler/worker.js';
import { DirectorySink } from './writers/directory.js';
import { MbtilesSink } from './writers/mbtiles.js';
import type { TileSink } from './writers/sink.js';

export { featureId } from './tiler/batch.js';

export interface BuildSummary {
  tiles: number;
  /** Bytes of tile data (after compression): the payload, not what the output takes on disk. */
  bytes: number;
  /**
   * Bytes the output takes on disk, as `du` shows it: for a directory the allocated blocks of every
   * tile file, metadata.json and the directories; for MBTiles the file's size. Absent for a sink
   * that does not say (diskBytes in TileSink).
   */
  diskBytes?: number;
  /** Features read (all layers), including skipped ones. */
  features: number;
  /** Features that made it into at least one tile. */
  featuresWritten: number;
  /** Malformed features skipped with --skip-invalid, with the first few messages. */
  invalid: number;
  invalidMessages: string[];
  /** Features without geometry (null or empty), which GDAL skips too. */
  noGeometry: number;
  /** Features wholly outside the tiling scheme's area (its zoom-0 tile matrix). */
  outside: number;
  /**
   * Features inside it with nothing to draw at any zoom: degenerate (a one-point line, a polygon
   * of zero area) or smaller than the simplification tolerance everywhere.
   */
  collapsed: number;
  /** Input columns left out of every tile (GeoPackage BLOB and extra geometry columns), and why. */
  skippedColumns: { file: string; layer: string; column: string; why: string }[];
  tilesPerZoom: Record<number, number>;
  /** Per zoom, the columns (x) and rows (y) the tiles written span (tileset.json's limits). */
  tileRanges: TileRanges;
  /**
   * Polygons, counted once per tile they are drawn in: those whose rounded rings had to be made
   * valid again (their union replaces them), and rings too small to draw that were left out (their
   * area is drawn back as small squares, as tippecanoe does).
   */
  repairedPolygons: number;
  tinyRings: number;
  /**
   * Per zoom, tiles over --max-size / --max-features: how many, the smallest extent one was drawn
   * at (0: none was reduced), and the features dropped to fit.
   */
  limited: Record<number, { tiles: number; reducedExtent: number; droppedForSize: number; droppedForCount: number }>;
  layers: { name: string; features: number }[];
  /** [minLon, minLat, maxLon, maxLat] written to metadata. */
  bounds: [number, number, number, number];
  threads: number;
  /** Bytes of tile fragments that went through the temporary store on disk (0: all in memory). */
  spilledBytes: number;
  /** Temporaries that earlier builds left when they were killed, removed by this one. */
  staleTemporaries: number;
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
const WINDOW_BYTES = 64 << 20;

/** Builds a tileset. Resolves with the summary; rejects with UsageError / InputError. */
export async function buildTileset(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  // A GeoJSON file whose `crs` member comes after its features has been tiled with the default CRS
  // by the time the member is read. That attempt is thrown away (nothing of it is written) and the
  // build starts again knowing the file's CRS: a second read of the inputs, paid only by such files.
  // Inputs given as iterables cannot be read twice, nor can a caller's own sink be reopened: then
  // the error stands, and says what to do.
  const lateCrs = new Map<string, string>();
  for (;;) {
    try {
      return await build(options, lateCrs, started, cpu0);
    } catch (e) {
      const canRetry = options.inputs.every((i) => typeof i === 'string') && typeof options.output === 'string';
      if (!(e instanceof LateCrsError) || !canRetry || lateCrs.has(e.file!)) throw e;
      lateCrs.set(e.file!, e.crs);
    }
  }
}

async function build(options: BuildOptions, lateCrs: ReadonlyMap<string, string>, started: number, cpu0: NodeJS.CpuUsage): Promise<BuildSummary> {
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
  if (opts.format === 'mbtiles' && !isWebMercatorQuad(scheme)) {
    throw new UsageError('MBTiles holds only Web Mercator tiles: a custom tiling scheme needs --format directory (as in GDAL)');
  }
  const sink: TileSink =
    typeof options.output !== 'string'
      ? options.output
      : opts.format === 'mbtiles'
        ? new MbtilesSink(options.output, { force: opts.force })
        : new DirectorySink(options.output, { force: opts.force, extension: opts.tileExtension });
  const outputName = typeof options.output === 'string' ? basename(resolve(options.output)).replace(/\.mbtiles$/i, '') : 'tileset';
  /** The tiling context for a zoom range (per source layer with --conf; GDAL's per-layer zooms). */
  const contextFor = (minzoom: number, maxzoom: number): TileContext => {
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
        tinyArea2: opts.tinyPolygonReduction ? TINY_AREA2 : 0,
        repair: opts.polygonRepair,
      },
      minSqTolerance: minPositive(tolerances),
      dropInvisible: tolerances.slice(minzoom).every((t) => t > 0),
      skipInvalid: opts.skipInvalid,
    };
  };

  const summary: BuildSummary = {
    tiles: 0, bytes: 0, features: 0, featuresWritten: 0, invalid: 0, invalidMessages: [], noGeometry: 0, outside: 0, collapsed: 0, skippedColumns: [],
    tilesPerZoom: {}, tileRanges: {}, repairedPolygons: 0, tinyRings: 0, limited: {}, layers: [], bounds: [0, 0, 0, 0], threads: opts.threads, spilledBytes: 0, staleTemporaries: 0, elapsedMs: 0, cpuMs: 0, peakRssBytes: 0,
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
  const progress: Progress = { phase: 'read', featuresRead: 0, tilesWritten: 0 };
  const pool = opts.threads > 1 ? new Piscina<Task, BatchResult | EncodedBatch>({
    filename: new URL('./tiler/worker-entry.cjs', import.meta.url).href,
    minThreads: opts.threads,
    maxThreads: opts.threads,
    idleTimeout: 1000,
  }) : undefined;
  let stopped: Promise<void> | undefined;
  // Tasks still running when the build stops (an error, Ctrl-C) are let finish first: a result that
  // a worker posts after destroy() makes piscina throw "Unexpected message from Worker" from an event
  // handler, which no catch here can take, and the process dies with it.
  const running = new Set<Promise<unknown>>();
  const stopPool = () => (stopped ??= pool ? Promise.allSettled([...running]).then(() => pool.destroy()) : Promise.resolve());
  const run = <T extends BatchResult | EncodedBatch>(task: Task): Promise<T> => {
    if (!pool) return Promise.resolve((task.kind === 'tile' ? tileBatch(task.batch) : encodeBatch(task.batch)) as T);
    const p = pool.run(task, { transferList: transfers(task) }) as Promise<T>;
    running.add(p);
    p.then(() => running.delete(p), () => running.delete(p));
    return p;
  };
  // Bounded look-ahead: enough batches in flight to keep every thread busy past a slow one.
  const maxInFlight = Math.max(2, opts.threads * 8);

  options.signal?.throwIfAborted();
  await sink.open();
  try {
    // Left by builds that were killed before they could clean up: the output's temporaries (removed by
    // the sink, under its lock) and spill directories. Only those whose process is gone.
    summary.staleTemporaries = (sink.staleRemoved ?? 0) + (await removeStaleTemporaries(options.tempDir ?? tmpdir(), SPILL_PREFIX));
    // Phase 1: read and tile. Fragments go to the store as soon as a batch is done; statistics
    // and errors are taken in batch order, so the output does not depend on the number of threads.
    let seq = 0;
    let layerWritten = 0;
    const tiling = new OrderedWork<{ r: BatchResult; layer: OpenLayer; schema: LayerSchema; textBytes: number }>(
      maxInFlight,
      WINDOW_BYTES,
      ({ r, layer, schema, textBytes }) => {
        if (r.fatal) {
          if (r.fatal.feature) throw new FeatureError(r.fatal.problem!, { file: layer.source, layer: layer.name, index: r.fatal.index!, line: r.fatal.line, id: r.fatal.id });
          throw new InputError(r.fatal.message, layer.source ?? `layer "${layer.name}"`);
        }
        schema.merge(r.stats);
        summary.features += r.features;
        summary.invalid += r.invalid;
        summary.noGeometry += r.noGeometry;
        summary.outside += r.outside;
        summary.collapsed += r.collapsed;
        summary.repairedPolygons += r.repairedPolygons;
        summary.tinyRings += r.tinyRings;
        layerWritten += r.written;
        for (const m of r.invalidMessages) if (summary.invalidMessages.length < 10) summary.invalidMessages.push(m);
        for (let i = 0; i < 2; i++) bbox[i] = Math.min(bbox[i], r.bbox[i]);
        for (let i = 2; i < 4; i++) bbox[i] = Math.max(bbox[i], r.bbox[i]);
        progress.featuresRead = summary.features;
        // Bytes of features tiled, not read: the reader runs ahead of the threads by up to the window.
        if (progress.bytesTotal !== undefined) progress.bytesRead = Math.min(progress.bytesTotal, (progress.bytesRead ?? 0) + textBytes);
        options.onProgress?.(progress);
      },
      ({ r }) => {
        if (!r.fatal) store.add(r.fragments);
        r.fragments = new Uint8Array(0); // the store holds them now
      },
    );
    const openLayers = await openInputs(options, lateCrs);
    // Reading progress in bytes when every input is a GeoJSON file of known size.
    let bytesDone = 0;
    if (openLayers.length && openLayers.every((l) => l.size !== undefined)) {
      progress.bytesTotal = openLayers.reduce((n, l) => n + l.size!, 0);
      progress.bytesRead = 0;
    }
    const sourceNames = new Set<string>();
    for (const layer of openLayers) {
      if (sourceNames.has(layer.name)) throw new UsageError(`two inputs give the same layer name "${layer.name}": rename one with --layer`);
      sourceNames.add(layer.name);
      // --conf maps source layers onto output layers (several may share one) with their own zooms.
      const conf = options.conf?.[layer.name];
      const target = conf?.target_name ?? layer.name;
      let li = schemas.findIndex((s) => s.name === target);
      if (li < 0) {
        li = schemas.push(new LayerSchema(target, '', opts.minzoom, opts.maxzoom)) - 1;
        summary.layers.push({ name: target, features: 0 });
      }
      const schema = schemas[li];
      const description = conf?.description ?? layer.description;
      if (description !== undefined) schema.description = description; // the last one set wins, as in GDAL
      // Sources with a schema declare their fields: REAL columns stay real, all-null columns exist.
      for (const f of layer.fields ?? []) schema.declare(f.name, f.type, f.real);
      for (const c of layer.skippedFields ?? []) summary.skippedColumns.push({ file: layer.source!, layer: layer.name, column: c.name, why: c.why });
      const ctx = contextFor(conf?.minzoom ?? opts.minzoom, conf?.maxzoom ?? opts.maxzoom);
      layerWritten = 0;
      let srs: string | undefined;
      let srsGuessed = false; // srs is the default, the file having named none (yet)
      let items: BatchItem[] = [];
      let lines: number[] | undefined; // GeoJSONSeq: each item's line, for messages
      let bytes = 0;
      let indexBase = 0;
      const flush = async () => {
        if (!items.length) return;
        if (srs === undefined) {
          srs = sourceSrs(options, layer);
          srsGuessed = !options.sourceSrs && !layer.srs && layer.info?.crs === undefined;
        }
        const batch: FeatureBatch = { ctx, layer: li, layerName: layer.name, source: layer.source, srs, seqBase: seq, indexBase, items, lines };
        seq += items.length;
        indexBase += items.length;
        items = [];
        lines = undefined;
        const weight = bytes;
        bytes = 0;
        await tiling.submit(run<BatchResult>({ kind: 'tile', batch }).then((r) => ({ r, layer, schema, textBytes: weight })), weight);
        options.signal?.throwIfAborted();
      };
      for await (const raw of layer.features) {
        if (raw.line !== undefined) (lines ??= []).push(raw.line);
        if (raw.text !== undefined) {
          items.push(raw.text);
          bytes += raw.text.length;
        } else {
          items.push({ feature: raw.feature, wkb: raw.wkb, error: raw.error });
          bytes += (raw.wkb?.length ?? 0) + 200;
        }
        if (items.length >= BATCH_FEATURES || bytes >= BATCH_BYTES) await flush();
      }
      await flush();
      await tiling.drain();
      if (srsGuessed && layer.info?.crsLate) checkLateCrs(layer, srs!);
      if (progress.bytesTotal !== undefined) {
        // Whitespace and separators between features count too: the layer is all done now.
        bytesDone += layer.size ?? 0;
        progress.bytesRead = bytesDone;
        options.onProgress?.(progress);
      }
      summary.featuresWritten += layerWritten;
      summary.layers[li].features += layerWritten;
    }

    // Phase 2: encode tile batches on the threads, write in the main thread.
    progress.phase = 'write';
    progress.tilesTotal = store.tileCount;
    options.onProgress?.(progress);
    const layers = schemas.map((s) => ({ name: s.name, fieldTypes: [...s.fieldTypes()], realFields: [...s.realFields()] }));
    const writer = new WriteQueue(sink, 32);
    // A directory is written by the threads that encode (no copy back, no hop through this one).
    const target = sink.threadTarget?.();
    let threadFileBytes = 0;
    const encoding = new OrderedWork<EncodedBatch>(maxInFlight, WINDOW_BYTES, (r) => {
      threadFileBytes += r.diskBytes;
      if (r.writeError) throw new InputError(r.writeError, summary.output);
      for (let i = 0; i < r.index.length; i += 5) {
        const z = r.index[i], offset = r.index[i + 3], length = r.index[i + 4];
        summary.tiles++;
        summary.bytes += length;
        summary.tilesPerZoom[z] = (summary.tilesPerZoom[z] ?? 0) + 1;
        addToTileRanges(summary.tileRanges, z, r.index[i + 1], r.index[i + 2]);
        if (target) writer.written++;
        else writer.push(z, r.index[i + 1], r.index[i + 2], r.data.subarray(offset, offset + length));
      }
      for (let i = 0; i < r.limited.length; i += 4) {
        const l = (summary.limited[r.limited[i]] ??= { tiles: 0, reducedExtent: 0, droppedForSize: 0, droppedForCount: 0 });
        l.tiles++;
        if (r.limited[i + 1]) l.reducedExtent = l.reducedExtent ? Math.min(l.reducedExtent, r.limited[i + 1]) : r.limited[i + 1];
        l.droppedForSize += r.limited[i + 2];
        l.droppedForCount += r.limited[i + 3];
      }
    });
    let batch: EncodeBatch = { layers, extent: opts.extent, compress: opts.compress, maxSize: opts.maxSize, maxFeatures: opts.maxFeatures, tinyArea2: opts.tinyPolygonReduction ? TINY_AREA2 : 0, repair: opts.polygonRepair, tiles: [], target };
    let batchBytes = 0;
    const dispatch = async () => {
      if (!batch.tiles.length) return;
      const b = batch;
      batch = { layers, extent: opts.extent, compress: opts.compress, maxSize: opts.maxSize, maxFeatures: opts.maxFeatures, tinyArea2: opts.tinyPolygonReduction ? TINY_AREA2 : 0, repair: opts.polygonRepair, tiles: [], target };
      const weight = batchBytes;
      batchBytes = 0;
      await encoding.submit(run<EncodedBatch>({ kind: 'encode', batch: b }), weight);
      // Writing is the slow end: do not let encoded tiles pile up in memory.
      await writer.waitBelow(4 * ENCODE_TILES);
      progress.tilesWritten = writer.written;
      options.onProgress?.(progress);
      options.signal?.throwIfAborted();
    };
    for await (const t of store.tiles()) {
      batch.tiles.push({ z: t.z, x: t.x, y: t.y, records: t.records });
      batchBytes += t.records.length;
      if (batch.tiles.length >= ENCODE_TILES || batchBytes >= ENCODE_BYTES) await dispatch();
    }
    await dispatch();
    await encoding.drain();
    await writer.finish();
    progress.tilesWritten = writer.written;
    options.onProgress?.(progress);
    options.signal?.throwIfAborted();
    summary.spilledBytes = store.spilledBytes;

    summary.bounds = bbox[0] <= bbox[2] ? schemeBoundsToLonLat(scheme, schemeCrs, { minU: bbox[0], minV: bbox[1], maxU: bbox[2], maxV: bbox[3] }) : [0, 0, 0, 0];
    if (options.bounds) summary.bounds = [...options.bounds];
    await sink.commit({
      name: options.name ?? outputName,
      description: options.description ?? '',
      minzoom: opts.minzoom,
      maxzoom: opts.maxzoom,
      bounds: summary.bounds,
      center: options.center,
      type: opts.type,
      scheme,
      layers: schemas,
      attribution: options.attribution,
      tileRanges: summary.tileRanges,
      baseUrl: options.baseUrl,
    });
    summary.diskBytes = await sink.diskBytes?.(threadFileBytes);
  } catch (e) {
    // Threads may be writing tile files: stop them before the temporary directory goes.
    await stopPool();
    await sink.abort();
    throw e;
  } finally {
    store.dispose();
    await stopPool();
  }
  const cpu = process.cpuUsage(cpu0);
  summary.cpuMs = (cpu.user + cpu.system) / 1000;
  summary.elapsedMs = performance.now() - started;
  // maxRSS is the kernel's high-water mark for the whole process, threads included (KiB).
  summary.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return summary;
}

/**
 * Tiles waiting to be written, drained by a fixed number of concurrent writers. The first failed
 * write fails the build.
 */
class WriteQueue {
  private queue: { z: number; x: number; y: number; data: Uint8Array }[] = [];
  private head = 0;
  private running = 0;
  private failure: { error: unknown } | undefined;
  private waiters: (() => void)[] = [];
  written = 0;

  constructor(private readonly sink: TileSink, private readonly concurrency: number) {}

  get pending(): number {
    return this.queue.length - this.head + this.running;
  }

  push(z: number, x: number, y: number, data: Uint8Array): void {
    this.queue.push({ z, x, y, data });
    if (this.running < this.concurrency) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running++;
    while (this.head < this.queue.length && !this.failure) {
      const t = this.queue[this.head];
      this.queue[this.head++] = undefined as never;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      try {
        await this.sink.put(t.z, t.x, t.y, t.data);
        this.written++;
      } catch (e) {
        this.failure ??= { error: e };
      }
      this.wake();
    }
    this.running--;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once fewer than n tiles wait; rejects with the first write error. */
  async waitBelow(n: number): Promise<void> {
    while (!this.failure && this.pending >= n) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure.error;
  }

  finish(): Promise<void> {
    return this.waitBelow(1);
  }
}

/**
 * Tile records go to the encoding thread moved, not copied (a zoom-0 tile of a big point layer holds
 * millions of them). The store hands out each tile's records in a buffer of its own; anything that is
 * a view into a bigger buffer is left to be copied.
 */
function transfers(task: Task): ArrayBuffer[] {
  if (task.kind !== 'encode') return [];
  const out = new Set<ArrayBuffer>();
  for (const t of task.batch.tiles) {
    const b = t.records.buffer;
    if (b instanceof ArrayBuffer && t.records.byteOffset === 0 && t.records.byteLength === b.byteLength) out.add(b);
  }
  return [...out];
}

function resolveScheme(s: string | TilingScheme | undefined): TilingScheme {
  if (s === undefined) return parseTilingScheme('WebMercatorQuad');
  if (typeof s === 'string') {
    // An unknown CRS gives no area here; it is reported when the scheme's CRS is resolved.
    const area = (crs: string) => {
      try {
        return crsArea(resolveCrs(crs));
      } catch {
        return undefined;
      }
    };
    // A preset, GDAL's string, or OGC Tile Matrix Set JSON text (the CLI reads --tiling-scheme FILE.json).
    return readTilingScheme(s, { crsArea: area, crsFacts });
  }
  validateTilingScheme(s);
  return s;
}

interface OpenLayer {
  name: string;
  description?: string;
  srs?: string;
  source?: string;
  info?: GeoJSONSourceInfo;
  /** File size in bytes, for GeoJSON files (progress). */
  size?: number;
  fields?: { name: string; type: FieldType; real: boolean }[];
  /** Columns the reader cannot put in a tile (GeoPackage), reported in the summary. */
  skippedFields?: { name: string; why: string }[];
  features: AsyncIterable<RawFeature>;
}

const isGeoPackage = (p: string) => /\.gpkg$/i.test(p);

/**
 * Every output layer, in order: one per GeoJSON file or code layer, one per feature table of a
 * GeoPackage. With a GeoPackage among the inputs, --layer selects its tables (as ogr2ogr's layer
 * arguments do); otherwise it names the GeoJSON inputs by position. `lateCrs`: the CRS of files whose
 * `crs` member comes after their features, learnt by an earlier attempt.
 */
async function openInputs(options: BuildOptions, lateCrs: ReadonlyMap<string, string>): Promise<OpenLayer[]> {
  const gpkg = options.inputs.some((i) => typeof i === 'string' && isGeoPackage(i));
  const out: OpenLayer[] = [];
  for (const [i, input] of options.inputs.entries()) {
    if (typeof input !== 'string') {
      out.push({
        name: options.layerNames?.[i] ?? input.name,
        description: input.description,
        srs: input.srs,
        // No file to name: messages name the layer, which they do anyway (not "layer "x": layer "x", …").
        source: input.source,
        features: numbered(input.features),
      });
    } else if (isGeoPackage(input)) {
      // With --bounds, only rows whose envelope meets them are read, through the R-tree.
      const bounds = options.bounds;
      const bboxFor = bounds && ((srs: string) => lonLatBoundsTo(resolveCrs(srs), bounds));
      const tables = await openGeoPackage(input, { layers: options.layerNames, where: options.where, srs: options.sourceSrs, bboxFor });
      for (const t of tables) {
        out.push({ name: t.name, description: t.description, srs: t.srs, source: input, fields: t.fields, skippedFields: t.skippedFields, features: t.features() });
      }
    } else {
      const info: GeoJSONSourceInfo = { crs: lateCrs.get(input) };
      const name = gpkg ? undefined : options.layerNames?.[i];
      const st = await stat(input).catch(() => undefined); // a missing file is reported by the reader
      const features = readGeoJSONRaw(input, info);
      // A pipe or FIFO may keep a read waiting for ever: an abort must not wait with it. (A regular file
      // is not wrapped: racing every feature against the signal costs about 2 µs each.)
      const streamed = st !== undefined && !st.isFile() && !st.isDirectory();
      out.push({ name: name ?? basename(input, extname(input)), source: input, info, size: st?.size, features: streamed ? untilAborted(features, options.signal) : features });
    }
  }
  return out;
}

/** The items of `source` until `signal` aborts, even while the source is waiting for its next one. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) return yield* source;
  const it = source[Symbol.asyncIterator]();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => (onAbort = () => reject(signal.reason)));
  aborted.catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal.throwIfAborted();
      const next = it.next();
      next.catch(() => undefined); // an abandoned read may fail later: nobody waits for it then
      const r = await Promise.race([next, aborted]);
      if (r.done) return;
      yield r.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!signal.aborted) await it.return?.();
  }
}

async function* numbered(features: LayerInput['features']): AsyncGenerator<RawFeature> {
  let index = 0;
  for await (const feature of features) yield { index: index++, feature };
}

/** --s-srs, else the layer's own CRS, else the file's `crs` member, else WGS84. Checked here. */
function sourceSrs(options: BuildOptions, layer: OpenLayer): string {
  if (!options.sourceSrs && !layer.srs && layer.info?.crsUnusable) {
    throw new InputError(`${layer.info.crsUnusable}: give the coordinates' CRS with --s-srs`, layer.source);
  }
  const srs = options.sourceSrs ?? layer.srs ?? layer.info?.crs ?? 'EPSG:4326';
  try {
    resolveCrs(srs);
  } catch (e) {
    throw new InputError((e as Error).message, layer.source ?? `layer "${layer.name}"`);
  }
  return srs;
}

/** The layer was tiled with the default CRS and its `crs` member, read last, names another one. */
class LateCrsError extends InputError {
  constructor(file: string, readonly crs: string, used: string) {
    super(`the "crs" member (${crs}) comes after the features, which were read as ${used}: put "crs" before "features" or give --s-srs ${crs}`, file);
  }
}

/** Throws LateCrsError unless the late `crs` member names the CRS the layer was tiled with after all. */
function checkLateCrs(layer: OpenLayer, used: string): void {
  const info = layer.info!;
  if (info.crsUnusable) throw new InputError(`${info.crsUnusable}: give the coordinates' CRS with --s-srs`, layer.source);
  if (info.crs === undefined) return;
  let same: boolean;
  try {
    same = resolveCrs(info.crs).definition === resolveCrs(used).definition;
  } catch (e) {
    throw new InputError((e as Error).message, layer.source);
  }
  if (!same) throw new LateCrsError(layer.source!, info.crs, used);
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
