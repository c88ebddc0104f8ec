// The publish job's three locks, as the GDAL job takes them with flock(2): wait while another run
// holds one, and never be kept out by a run that died. Built on the output lock (writers/output-lock.ts),
// whose lock file names its owner's pid and host: a lock whose process is gone is taken over at once.
import { setTimeout as sleep } from 'node:timers/promises';
import { lockFile, LockBusyError, type OutputLock } from '../writers/output-lock.js';

/**
 * How often a waiting run looks again. A lock file's removal cannot be awaited portably (fs.watch
 * misses events on network file systems), and a run holds a lock for seconds to hours: a quarter
 * of a second costs nothing and keeps the wait short.
 */
const RETRY_MS = 250;

export interface WaitOptions {
  signal?: AbortSignal;
  /** Called once, when the lock is found held: who holds it (for a "waiting for …" line). */
  onWait?: (holder: { pid?: number; host?: string }) => void;
}

/** Takes the lock file `lockPath` for `what`, waiting while a live process holds it. */
export async function waitForLock(lockPath: string, what: string, o: WaitOptions = {}): Promise<OutputLock> {
  let told = false;
  for (;;) {
    o.signal?.throwIfAborted();
    try {
      return await lockFile(lockPath, what);
    } catch (e) {
      if (!(e instanceof LockBusyError)) throw e;
      if (!told) o.onWait?.({ pid: e.pid, host: e.host });
      told = true;
    }
    await sleep(RETRY_MS, undefined, { signal: o.signal });
  }
}
