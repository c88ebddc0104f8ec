// The checks before a merge: every input is a finished shard (its manifest), the shards of one
// build agree on the build (inputs' hashes, options) and on the cut of the tile tree, and every
// shard of it is there exactly once. Tilesets of different builds are merged only when asked
// (--join), each one complete.
import { InputError, UsageError } from '../errors.js';
import type { ShardManifest } from '../shard/manifest.js';

export interface Shard {
  /** The shard's output (a directory or a file) and its manifest. */
  output: string;
  manifest: ShardManifest;
}

/** The inputs grouped by build, in the order of their first shard; each group in shard order. */
export function groupShards(shards: Shard[], join: boolean): Shard[][] {
  const groups = new Map<string, Shard[]>();
  for (const s of shards) {
    const g = groups.get(s.manifest.key);
    if (g) g.push(s);
    else groups.set(s.manifest.key, [s]);
  }
  const list = [...groups.values()];
  if (list.length > 1 && !join) throw new UsageError(`${list[0][0].output} and ${list[1][0].output} are shards of different builds (${difference(list[0][0].manifest, list[1][0].manifest)}): merge the shards of one build, or give --join to merge different tilesets`);
  for (const g of list) checkGroup(g);
  if (list.length > 1) {
    const scheme = (m: ShardManifest) => JSON.stringify([m.build.options.tilingScheme, m.build.options.extent, m.build.options.compress]);
    const other = list.find((g) => scheme(g[0].manifest) !== scheme(list[0][0].manifest));
    if (other) throw new UsageError(`${other[0].output}: --join merges tilesets of one tiling scheme, extent and compression; ${list[0][0].output} has another`);
  }
  return list.map((g) => g.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index));
}

/** What makes two builds differ, for the message. */
function difference(a: ShardManifest, b: ShardManifest): string {
  const ia = a.build.inputs, ib = b.build.inputs;
  if (ia.length !== ib.length) return `${ia.length} inputs against ${ib.length}`;
  for (let i = 0; i < ia.length; i++) if (ia[i].sha256 !== ib[i].sha256) return `input ${i + 1} (${ia[i].name} / ${ib[i].name}) differs in content`;
  const keys = new Set([...Object.keys(a.build.options), ...Object.keys(b.build.options)]);
  const diff = [...keys].filter((k) => JSON.stringify(a.build.options[k]) !== JSON.stringify(b.build.options[k]));
  return diff.length ? `options differ: ${diff.join(', ')}` : 'the builds differ';
}

function checkGroup(g: Shard[]): void {
  const first = g[0].manifest;
  const { count } = first.shard;
  const cut = (m: ShardManifest) => JSON.stringify([m.shard.count, m.shard.zoom, m.shard.levels, m.shard.ranges]);
  const seen = new Map<number, string>();
  for (const s of g) {
    if (cut(s.manifest) !== cut(first)) throw new InputError(`cuts the tile tree differently from ${g[0].output} (count, shard zoom or ranges): not shards of one run of the build`, s.output);
    const twice = seen.get(s.manifest.shard.index);
    if (twice !== undefined) throw new UsageError(`shard ${s.manifest.shard.index}/${count} is given twice: ${twice} and ${s.output}`);
    seen.set(s.manifest.shard.index, s.output);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} of the build of ${g[0].output} ${missing.length > 1 ? 'are' : 'is'} missing: every subtree must be covered once`);
  // The ranges, in shard order, must tile 0..4^levels end to end.
  let at = 0;
  for (const [start, end] of first.shard.ranges) {
    if (start !== at || end < start) throw new InputError(`shard manifest: the subtree ranges do not cover the tile tree once (at ${at}, a range starts at ${start})`, g[0].output);
    at = end;
  }
  if (at !== 4 ** first.shard.levels) throw new InputError(`shard manifest: the subtree ranges end at ${at}, not ${4 ** first.shard.levels}`, g[0].output);
}
