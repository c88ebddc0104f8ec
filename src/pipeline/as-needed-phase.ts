// Between the tile phase and the encode phase, with one of tippecanoe's as-needed strategies: every
// feature ranked once for the whole input (generalize/as-needed-rank.ts), then every tile read
// through the threads to find the lowest threshold at which it fits the limits (stages/encode.ts
// fitTiles), and each zoom given the highest its tiles need, carried from the deepest zoom up
// (zoomThresholds), so a feature that gives way at zoom z for density gives way at every shallower
// zoom (sizes are not carried: carriesThresholds). The
// maximum does not depend on the order the tiles come back in, so neither do the thresholds on the
// number of threads. This reads the store twice; GDAL's way (the default) needs no such phase.
import { DEFAULTS } from '../defaults.js';
import { carriesThresholds, rankFeatures, zoomThresholds } from '../generalize/as-needed-rank.js';
import { squareLevels } from '../generalize/curve.js';
import type { LayerSchema } from '../model/layer-schema.js';
import { rankingOf } from '../mvt/as-needed.js';
import type { EncodeBatch } from '../stages/encode.js';
import type { TileStore } from '../tiler/tile-store.js';
import { tileBatches } from './batches.js';
import { encodeLayers } from './encode-phase.js';
import { OrderedWork } from './ordered-work.js';
import type { Plan } from './plan.js';
import type { WorkerPool } from './pool.js';
import type { BuildSummary } from './summary.js';
import type { FitResult } from './tasks.js';
import type { Tiled } from './tile-phase.js';

/** The ranks and per-zoom thresholds every encoding batch takes; undefined without a strategy. */
export async function asNeededPhase(
  plan: Plan,
  tiled: Tiled,
  schemas: LayerSchema[],
  pool: WorkerPool,
  store: TileStore,
  summary: BuildSummary,
  minzooms: Uint8Array | undefined,
): Promise<EncodeBatch['ranked']> {
  const strategy = plan.ranking;
  if (!strategy || !tiled.ranks) return undefined;
  const { scheme, opts } = plan;
  const ranks = rankFeatures(tiled.ranks, rankingOf(strategy), summary.features, squareLevels(scheme.matrixWidthZ0, scheme.matrixHeightZ0));
  const ranked = { strategy, ranks };
  const layers = encodeLayers(schemas);
  const needs: number[] = [];
  const fitting = new OrderedWork<FitResult>(Math.max(2, pool.threads * DEFAULTS.batchesPerThread), DEFAULTS.windowBytes, (r) => {
    for (const v of r.needs) needs.push(v);
  });
  for await (const part of tileBatches(store, true)) {
    const b: EncodeBatch = { ...plan.encode, layers, ...(minzooms && { minzooms }), ranked, tiles: part.tiles };
    await fitting.submit(pool.run<FitResult>({ kind: 'fit', batch: b }), part.bytes);
  }
  await fitting.drain();
  const thresholds = zoomThresholds(needs, opts.maxzoom, carriesThresholds(rankingOf(strategy), ranks));
  summary.asNeeded = { strategy, thresholds: {} };
  thresholds.forEach((t, z) => {
    if (t !== -Infinity && z >= opts.minzoom) summary.asNeeded!.thresholds[z] = t;
  });
  return { ...ranked, thresholds };
}
