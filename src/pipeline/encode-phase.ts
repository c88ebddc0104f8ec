// Phase 2: the store's tiles, in order, encoded on the threads (stages/encode.ts). A sink that
// describes a thread writer is written by those threads; any other gets the bytes back here, through
// a queue of put()s.
import { DEFAULTS } from '../defaults.js';
import { InputError } from '../errors.js';
import type { LayerSchema } from '../model/layer-schema.js';
import { CLUSTER_FIELDS } from '../mvt/as-needed.js';
import type { BuildOptions, Progress } from '../options.js';
import { type EncodeBatch, type EncodeLayer, streamsFromRuns } from '../stages/encode.js';
import type { TileStore } from '../tiler/tile-store.js';
import type { TileSink } from '../writers/sink.js';
import { tileBatches } from './batches.js';
import { OrderedWork } from './ordered-work.js';
import type { Plan } from './plan.js';
import type { WorkerPool } from './pool.js';
import { addEncoded, type BuildSummary } from './summary.js';
import type { EncodedBatch } from './tasks.js';
import { WriteQueue } from './write-queue.js';

/** What the encoder needs of each output layer. */
export function encodeLayers(schemas: LayerSchema[]): EncodeLayer[] {
  return schemas.map((s) => ({ name: s.name, fieldTypes: [...s.fieldTypes()], realFields: [...s.realFields()] }));
}

/** Encodes and stores every tile; resolves with what the thread writers reported (diskBytes). */
export async function encodePhase(
  plan: Plan,
  options: BuildOptions,
  schemas: LayerSchema[],
  pool: WorkerPool,
  store: TileStore,
  sink: TileSink,
  summary: BuildSummary,
  progress: Progress,
  minzooms?: Uint8Array,
  ranked?: EncodeBatch['ranked'],
): Promise<number> {
  const report = () => options.onProgress?.(progress);
  progress.phase = 'write';
  progress.tilesTotal = store.tileCount;
  report();
  const layers = encodeLayers(schemas);
  const queue = new WriteQueue(sink, DEFAULTS.writesInFlight);
  const writer = sink.threadWriter?.();
  // A sink that takes whole runs stores identical tiles once: the threads hash the tiles for it.
  const runs = !writer && sink.putRun !== undefined;
  let storedBytes = 0;
  const clustered = new Set<string>();
  const encoding = new OrderedWork<EncodedBatch>(Math.max(2, pool.threads * DEFAULTS.batchesPerThread), DEFAULTS.windowBytes, (r) => {
    storedBytes += r.storedBytes;
    for (const name of r.clusteredLayers) clustered.add(name);
    if (r.writeError) throw new InputError(r.writeError, summary.output);
    addEncoded(summary, r);
    if (runs && !r.stored) return queue.pushRun({ data: r.data, index: r.index, ...(r.keys && { keys: r.keys }) });
    for (let i = 0; i < r.index.length; i += 5) {
      if (r.stored) queue.written++;
      else queue.push(r.index[i], r.index[i + 1], r.index[i + 2], r.data.subarray(r.index[i + 3], r.index[i + 3] + r.index[i + 4]));
    }
  });
  // Thinning's first zooms and the strategy's ranks go to every batch: shared memory, not copied.
  const shared = { ...plan.encode, layers, ...(minzooms && { minzooms }), ...(ranked && { ranked }) };
  for await (const part of tileBatches(store, false, (t, bytes) => streamsFromRuns(shared, t.z, t.count, bytes))) {
    const b: EncodeBatch = { ...shared, tiles: part.tiles };
    await encoding.submit(pool.run<EncodedBatch>({ kind: 'encode', batch: b, writer, ...(runs && { keys: true }) }), part.bytes);
    // Writing is the slow end: do not let encoded tiles pile up in memory.
    await queue.waitBelow(4 * DEFAULTS.encodeTiles);
    progress.tilesWritten = queue.written;
    report();
    options.signal?.throwIfAborted();
  }
  await encoding.drain();
  await queue.finish();
  // Layers whose tiles hold clusters (--cluster-densest-as-needed) list the fields clusters carry.
  for (const s of schemas) if (clustered.has(s.name)) for (const [name, type, real] of CLUSTER_FIELDS) s.declare(name, type, real);
  if (clustered.size) summary.clusteredLayers = [...clustered];
  progress.tilesWritten = queue.written;
  report();
  options.signal?.throwIfAborted();
  return storedBytes;
}
