// Sizes of a built tileset's files, and with --compress a brotli sibling `NAME.br` of each tile and
// JSON file (a web server sends it with `Content-Encoding: br` to clients that accept it). Done in the
// tileset's temporary directory, before it is renamed into place: the siblings appear with the tiles.
import { opendir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants } from 'node:zlib';

const brotli = promisify(brotliCompress);

/**
 * Quality 5 of 11, as the GDAL job: most of the gain of 11 (tiles are small and repetitive) at a
 * fraction of its time, which matters for a nightly job over hundreds of thousands of files.
 */
const QUALITY = 5;
/** Files compressed at once: zlib runs them on libuv's pool (4 threads by default). */
const CONCURRENCY = 8;

export interface SizeStats {
  count: number;
  min: number;
  max: number;
  sum: number;
  mean: number;
}

export interface FileStats {
  /** Tile files. */
  tiles: SizeStats;
  /** Attribute files (attr/*.json). */
  attributes: SizeStats;
  /** With compression: the same, of the .br files. */
  tilesCompressed?: SizeStats;
  attributesCompressed?: SizeStats;
}

/** Running count, min, max and sum (a tileset may have millions of files: no list kept). */
class Sizes {
  private s: SizeStats = { count: 0, min: Infinity, max: 0, sum: 0, mean: 0 };
  add(n: number): void {
    const s = this.s;
    s.count++;
    s.sum += n;
    if (n < s.min) s.min = n;
    if (n > s.max) s.max = n;
  }
  stats(): SizeStats {
    const s = this.s;
    return { ...s, min: s.count ? s.min : 0, mean: s.count ? s.sum / s.count : 0 };
  }
}

/** Walks `dir`: sizes of tiles (`.EXT`) and attribute files; with `compress`, writes every `.br`. */
export async function sizeAndCompress(dir: string, o: { compress: boolean; tileExtension: string; signal?: AbortSignal }): Promise<FileStats> {
  const tiles = new Sizes(), attrs = new Sizes(), tilesBr = new Sizes(), attrsBr = new Sizes();
  const files = walk(dir);
  const tileSuffix = `.${o.tileExtension}`;
  const worker = async () => {
    for (;;) {
      const next = await files.next();
      if (next.done) return;
      o.signal?.throwIfAborted();
      const { path, inAttr } = next.value;
      const isTile = path.endsWith(tileSuffix);
      const isJson = path.endsWith('.json');
      if (!isTile && !isJson) continue;
      const [raw, br] = isTile ? [tiles, tilesBr] : inAttr ? [attrs, attrsBr] : [undefined, undefined];
      if (!o.compress) {
        raw?.add((await stat(path)).size);
        continue;
      }
      const data = await readFile(path);
      const packed = await brotli(data, {
        params: { [constants.BROTLI_PARAM_QUALITY]: QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_GENERIC, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      });
      await writeFile(`${path}.br`, packed, { flag: 'wx' });
      raw?.add(data.length);
      br?.add(packed.length);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const out: FileStats = { tiles: tiles.stats(), attributes: attrs.stats() };
  if (o.compress) {
    out.tilesCompressed = tilesBr.stats();
    out.attributesCompressed = attrsBr.stats();
  }
  return out;
}

/** Every file under `dir` (depth first), and whether it is in an `attr` directory. */
async function* walk(dir: string, inAttr = false): AsyncGenerator<{ path: string; inAttr: boolean }> {
  for await (const e of await opendir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path, inAttr || e.name === 'attr');
    else if (e.isFile()) yield { path, inAttr };
  }
}

/** A byte count for people: `812 B`, `3.4 kiB`, `1.2 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['kiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** The GDAL job's stats lines: count, min, max, sum, mean, and after compression with the ratio. */
export function formatStats(what: string, raw: SizeStats, br?: SizeStats): string[] {
  if (!raw.count) return [];
  const line = (s: SizeStats) => `min=${formatBytes(s.min)}, max=${formatBytes(s.max)}, sum=${formatBytes(s.sum)}, mean=${formatBytes(s.mean)}`;
  const out = [`${what}: ${raw.count} [${line(raw)}]`];
  if (br) out.push(`  after compression: ${line(br)} (ratio ${(100 * (1 - br.sum / raw.sum)).toFixed(1)}%)`);
  return out;
}
