// Names of the temporaries a build leaves while it runs (the hidden output sibling, the store's spill
// directory), and the removal of those a dead build left behind. A name holds its owner, `PID@HOST`,
// so a later run can tell a temporary of a crashed or killed build from one a running build still uses.
import { randomBytes } from 'node:crypto';
import { lstat, opendir, readdir, rm, rmdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** This host, as far as a file name may carry it: a pid means nothing on another machine. */
export const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 40) || 'localhost';

/** Tokens (`PID@HOST-RANDOM`) of temporaries this process is using now. */
const inUse = new Set<string>();

/**
 * A fresh name `${prefix}PID@HOST-RANDOM`, registered as in use until released. Registering matters
 * for our own pid: a container often runs every build as the same pid, so a temporary carrying our pid
 * may well be a dead build's, unless this process made it.
 */
export function ownedName(prefix: string): string {
  const token = `${process.pid}@${HOST}-${randomBytes(4).toString('hex')}`;
  inUse.add(token);
  return prefix + token;
}

/** Forgets a name from ownedName() once the temporary is gone (or renamed into place). */
export function releaseName(name: string): void {
  const m = /(\d+@[^/]*-[0-9a-f]{8})[^/]*$/.exec(name);
  if (m) inUse.delete(m[1]);
}

/** Is a process with this pid running on this host? EPERM: it is, under another user. */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** May the temporary with this owner be removed? Only when it is ours to judge and its owner is gone. */
function isStale(pid: number, host: string, token: string): boolean {
  if (host !== HOST) return false; // another machine's build, on a shared file system
  if (pid === process.pid) return !inUse.has(token);
  return !processAlive(pid);
}

/**
 * Removes the entries of `dir` named `${prefix}PID@HOST-RANDOM[suffix]` whose owner has died; returns
 * how many temporaries went (an MBTiles file and its -journal/-wal/-shm, a PMTiles file and its -tiles spool, count as one). Anything else,
 * including a live build's temporaries, is left alone; a directory that cannot be listed is skipped.
 */
export async function removeStaleTemporaries(dir: string, prefix: string): Promise<number> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const pattern = new RegExp(`^${escapeRegExp(prefix)}((\\d+)@(.+)-[0-9a-f]{8})(\\.old|\\.lock|-journal|-wal|-shm|-tiles)?$`);
  const removed = new Set<string>();
  for (const name of entries) {
    const m = pattern.exec(name);
    if (!m || !isStale(Number(m[2]), m[3], m[1])) continue;
    try {
      await removeTree(join(dir, name));
      removed.add(m[1]);
    } catch {
      // not ours to remove after all (permissions): it stays, and so does the next run's attempt
    }
  }
  return removed.size;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Files unlinked at once by removeTree: enough to keep the disk busy, few enough to stay small. */
const UNLINKS_IN_FLIGHT = 32;
/** Names read from a directory before any of them is deleted. */
const NAMES_PER_SWEEP = 4096;

/**
 * Deletes a file or a directory tree (nothing to do when it is not there; symlinks are removed, not
 * followed), depth first, at most UNLINKS_IN_FLIGHT unlinks at once. Node 20's `rm(…, { recursive })`
 * starts an unlink for every entry of a directory tree at once: replacing a tileset of 760,000 tiles
 * (--force on 10x the cities z0-14) held 600 MB of heap for 45 s, more than the build itself.
 * A directory is read NAMES_PER_SWEEP names at a time and closed before they are deleted, then read
 * again from the start: what readdir returns while its directory's entries are being removed is
 * unspecified (some systems skip entries), and a fresh read after the deletions is not.
 */
export async function removeTree(path: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await lstat(path)).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!isDir) return rm(path, { force: true });
  for (;;) {
    const names: { name: string; dir: boolean }[] = [];
    const dir = await opendir(path);
    try {
      for (let d = await dir.read(); d && names.length < NAMES_PER_SWEEP; d = await dir.read()) names.push({ name: d.name, dir: d.isDirectory() });
    } finally {
      await dir.close();
    }
    if (names.length === 0) break;
    const pending = new Set<Promise<void>>();
    let failure: unknown;
    for (const { name, dir: sub } of names) {
      const child = join(path, name);
      if (sub) await removeTree(child);
      else {
        // A directory whose entry type the system did not give (d_type unknown) fails to unlink.
        const p: Promise<void> = unlink(child)
          .catch(async (e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return;
            if ((e.code === 'EISDIR' || e.code === 'EPERM') && (await lstat(child).catch(() => undefined))?.isDirectory()) return removeTree(child);
            throw e;
          })
          .catch((e: unknown) => {
            failure ??= e;
          })
          .finally(() => pending.delete(p));
        pending.add(p);
        if (pending.size >= UNLINKS_IN_FLIGHT) await Promise.race(pending);
      }
      if (failure) break;
    }
    await Promise.all(pending);
    if (failure) throw failure;
  }
  await rmdir(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}
