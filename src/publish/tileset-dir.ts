// The published directories of one tileset: `DESTDIR/00` … `DESTDIR/ff`, a fresh one per run. The
// old ones stay, so that pages already loaded (their browser caches, their id → attribute lookups)
// keep working; --keep N removes all but the N most recent, never the one the layer map points to.
import { randomInt } from 'node:crypto';
import { readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { ownedName, releaseName, removeTree } from '../temporaries.js';

const HEX2 = /^[0-9a-f]{2}$/i;

/** A two-hex-digit name not taken in `destdir`, chosen at random; InputError when all 256 are. */
export async function freeTilesetName(destdir: string): Promise<string> {
  const taken = new Set((await readdir(destdir)).filter((n) => HEX2.test(n)).map((n) => parseInt(n, 16)));
  const free: number[] = [];
  for (let i = 0; i < 256; i++) if (!taken.has(i)) free.push(i);
  if (!free.length) throw new InputError('all 256 tileset directories 00–ff exist: remove old ones (or publish with --keep N)', destdir);
  return free[randomInt(free.length)].toString(16).padStart(2, '0');
}

/** The published directories in `destdir`, newest first (by the time each was last changed). */
export async function listTilesets(destdir: string): Promise<{ name: string; mtimeMs: number }[]> {
  const out: { name: string; mtimeMs: number }[] = [];
  for (const e of await readdir(destdir, { withFileTypes: true })) {
    if (e.isDirectory() && HEX2.test(e.name)) out.push({ name: e.name, mtimeMs: (await stat(join(destdir, e.name))).mtimeMs });
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? -1 : 1));
}

/**
 * Removes the published directories beyond the `keep` most recent, except those in `protect`. Each is
 * first renamed to a hidden temporary (so no half-removed tileset is ever served, and a run killed
 * meanwhile leaves what the next one cleans up) and then removed. Returns the names removed.
 */
export async function removeOldTilesets(destdir: string, keep: number, protect: ReadonlySet<string>, tempPrefix: string): Promise<string[]> {
  const all = await listTilesets(destdir);
  const removed: string[] = [];
  for (const { name } of all.slice(keep)) {
    if (protect.has(name.toLowerCase())) continue;
    const aside = join(destdir, ownedName(tempPrefix));
    await rename(join(destdir, name), aside);
    await removeTree(aside);
    releaseName(aside);
    removed.push(name);
  }
  return removed;
}
