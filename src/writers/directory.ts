// A {z}/{x}/{y}.pbf directory plus metadata.json, built in a temporary sibling and renamed into place.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { metadataJson, type TilesetMetadata } from './metadata.js';
import { descriptorFiles } from '../describe/descriptors.js';
import { lockOutput, type OutputLock } from './output-lock.js';
import { checkParentDirectory } from './output-path.js';
import { allocated } from './directory-writer.js';
import type { ThreadWriterSpec, TileSink } from './sink.js';
import { DEFAULTS } from '../defaults.js';
import { ownedName, releaseName, removeStaleTemporaries, removeTree } from '../temporaries.js';

export interface DirectoryOptions {
  /** Replace a non-empty output directory. */
  force?: boolean;
  /** Tile file extension without the dot (default `pbf`). */
  extension?: string;
}

export class DirectorySink implements TileSink {
  readonly path: string;
  private temp = '';
  private madeDirs = new Map<string, Promise<unknown>>();
  private committed = false;
  private lock: OutputLock | undefined;
  /** Temporaries of earlier, dead builds of this output that open() removed. */
  staleRemoved = 0;
  /** Disk taken by the tile files put() wrote (the threads report theirs to diskBytes). */
  private putBytes = 0;

  constructor(path: string, private readonly options: DirectoryOptions = {}) {
    this.path = resolve(path);
  }

  async open(): Promise<void> {
    // A missing parent is refused, as GDAL does, not made: a typo would otherwise build elsewhere.
    await checkParentDirectory(this.path);
    const parent = dirname(this.path);
    // Held until commit or abort: a second build into the same path is refused, not raced.
    this.lock = await lockOutput(this.path);
    try {
      this.staleRemoved = await removeStaleTemporaries(parent, this.tempPrefix);
      const st = await stat(this.path).catch(() => null);
      if (st && !st.isDirectory()) throw new UsageError(`output ${this.path} exists and is not a directory`);
      if (st && (await readdir(this.path)).length > 0 && !this.options.force) {
        throw new UsageError(`output ${this.path} exists and is not empty (use --force to replace it)`);
      }
      // A sibling, so the final rename stays on one file system and is atomic. Its name holds our pid,
      // so that a later run can remove it if this process dies before cleaning up.
      this.temp = join(parent, ownedName(this.tempPrefix));
      try {
        await mkdir(this.temp);
      } catch (e) {
        throw new InputError(`cannot write output: ${(e as Error).message}`, this.path);
      }
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  /** Temporaries of this output are named `.NAME.tmp-PID@HOST-RANDOM` (see temporaries.ts). */
  private get tempPrefix(): string {
    return `.${basename(this.path)}.tmp-`;
  }

  /** The temporary directory while building (for cleanup on signals). */
  get tempPath(): string {
    return this.temp;
  }

  /**
   * For callers that hand tiles over one by one (buildTileset has its threads write them instead,
   * see threadWriter): asynchronous, so many can be in flight.
   */
  async put(z: number, x: number, y: number, data: Uint8Array): Promise<void> {
    const dir = join(this.temp, String(z), String(x));
    let made = this.madeDirs.get(dir);
    if (!made) this.madeDirs.set(dir, (made = mkdir(dir, { recursive: true })));
    await made;
    const file = join(dir, `${y}.${this.options.extension ?? DEFAULTS.tileExtension}`);
    await writeFile(file, data);
    this.putBytes += allocated(await stat(file));
  }

  /** The encoding threads write the tile files themselves (directory-writer.ts): no copy to this one. */
  threadWriter(): ThreadWriterSpec {
    return { module: new URL('./directory-writer.js', import.meta.url).href, config: { root: this.temp, extension: this.options.extension ?? DEFAULTS.tileExtension } };
  }

  async commit(metadata: TilesetMetadata): Promise<void> {
    await writeFile(join(this.temp, 'metadata.json'), metadataJson(metadata));
    // tilejson.json, tilematrixset.json, tileset.json beside it (describe/descriptors.ts)
    for (const [name, text] of descriptorFiles(metadata, { extension: this.options.extension })) await writeFile(join(this.temp, name), text);
    await this.lock?.verify();
    if (!this.options.force) {
      // Checked again now, not only at open: something may have made the output meanwhile. rename(2)
      // replaces an empty directory but never a non-empty one, so this cannot clobber a tileset.
      try {
        await rename(this.temp, this.path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
          throw new UsageError(`output ${this.path} appeared while building and is not empty (use --force to replace it)`);
        }
        throw new InputError(`cannot move the finished tileset into place: ${(e as Error).message}`, this.path);
      }
      this.committed = true;
      releaseName(this.temp);
      await this.lock?.release();
      return;
    }
    let old: string | undefined;
    if (existsSync(this.path)) {
      old = `${this.temp}.old`;
      await rename(this.path, old);
    }
    try {
      await rename(this.temp, this.path);
    } catch (e) {
      if (old) await rename(old, this.path); // put the previous tileset back
      throw new InputError(`cannot move the finished tileset into place: ${(e as Error).message}`, this.path);
    }
    this.committed = true;
    // Until the old tileset is gone, `.old` carries our pid: if we die deleting it, the next run does.
    if (old) await removeTree(old);
    releaseName(this.temp);
    await this.lock?.release();
  }

  /**
   * Disk the committed tileset takes, as `du -s` counts it: the tile files (`threadBytes` for
   * those the worker threads wrote, which reported them), metadata.json and the descriptors beside
   * it, and the directories.
   */
  async diskBytes(threadBytes: number): Promise<number> {
    let total = threadBytes + this.putBytes + allocated(await stat(this.path));
    for (const z of await readdir(this.path, { withFileTypes: true })) {
      if (z.isFile()) total += allocated(await stat(join(this.path, z.name)));
      if (!z.isDirectory()) continue;
      const zdir = join(this.path, z.name);
      total += allocated(await stat(zdir));
      for (const x of await readdir(zdir, { withFileTypes: true })) if (x.isDirectory()) total += allocated(await stat(join(zdir, x.name)));
    }
    return total;
  }

  async abort(): Promise<void> {
    try {
      if (this.temp && !this.committed) await removeTree(this.temp);
      if (this.temp) releaseName(this.temp);
    } finally {
      await this.lock?.release();
    }
  }
}
