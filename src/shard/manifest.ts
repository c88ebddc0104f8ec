// The shard manifest, `OUTPUT.shard.json` beside each shard's output: what `mvt-build merge` needs
// to check that shards belong together and to write the metadata one build would have written —
// the inputs' hashes and the options (the build's identity), the cut of the tile tree, and what the
// shard found: its layers' statistics, data extent, tiles per zoom and their ranges. Written last,
// after the output is in place, by a rename: a shard without a manifest did not finish.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { LayerStats } from '../model/layer-schema.js';
import type { ShardCut } from './assign.js';

export const MANIFEST_KIND = 'mvt-build shard manifest';
export const MANIFEST_VERSION = 1;

export interface ShardLayer {
  name: string;
  description: string;
  minzoom: number;
  maxzoom: number;
  stats: LayerStats;
}

export interface ShardManifest {
  kind: typeof MANIFEST_KIND;
  version: number;
  /** sha256 of `build`: shards of one build have the same. */
  key: string;
  /** What makes the build: inputs by content, and every option that changes the output. */
  build: { inputs: { name: string; bytes: number; sha256: string }[]; options: Record<string, unknown> };
  shard: { index: number; count: number } & ShardCut;
  /** The shard's tileset, by its file or directory name (beside the manifest). */
  output: { name: string; format: 'directory' | 'mbtiles' | 'pmtiles' };
  /** Output layers in order, as the shard ended them (every shard reads every feature's attributes). */
  layers: ShardLayer[];
  /** Data extent of this shard's tiles in scheme units [minU, minV, maxU, maxV] (Infinity: none). */
  bbox: [number, number, number, number];
  tiles: number;
  tilesPerZoom: Record<number, number>;
  tileRanges: Record<number, { minX: number; maxX: number; minY: number; maxY: number }>;
  /** Layers some tile of this shard clustered points in (their cluster fields are declared). */
  clusteredLayers: string[];
}

/** Where a shard output's manifest goes. */
export const manifestPath = (output: string): string => `${output.replace(/\/+$/, '')}.shard.json`;

/** Options that say how a build runs, not what it writes: left out of the build's identity. */
const RUNTIME = new Set(['inputs', 'output', 'format', 'force', 'threads', 'memoryBudget', 'tempDir', 'onProgress', 'signal', 'shard']);

/** The build's identity: every input's content hash and the options that shape the tiles. */
export async function buildIdentity(inputs: readonly string[], options: Record<string, unknown>): Promise<ShardManifest['build']> {
  const kept: Record<string, unknown> = {};
  for (const k of Object.keys(options).sort()) if (!RUNTIME.has(k) && options[k] !== undefined) kept[k] = options[k];
  const hashed = [];
  for (const path of inputs) hashed.push({ name: basename(path), ...(await hashFile(path)) });
  return { inputs: hashed, options: kept };
}

export const identityKey = (build: ShardManifest['build']): string => createHash('sha256').update(JSON.stringify(build)).digest('hex');

async function hashFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      h.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (e) {
    throw new InputError((e as Error).message, path);
  }
  return { bytes, sha256: h.digest('hex') };
}

/** Writes the manifest beside the output, through a temporary and a rename. */
export async function writeManifest(output: string, m: ShardManifest): Promise<void> {
  const path = manifestPath(output);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(m, (_, v: unknown) => (v === Infinity ? { $inf: 1 } : v === -Infinity ? { $inf: -1 } : v), 1) + '\n');
  await rename(tmp, path);
}

/** Reads a shard's manifest, given the shard's output or the manifest itself. */
export async function readManifest(given: string): Promise<{ path: string; output: string; manifest: ShardManifest }> {
  const path = given.endsWith('.shard.json') ? given : manifestPath(given);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError(missing ? `no shard manifest (${basename(path)}): not the output of a --shard build, or the shard did not finish (run it again)` : (e as Error).message, given);
  }
  let m: ShardManifest;
  try {
    // JSON has no infinities (an empty extent, a field without numbers): they are written as {"$inf": ±1}.
    m = JSON.parse(text, (_, v: unknown) => (v !== null && typeof v === 'object' && '$inf' in v ? (v as { $inf: number }).$inf * Infinity : v)) as ShardManifest;
  } catch (e) {
    throw new InputError(`shard manifest is not JSON: ${(e as Error).message}`, path);
  }
  if (m.kind !== MANIFEST_KIND) throw new InputError('not a shard manifest', path);
  if (m.version !== MANIFEST_VERSION) throw new UsageError(`${path}: shard manifest version ${m.version}; this mvt-build reads version ${MANIFEST_VERSION}`);
  return { path, output: path.slice(0, -'.shard.json'.length), manifest: m };
}
