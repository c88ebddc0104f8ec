// buildTileset, the spine of the pipeline (README "How it works"):
//   plan → open inputs → open the sink → tile phase (threads: parse, reproject, clip, simplify,
//   quantize → tile store) → thinning by zoom, when asked → as-needed thresholds, when asked (threads:
//   the lowest each tile needs) → encode phase (threads: encode, gzip → sink)
//   → commit (→ with --shard, the shard manifest).
// The main thread only reads, routes and writes; each step lives in pipeline/.
import { tmpdir } from 'node:os';
import type { BuildOptions } from './options.js';
import { openInputs } from './readers/open-inputs.js';
import { asNeededPhase } from './pipeline/as-needed-phase.js';
import { encodePhase } from './pipeline/encode-phase.js';
import { LateCrsError } from './pipeline/layer-crs.js';
import { resolvePlan, sinkFor, tilesetMetadata } from './pipeline/plan.js';
import { shardPhase } from './pipeline/shard-phase.js';
import { writeShardManifest } from './pipeline/shard-manifest.js';
import { WorkerPool } from './pipeline/pool.js';
import { emptySummary, finishSummary, type BuildSummary } from './pipeline/summary.js';
import { surveyPhase } from './pipeline/survey-phase.js';
import { thinPhase } from './pipeline/thin-phase.js';
import { tilePhase } from './pipeline/tile-phase.js';
import { removeStaleTemporaries } from './temporaries.js';
import { SPILL_PREFIX, SpillingTileStore } from './tiler/tile-store.js';

export type { BuildSummary } from './pipeline/summary.js';
export { featureId } from './model/attributes.js';

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
      return finishSummary(await build(options, lateCrs), started, cpu0);
    } catch (e) {
      const canRetry = options.inputs.every((i) => typeof i === 'string') && typeof options.output === 'string';
      if (!(e instanceof LateCrsError) || !canRetry || lateCrs.has(e.file!)) throw e;
      lateCrs.set(e.file!, e.crs);
    }
  }
}

async function build(given: BuildOptions, lateCrs: ReadonlyMap<string, string>): Promise<BuildSummary> {
  // A max zoom to be guessed (-zg) takes a first read of the inputs, measuring only.
  const surveyed = given.maxzoom === 'g' ? await surveyPhase(given, lateCrs) : undefined;
  const options = surveyed?.options ?? given;
  // A shard (--shard I/N) reads the inputs once more first, to cut the tile tree as every shard does.
  const sharding = options.shard !== undefined ? await shardPhase(options, lateCrs) : undefined;
  const plan = resolvePlan(options, sharding?.region);
  const { opts, scheme } = plan;
  const summary = emptySummary(opts.threads, plan.output);
  summary.maxzoomGuess = surveyed?.guess;
  const progress = { phase: 'read' as const, featuresRead: 0, tilesWritten: 0 };
  options.signal?.throwIfAborted();
  // The store checks --temp-dir now, before the sink takes the output's lock and makes its temporary.
  const store = new SpillingTileStore({ memoryBudget: opts.memoryBudget, tempDir: options.tempDir, matrixWidthZ0: scheme.matrixWidthZ0, matrixHeightZ0: scheme.matrixHeightZ0 });
  const sink = sinkFor(options, plan);
  try {
    await sink.open();
  } catch (e) {
    store.dispose();
    throw e;
  }
  const pool = new WorkerPool(opts.threads);
  try {
    // Left by builds that were killed before they could clean up: the output's temporaries (removed by
    // the sink, under its lock) and spill directories. Only those whose process is gone.
    summary.staleTemporaries = (sink.staleRemoved ?? 0) + (await removeStaleTemporaries(options.tempDir ?? tmpdir(), SPILL_PREFIX));
    const layers = await openInputs({ ...options, lateCrs });
    const tiled = await tilePhase(plan, options, layers, pool, store, summary, progress);
    const { schemas, bbox } = tiled;
    const minzooms = thinPhase(plan, tiled, summary);
    const ranked = await asNeededPhase(plan, tiled, schemas, pool, store, summary, minzooms);
    const storedBytes = await encodePhase(plan, options, schemas, pool, store, sink, summary, progress, minzooms, ranked);
    summary.spilledBytes = store.spilledBytes;
    const metadata = tilesetMetadata(plan, options, schemas, bbox, summary.tileRanges);
    summary.bounds = metadata.bounds;
    await sink.commit(metadata);
    if (sharding) await writeShardManifest(plan, sharding, tiled, summary);
    summary.diskBytes = await sink.diskBytes?.(storedBytes);
  } catch (e) {
    // Threads may be writing tile files: stop them before the temporary directory goes.
    await pool.stop();
    await sink.abort();
    throw e;
  } finally {
    store.dispose();
    await pool.stop();
  }
  return summary;
}
