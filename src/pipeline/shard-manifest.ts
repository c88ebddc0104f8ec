// After a shard's output is in place: its manifest (shard/manifest.ts), from what the build found.
import { basename } from 'node:path';
import { identityKey, MANIFEST_KIND, MANIFEST_VERSION, writeManifest } from '../shard/manifest.js';
import type { Plan } from './plan.js';
import type { Sharding } from './shard-phase.js';
import type { BuildSummary } from './summary.js';
import type { Tiled } from './tile-phase.js';

export async function writeShardManifest(plan: Plan, sharding: Sharding, tiled: Tiled, summary: BuildSummary): Promise<void> {
  await writeManifest(plan.output, {
    kind: MANIFEST_KIND,
    version: MANIFEST_VERSION,
    key: identityKey(sharding.build),
    build: sharding.build,
    shard: { index: sharding.spec.index, count: sharding.spec.count, ...sharding.cut },
    output: { name: basename(plan.output), format: plan.opts.format },
    layers: tiled.schemas.map((s) => ({ name: s.name, description: s.description, minzoom: s.minzoom, maxzoom: s.maxzoom, stats: s.stats() })),
    bbox: tiled.bbox,
    tiles: summary.tiles,
    tilesPerZoom: summary.tilesPerZoom,
    tileRanges: summary.tileRanges,
    clusteredLayers: summary.clusteredLayers ?? [],
  });
}
