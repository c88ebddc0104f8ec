// The life of a one-file output (MBTiles, PMTiles): checked and locked at open, built under a hidden
// sibling name, moved into place at commit without ever clobbering a file that appeared meanwhile
// (unless --force), removed on abort. What the sinks share; what they write is theirs.
import { link, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { ownedName, releaseName, removeStaleTemporaries } from '../temporaries.js';
import { lockOutput, type OutputLock } from './output-lock.js';
import { checkParentDirectory } from './output-path.js';

export class FileOutput {
  readonly path: string;
  /** The temporary file while building: `.NAME.tmp-PID@HOST-RANDOM` beside the output. */
  temp = '';
  /** Temporaries of earlier, dead builds of this output that open() removed. */
  staleRemoved = 0;
  private lock: OutputLock | undefined;
  private placed = false;

  /**
   * @param kind what the output is, for messages ("an .mbtiles file")
   * @param sidecars suffixes of files a reader takes as part of the output (SQLite's `-wal`, …):
   *   removed beside it before and after the move, so an old one is never applied to the new file
   */
  constructor(path: string, private readonly force: boolean, private readonly kind: string, private readonly sidecars: string[] = []) {
    this.path = resolve(path);
  }

  /** Checks the destination, takes the lock, removes stale temporaries; returns the temporary path. */
  async open(): Promise<string> {
    // A missing parent is refused, as GDAL does, not made: a typo would otherwise build elsewhere.
    await checkParentDirectory(this.path);
    // Held until commit or abort: a second build into the same file is refused, not raced.
    this.lock = await lockOutput(this.path);
    try {
      this.staleRemoved = await removeStaleTemporaries(dirname(this.path), this.tempPrefix);
      const st = await stat(this.path).catch(() => null);
      if (st?.isDirectory()) throw new UsageError(`output ${this.path} is a directory, not ${this.kind}`);
      if (st && !this.force) throw new UsageError(`output ${this.path} exists (use --force to replace it)`);
      // A sibling, so the final rename stays on one file system and replaces the old file atomically.
      // Its name holds our pid, so that a later run can remove it if this process dies first.
      this.temp = join(dirname(this.path), ownedName(this.tempPrefix));
    } catch (e) {
      await this.lock.release();
      throw e;
    }
    return this.temp;
  }

  private get tempPrefix(): string {
    return `.${basename(this.path)}.tmp-`;
  }

  /** Moves the finished temporary file into place (the lock is still held: see release()). */
  async place(): Promise<void> {
    await this.lock?.verify();
    try {
      if (this.force) {
        await this.removeSidecars();
        await rename(this.temp, this.path); // atomically replaces a previous file
      } else {
        // Checked again now, not only at open: link(2), unlike rename(2), never replaces a file that
        // appeared meanwhile. Without hard links (some network file systems), check, then rename.
        if (!(await exists(this.path))) await this.removeSidecars();
        try {
          await link(this.temp, this.path);
          await rm(this.temp, { force: true });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new UsageError(`output ${this.path} appeared while building (use --force to replace it)`);
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
          if (await exists(this.path)) throw new UsageError(`output ${this.path} appeared while building (use --force to replace it)`);
          await rename(this.temp, this.path);
        }
      }
      await this.removeSidecars();
    } catch (e) {
      throw e instanceof UsageError ? e : new InputError(`cannot move the finished tileset into place: ${(e as Error).message}`, this.path);
    }
    this.placed = true;
    releaseName(this.temp);
  }

  /** Removes the output and its side files: it was placed but does not read back as written. */
  async withdraw(): Promise<void> {
    await Promise.all(['', ...this.sidecars].map((s) => rm(this.path + s, { force: true }).catch(() => undefined)));
  }

  /** Ends the build: the lock goes. */
  async release(): Promise<void> {
    await this.lock?.release();
  }

  /** Removes the temporary (and its side files) unless it was placed, then releases the lock. */
  async discard(): Promise<void> {
    try {
      if (this.placed || !this.temp) return;
      // `force` ignores only ENOENT; ENOTDIR means the parent never was a directory, so nothing was made.
      const remove = (file: string) => rm(file, { force: true }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOTDIR') throw e;
      });
      await Promise.all(['', ...this.sidecars].map((s) => remove(this.temp + s)));
      releaseName(this.temp);
    } finally {
      await this.release();
    }
  }

  private async removeSidecars(): Promise<void> {
    await Promise.all(this.sidecars.map((suffix) => rm(this.path + suffix, { force: true })));
  }
}

const exists = (path: string) => stat(path).then(() => true, () => false);
