// mergeShards: the shards of a --shard build (or, with `join`, several tilesets) as one tileset,
// written through the sinks a build uses and made to appear in one step as a build's. Tiles are
// streamed in z, x, y order from every input at once; a tile only one input holds is copied as it is
// (shards of one build never share one), a tile several hold is stacked into one (dimensions/stack.ts:
// same-named layers concatenated, keys and values indexed anew), as tippecanoe's tile-join does.
import { stackTiles } from '../dimensions/stack.js';
import { UsageError } from '../errors.js';
import { gzipTile } from '../mvt/gzip.js';
import type { BuildOptions, OutputFormat } from '../options.js';
import { resolvePlan, sinkFor, tilesetMetadata } from '../pipeline/plan.js';
import { WriteQueue } from '../pipeline/write-queue.js';
import { DEFAULTS } from '../defaults.js';
import { readManifest } from '../shard/manifest.js';
import { openTileset, type StoredTile, type Tileset } from '../tileset/tileset.js';
import { groupShards, type Shard } from './check.js';
import { mergeMetadata } from './metadata.js';

export interface MergeOptions {
  /** Shard outputs (directories, .mbtiles, .pmtiles) or their OUTPUT.shard.json manifests. */
  shards: string[];
  /** Output directory, .mbtiles or .pmtiles file. */
  output: string;
  format?: OutputFormat;
  /** Replace an existing output. */
  force?: boolean;
  /** Metadata name; default: as the build gives it (its --name, else the output's base name). */
  name?: string;
  /** Merge different builds (tippecanoe's tile-join): each must be complete; shared tiles are stacked. */
  join?: boolean;
}

export interface MergeSummary {
  output: string;
  tiles: number;
  bytes: number;
  /** Tiles that several inputs held, stacked into one. */
  stacked: number;
  shards: number;
  builds: number;
  elapsedMs: number;
}

export async function mergeShards(o: MergeOptions): Promise<MergeSummary> {
  const started = performance.now();
  if (!o.shards.length) throw new UsageError('no shard given');
  const shards: Shard[] = [];
  for (const s of o.shards) {
    const { output, manifest } = await readManifest(s);
    shards.push({ output, manifest });
  }
  const groups = groupShards(shards, o.join ?? false);
  // The merged tileset is described as the first build would describe it at this output.
  const first = groups[0][0].manifest.build;
  const options = { ...first.options, inputs: first.inputs.map((i) => i.name), output: o.output, format: o.format, force: o.force, ...(o.name !== undefined && { name: o.name }) } as BuildOptions;
  const plan = resolvePlan(options);
  const merged = mergeMetadata(groups);
  const sink = sinkFor(options, plan);
  const inputs: Tileset[] = [];
  let tiles = 0, bytes = 0, stacked = 0;
  await sink.open();
  try {
    for (const g of groups) for (const s of g) inputs.push(await openTileset(s.output));
    const queue = new WriteQueue(sink, DEFAULTS.writesInFlight);
    for await (const same of alignedTiles(inputs)) {
      let data = same[0].data;
      if (same.length > 1) {
        stacked++;
        // stackTiles puts its first tile on top (last): the first input's features come first here.
        const raw = stackTiles(same.map((t) => t.data).reverse());
        data = plan.opts.compress ? gzipTile(raw, plan.opts.compressLevel) : raw;
      }
      queue.push(same[0].z, same[0].x, same[0].y, data);
      tiles++;
      bytes += data.length;
      await queue.waitBelow(4 * DEFAULTS.writesInFlight);
    }
    await queue.finish();
    checkCounts(groups, tiles, stacked);
    await sink.commit(tilesetMetadata(plan, options, merged.layers, merged.bbox, merged.tileRanges));
  } catch (e) {
    await sink.abort();
    throw e;
  } finally {
    for (const t of inputs) await t.close();
  }
  return { output: plan.output, tiles, bytes, stacked, shards: shards.length, builds: groups.length, elapsedMs: performance.now() - started };
}

/** Shards of one build hold the tiles their manifests count: a shard output changed since is caught. */
function checkCounts(groups: Shard[][], tiles: number, stacked: number): void {
  const expected = groups.flat().reduce((n, s) => n + s.manifest.tiles, 0);
  if (groups.length === 1 && (stacked > 0 || tiles !== expected)) {
    throw new UsageError(`the shards hold ${tiles} tiles${stacked ? `, ${stacked} of them in more than one shard,` : ''} where their manifests count ${expected}: a shard output was changed after it was built (build it again)`);
  }
}

const before = (a: StoredTile, b: StoredTile) => a.z - b.z || a.x - b.x || a.y - b.y;

/** The tiles of every input in z, x, y order, those at the same place together (in input order). */
async function* alignedTiles(inputs: Tileset[]): AsyncGenerator<StoredTile[]> {
  const its = inputs.map((t) => t.tiles()[Symbol.asyncIterator]());
  const heads: (StoredTile | undefined)[] = await Promise.all(its.map(async (it) => (await it.next()).value as StoredTile | undefined));
  for (;;) {
    let min: StoredTile | undefined;
    for (const h of heads) if (h && (!min || before(h, min) < 0)) min = h;
    if (!min) return;
    const same: StoredTile[] = [];
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && before(h, min) === 0) {
        same.push(h);
        const next = await its[i].next();
        heads[i] = next.done ? undefined : next.value;
      }
    }
    yield same;
  }
}
