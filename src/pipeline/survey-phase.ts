// Before the build, when the max zoom is to be guessed (maxzoom 'g', tippecanoe's -zg): every layer
// read once through the threads (stages/survey.ts) to measure how far apart its features are, and the
// max zoom chosen from that (generalize/zoom-guess.ts). The build then reads the inputs again, so they
// must be files, or layers from code whose features are an array.
import { DEFAULTS } from '../defaults.js';
import { InputError, UsageError } from '../errors.js';
import { squareLevels } from '../generalize/curve.js';
import { GRID_BITS, guessMaxzoom, type ZoomGuess } from '../generalize/zoom-guess.js';
import type { BuildOptions } from '../options.js';
import { metersPerUnit } from '../projection/crs-info.js';
import { openInputs } from '../readers/open-inputs.js';
import type { SurveyResult } from '../stages/survey.js';
import type { FeatureBatch } from '../stages/tile.js';
import { itemBatches } from './batches.js';
import { layerSrs } from './layer-crs.js';
import { OrderedWork } from './ordered-work.js';
import { resolvePlan, type Plan } from './plan.js';
import { WorkerPool } from './pool.js';

/** What the guess found, in metres, for the summary. */
export interface MaxzoomGuess {
  maxzoom: number;
  /** Typical and nearby distances between features, and between the vertices of a feature (m). */
  typicalMeters?: number;
  nearbyMeters?: number;
  withinMeters?: number;
  /** The guess was cut back: to the grid's precision, to keep polygons under 2M tiles, or to minzoom. */
  limitedBy?: ZoomGuess['limitedBy'];
}

/** The options with the max zoom guessed (and a guessed base zoom set to it, as tippecanoe's -zg -Bg does). */
export async function surveyPhase(options: BuildOptions, lateCrs: ReadonlyMap<string, string>): Promise<{ options: BuildOptions; guess: MaxzoomGuess }> {
  if (options.maxScale !== undefined) throw new UsageError('--max-scale and --maxzoom both set the max zoom: give one');
  const { plan, places: all, spacing, k } = await survey({ ...options, maxzoom: undefined }, lateCrs, 'maxzoom g');
  const { scheme } = plan;
  const g = guessMaxzoom({ places: all, ...spacing }, { extent: plan.opts.extent, k, minzoom: plan.opts.minzoom });
  if (!g) throw new InputError('cannot guess the max zoom (maxzoom g) without at least two distinct feature locations, or a line or polygon');
  // A grid unit in metres: a zoom-0 tile is 2^(GRID_BITS − k) of them.
  const meters = (grid: number | undefined) => (grid === undefined ? undefined : (grid * scheme.tileDimensionZ0 * metersPerUnit(plan.schemeCrs)) / 2 ** (GRID_BITS - k));
  const guess: MaxzoomGuess = { maxzoom: g.maxzoom, typicalMeters: meters(g.typical), nearbyMeters: meters(g.nearby), withinMeters: meters(g.within), limitedBy: g.limitedBy };
  const baseZoom = options.baseZoom === 'g' && options.guessFeatures === undefined ? g.maxzoom : options.baseZoom;
  return { options: { ...options, maxzoom: g.maxzoom, baseZoom }, guess };
}

/**
 * Every layer read once through the threads, measured only: each feature's place (the middle of its
 * bounding box, as gridIndex, sorted) and the spacing sums. `why` names what needs it, for the error
 * when an input cannot be read twice.
 */
export async function survey(options: BuildOptions, lateCrs: ReadonlyMap<string, string>, why: string): Promise<{ plan: Plan; places: BigUint64Array; spacing: { withinSum: number; withinCount: number; area: number }; k: number; sized: BigUint64Array; sizes: Float64Array }> {
  const once = options.inputs.find((i) => typeof i !== 'string' && !Array.isArray(i.features));
  if (once) throw new UsageError(`${why} reads the input twice: layer "${(once as { name: string }).name}" must be a file or an array of features`);
  const plan = resolvePlan(options);
  const { scheme } = plan;
  const k = squareLevels(scheme.matrixWidthZ0, scheme.matrixHeightZ0);
  const places: BigUint64Array[] = [];
  const sized: BigUint64Array[] = [];
  const sizes: Float64Array[] = [];
  const spacing = { withinSum: 0, withinCount: 0, area: 0 };
  const pool = new WorkerPool(plan.opts.threads);
  try {
    // Sums in input order, so that the guess does not depend on the number of threads.
    const work = new OrderedWork<SurveyResult>(Math.max(2, pool.threads * DEFAULTS.batchesPerThread), DEFAULTS.windowBytes, (r) => {
      places.push(r.places);
      sized.push(r.sized);
      sizes.push(r.sizes);
      spacing.withinSum += r.withinSum;
      spacing.withinCount += r.withinCount;
      spacing.area += r.area;
    });
    const ctx = plan.contextFor(plan.opts.minzoom, plan.opts.maxzoom);
    for (const layer of await openInputs({ ...options, lateCrs })) {
      const h = layer.header;
      let srs: string | undefined;
      for await (const part of itemBatches(layer.items)) {
        srs ??= layerSrs(options.sourceSrs, h);
        const batch: FeatureBatch = { ctx, layer: 0, layerName: h.name, source: h.source, srs, seqBase: 0, indexBase: part.indexBase, items: part.items, lines: part.lines };
        await work.submit(pool.run<SurveyResult>({ kind: 'survey', batch }), part.bytes);
        options.signal?.throwIfAborted();
      }
    }
    await work.drain();
  } finally {
    await pool.stop();
  }
  return { plan, places: joined(places, BigUint64Array).sort(), spacing, k, sized: joined(sized, BigUint64Array), sizes: joined(sizes, Float64Array) };
}

function joined<T extends BigUint64Array | Float64Array>(parts: T[], Kind: { new (n: number): T }): T {
  const all = new Kind(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p as never, at);
    at += p.length;
  }
  return all;
}
