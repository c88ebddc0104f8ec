// Reads a {z}/{x}/{y}.EXT tileset directory and its metadata.json (see writers/directory.ts).
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseTilesetMetadata, type TilesetInfo } from './metadata.js';
import type { StoredTile, Tileset } from './tileset.js';

const numeric = (names: string[]) => names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw new InputError(`cannot read: ${(e as Error).message}`, dir);
  }
}

export async function openDirectoryTileset(path: string): Promise<Tileset> {
  const root = resolve(path);
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  try {
    const doc = JSON.parse(await readFile(join(root, 'metadata.json'), 'utf8')) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) raw = doc as Record<string, unknown>;
    else problems.push('metadata.json does not hold a JSON object');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push(code === 'ENOENT' ? 'no metadata.json: WebMercatorQuad assumed' : `metadata.json cannot be read: ${(e as Error).message}`);
  }
  const info: TilesetInfo = parseTilesetMetadata(raw, problems);
  /** Extensions seen on tile files, most recent first: readTile tries them. */
  const extensions: string[] = [];
  const remember = (name: string) => {
    const ext = /^\d+\.(.+)$/.exec(name)?.[1];
    if (ext !== undefined && !extensions.includes(ext)) extensions.unshift(ext);
    return ext !== undefined;
  };

  async function* tiles(options: { zoom?: number } = {}): AsyncGenerator<StoredTile> {
    const zs = options.zoom === undefined ? numeric(await entries(root)) : [options.zoom];
    for (const z of zs) {
      for (const x of numeric(await entries(join(root, String(z))))) {
        const files = (await entries(join(root, String(z), String(x)))).filter(remember);
        files.sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
        for (const f of files) {
          const y = parseInt(f, 10);
          let data: Buffer;
          try {
            data = await readFile(join(root, String(z), String(x), f));
          } catch (e) {
            throw new InputError(`cannot read tile: ${(e as Error).message}`, join(root, String(z), String(x), f));
          }
          yield { z, x, y, data };
        }
      }
    }
  }

  return {
    path: root,
    format: 'directory',
    info,
    tiles,
    async tileCounts() {
      const out = new Map<number, number>();
      for (const z of numeric(await entries(root))) {
        let n = 0;
        for (const x of numeric(await entries(join(root, String(z))))) n += (await entries(join(root, String(z), String(x)))).filter((f) => /^\d+\./.test(f)).length;
        if (n) out.set(z, n);
      }
      return out;
    },
    async readTile(z, x, y) {
      const dir = join(root, String(z), String(x));
      const tryExt = extensions.length ? extensions : ['pbf', 'mvt'];
      for (const ext of tryExt) {
        try {
          return await readFile(join(dir, `${y}.${ext}`));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw new InputError(`cannot read tile: ${(e as Error).message}`, join(dir, `${y}.${ext}`));
        }
      }
      // An extension of its own (--tile-extension): look at what the column holds.
      const match = (await entries(dir)).find((f) => new RegExp(`^${y}\\.`).test(f));
      if (!match) return undefined;
      remember(match);
      return readFile(join(dir, match));
    },
    async close() {},
  };
}
