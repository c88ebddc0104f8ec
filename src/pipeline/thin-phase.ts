// Between the two phases: thinning by zoom (generalize/drop-rate.ts). Every thinned feature's key is
// known once the tile phase is done; the walk along the curve gives each its first zoom, which the
// encode phase applies to the records it reads. The rate and base zoom it chose (or guessed) go in
// the summary.
import { squareLevels } from '../generalize/curve.js';
import { thin } from '../generalize/drop-rate.js';
import type { Plan } from './plan.js';
import type { BuildSummary } from './summary.js';
import type { Tiled } from './tile-phase.js';

/** Each feature's first zoom, by input position; undefined without thinning. */
export function thinPhase(plan: Plan, tiled: Tiled, summary: BuildSummary): Uint8Array | undefined {
  if (!plan.thinning || !tiled.thin) return undefined;
  const { scheme, opts } = plan;
  const { minzooms, choice } = thin(tiled.thin, plan.thinning, { maxzoom: opts.maxzoom, features: summary.features, k: squareLevels(scheme.matrixWidthZ0, scheme.matrixHeightZ0) });
  summary.thinning = { ...choice, thinned: {} };
  return minzooms;
}
