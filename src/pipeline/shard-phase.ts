// Before a sharded build (--shard I/N): the cut of the tile tree every shard agrees on
// (shard/assign.ts), from a survey of the inputs (where each feature lies), and the build's
// identity (the inputs' hashes and the options) for the shard manifest that merge checks.
import { UsageError } from '../errors.js';
import type { ShardRegion } from '../model/subtrees.js';
import type { BuildOptions } from '../options.js';
import { cutTileTree, regionOf, type ShardCut } from '../shard/assign.js';
import { buildIdentity, type ShardManifest } from '../shard/manifest.js';
import { resolveShard, type ShardSpec } from '../shard/spec.js';
import { survey } from './survey-phase.js';

export interface Sharding {
  spec: ShardSpec;
  cut: ShardCut;
  region: ShardRegion;
  build: ShardManifest['build'];
}

export async function shardPhase(options: BuildOptions, lateCrs: ReadonlyMap<string, string>): Promise<Sharding> {
  const spec = resolveShard(options.shard!);
  const files = options.inputs.filter((i): i is string => typeof i === 'string');
  if (files.length !== options.inputs.length) throw new UsageError('--shard builds read files: every shard hashes them, and merge checks the hashes agree');
  if (typeof options.output !== 'string') throw new UsageError('--shard builds write a directory, an .mbtiles or a .pmtiles file, with the shard manifest beside it');
  // Thinning ranks every feature of a layer against all the others: no shard sees them all drawn.
  if (options.dropRate !== undefined || options.baseZoom !== undefined) throw new UsageError('--shard cannot be used with --drop-rate / --base-zoom (thinning ranks every feature against all others): build on one machine');
  // So do the as-needed strategies: each zoom's threshold is the one its most crowded tile needs.
  if (options.asNeeded !== undefined && options.asNeeded !== 'gdal') throw new UsageError('--shard cannot be used with the --*-as-needed strategies (each zoom\'s threshold is found over all its tiles): build on one machine');
  const { plan, places, sized, sizes, k } = await survey(options, lateCrs, '--shard');
  const cut = cutTileTree({ places, sized, sizes, k, count: spec.count, minzoom: plan.opts.minzoom, maxzoom: plan.opts.maxzoom, zoom: options.shardZoom });
  const { shard: _, ...rest } = options;
  const build = await buildIdentity(files, { ...rest, shardCount: spec.count, shardZoom: options.shardZoom } as Record<string, unknown>);
  return { spec, cut, region: regionOf(cut, spec.index), build };
}
