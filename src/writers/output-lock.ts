// One builder per output: a lock file `.NAME.lock` beside the output, held from open to commit/abort.
//
// Why not proper-lockfile: it tells a stale lock by an mtime the holder must refresh every few seconds,
// and a build can keep its main thread busy longer than that (a big SQLite transaction, a zoom-0 tile
// encoded with -j 1), so a live build would lose its lock; nor does it say who holds it. Here the lock
// holds the owner's pid and host: a lock whose process is gone (killed, crashed) is taken over at once,
// and a refusal names the build that holds it.
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { HOST, ownedName, processAlive, releaseName } from '../temporaries.js';

interface LockOwner {
  pid: number;
  host: string;
  /** Tells our lock from a later one at the same path. */
  token: string;
}

export interface OutputLock {
  /** Throws if the lock file is no longer ours (removed or taken by hand): do not commit then. */
  verify(): Promise<void>;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
}

export const lockPathOf = (output: string) => join(dirname(output), `.${basename(output)}.lock`);

/** The lock is held by a live process (`pid` on `host`): a caller that would rather wait tries again later. */
export class LockBusyError extends InputError {
  constructor(message: string, readonly pid?: number, readonly host?: string) {
    super(message);
  }
}

/** Takes the lock on `output` (an absolute path) or throws InputError naming the build that holds it. */
export function lockOutput(output: string): Promise<OutputLock> {
  return lockFile(lockPathOf(output), output);
}

/**
 * Takes the lock file `lockPath` itself, for `output` (what messages name): LockBusyError when a live
 * process holds it, InputError when it cannot be made or holds something else than a lock.
 */
export async function lockFile(lockPath: string, output: string): Promise<OutputLock> {
  const me: LockOwner = { pid: process.pid, host: HOST, token: randomBytes(8).toString('hex') };
  const text = JSON.stringify(me) + '\n';
  const cannot = (e: unknown) => new InputError(`cannot write output: ${(e as Error).message}`, output);
  for (let attempt = 0; ; attempt++) {
    if (await create(lockPath, text).catch((e) => { throw cannot(e); })) break;
    const owner = await readOwner(lockPath);
    if (owner === 'gone' && attempt < 10) continue; // released between our two steps: try again
    if (owner === 'gone' || owner === 'unreadable' || owner.host !== HOST || processAlive(owner.pid) || attempt >= 3) {
      throw busy(output, lockPath, owner);
    }
    // The owner died without releasing it. Move the lock aside before removing it: if another run took
    // it over meanwhile, what we moved is that run's live lock, which then goes back.
    const aside = join(dirname(lockPath), ownedName(stagingPrefix(lockPath)) + '.lock');
    try {
      await rename(lockPath, aside);
    } catch {
      continue; // someone else moved it first
    }
    const moved = await readOwner(aside);
    if (moved !== 'gone' && moved !== 'unreadable' && moved.token !== owner.token) {
      await link(aside, lockPath).catch(() => undefined);
      await rm(aside, { force: true });
      releaseName(aside);
      throw busy(output, lockPath, moved);
    }
    await rm(aside, { force: true });
    releaseName(aside);
  }
  let released = false;
  return {
    async verify() {
      const owner = await readOwner(lockPath);
      if (owner === 'gone' || owner === 'unreadable' || owner.token !== me.token) {
        throw new InputError(`the lock ${lockPath} was removed or taken over while building: not replacing the output`, output);
      }
    },
    async release() {
      if (released) return;
      released = true;
      const owner = await readOwner(lockPath);
      if (owner !== 'gone' && owner !== 'unreadable' && owner.token === me.token) await unlink(lockPath).catch(() => undefined);
    },
  };
}

/** `.NAME.tmp-` for `.NAME.lock`: the output's temporaries' prefix, which its stale cleanup knows. */
const stagingPrefix = (lockPath: string) => `${basename(lockPath).replace(/\.lock$/, '')}.tmp-`;

/**
 * Creates the lock file with its whole content at once, or returns false if one exists. Written under
 * a temporary name and hard-linked into place, so nobody ever reads a half-written lock; on a file
 * system without hard links, an exclusive create.
 */
async function create(lockPath: string, text: string): Promise<boolean> {
  const staging = join(dirname(lockPath), ownedName(stagingPrefix(lockPath)) + '.lock');
  try {
    await writeFile(staging, text, { flag: 'wx' });
    try {
      await link(staging, lockPath);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    }
    try {
      await writeFile(lockPath, text, { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await rm(staging, { force: true }).catch(() => undefined);
    releaseName(staging);
  }
}

async function readOwner(path: string): Promise<LockOwner | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.token === 'string' ? o : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function busy(output: string, lockPath: string, owner: LockOwner | 'gone' | 'unreadable'): InputError {
  const who = typeof owner === 'string' ? '' : owner.host === HOST ? ` (pid ${owner.pid})` : ` (pid ${owner.pid} on ${owner.host})`;
  const message = `another mvt-build is writing ${output}${who}; wait for it to finish, or remove ${lockPath} if no build is running`;
  if (owner === 'unreadable') return new InputError(message);
  return typeof owner === 'string' ? new LockBusyError(message) : new LockBusyError(message, owner.pid, owner.host);
}
