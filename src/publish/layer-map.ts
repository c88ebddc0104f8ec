// The layer map: one JSON file that a web map reads first, `{"layermap": {NAME: "/path/xx"}, …}`,
// telling it which published directory holds each tileset now. Every run updates it — runs of other
// groups too — so the update happens under a lock file of its own that all of them share, and is
// written under a temporary name and renamed, so a reader sees the old map or the new one, whole.
// Keys other than this run's entry are kept as they were.
import { readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress } from 'node:zlib';
import { InputError } from '../errors.js';
import { ownedName, releaseName } from '../temporaries.js';
import { waitForLock, type WaitOptions } from './locks.js';

const brotli = promisify(brotliCompress);

/** `.NAME.lock` beside the map: the lock every run updating it takes. */
export const layerMapLockPath = (file: string) => join(dirname(file), `.${basename(file)}.lock`);

/** The map's `layermap` entries, or {} when the file does not exist yet. */
export async function readLayerMap(file: string): Promise<Record<string, string>> {
  const doc = await readMapFile(file);
  const m = doc.layermap;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, string>) : {};
}

async function readMapFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputError(`cannot read the layer map: ${(e as Error).message}`, file);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Never replaced by a map that would lose what the file held: the operator decides.
    throw new InputError(`the layer map is not valid JSON (${(e as Error).message}); fix or remove it`, file);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('the layer map is not a JSON object; fix or remove it', file);
  if ('layermap' in doc && (!(doc as { layermap: unknown }).layermap || typeof (doc as { layermap: unknown }).layermap !== 'object')) {
    throw new InputError('the layer map\'s "layermap" is not an object; fix or remove it', file);
  }
  return doc as Record<string, unknown>;
}

export interface LayerMapUpdate extends WaitOptions {
  /** Also write the map's brotli sibling `FILE.br`. */
  compress: boolean;
  /** The lock file (default `.FILE.lock` beside it). */
  lockPath?: string;
}

/** Sets `layermap[name] = path` in the map file, under its lock; returns the map's `layermap` as written. */
export async function updateLayerMap(file: string, name: string, path: string, o: LayerMapUpdate): Promise<Record<string, string>> {
  const lock = await waitForLock(o.lockPath ?? layerMapLockPath(file), file, o);
  const tmp = join(dirname(file), ownedName(`.${basename(file)}.tmp-`));
  try {
    const doc = await readMapFile(file);
    const layermap = (doc.layermap ?? {}) as Record<string, string>;
    layermap[name] = path;
    doc.layermap = layermap;
    const text = JSON.stringify(doc);
    await writeFile(tmp, text, { flag: 'wx', mode: 0o644 });
    if (o.compress) await writeFile(`${tmp}.br`, await brotli(Buffer.from(text)), { flag: 'wx', mode: 0o644 });
    // The old .br goes first: until the new one is in place a server falls back to the plain file,
    // and never sends a compressed old map beside a new one. Without --compress it just goes.
    await unlink(`${file}.br`).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await lock.verify();
    await rename(tmp, file);
    if (o.compress) await rename(`${tmp}.br`, `${file}.br`);
    return layermap;
  } finally {
    await rm(tmp, { force: true });
    await rm(`${tmp}.br`, { force: true });
    releaseName(tmp);
    await lock.release();
  }
}
