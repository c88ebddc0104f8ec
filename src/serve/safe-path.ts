// The two guards that keep `serve` inside its tileset. A request path is taken apart into decoded
// segments and refused when any of them could step out or mean something other than a plain name
// (so no route ever sees `..`, a `/` or `\` inside a segment, a NUL byte, an empty segment, or an
// absolute-form target); and a file is read only when its real path, symlinks followed, is inside
// the tileset's real path. Routes build file paths from these segments and never from the raw URL.
import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** Longest request target taken (bytes of the raw path and query); tile paths are a few dozen. */
export const MAX_PATH_LENGTH = 1024;

export type ParsedPath = { ok: true; segments: string[] } | { ok: false; status: 400 | 414; reason: string };

/**
 * The decoded segments of a raw request target (`req.url` as received, never a normalised URL).
 * The query string is dropped (clients add cache busters to it). `/` is no segment at all.
 */
export function parseRequestPath(raw: string): ParsedPath {
  if (raw.length > MAX_PATH_LENGTH) return { ok: false, status: 414, reason: `the request path is over ${MAX_PATH_LENGTH} bytes` };
  // Origin-form only: an absolute-form target (http://host/…) is for proxies, `*` for OPTIONS of the server.
  if (!raw.startsWith('/')) return { ok: false, status: 400, reason: 'the request target is not a path starting with /' };
  const path = raw.replace(/[?#].*$/s, '');
  if (path.includes('\\')) return { ok: false, status: 400, reason: 'a backslash in the path' };
  if (path === '/') return { ok: true, segments: [] };
  const segments: string[] = [];
  for (const part of path.slice(1).split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(part);
    } catch {
      return { ok: false, status: 400, reason: 'a malformed percent-encoding in the path' };
    }
    if (s === '') return { ok: false, status: 400, reason: 'an empty path segment (// or a trailing /)' };
    if (s === '.' || s === '..') return { ok: false, status: 400, reason: `a "${s}" segment in the path` };
    // What decoding can bring back that the split could not see: %2f, %5c, %00.
    if (/[/\\\0]/.test(s)) return { ok: false, status: 400, reason: 'an encoded /, \\ or NUL in a path segment' };
    segments.push(s);
  }
  return { ok: true, segments };
}

/** A path inside the tileset whose file, symlinks followed, is not: answered as not found. */
export class OutsideTilesetError extends Error {
  override name = 'OutsideTilesetError';
}

/** What reading a file inside the root gave: its bytes and stat, or why not. */
export type InsideFile = { ok: true; data: Buffer; mtimeMs: number; size: number } | { ok: false; why: 'missing' | 'outside' | 'not-a-file' };

const isInside = (root: string, real: string) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * Reads `segments` under `root` (itself a real path: see realpath) if the file it names, all symlinks
 * followed, is a regular file inside root. The file is opened first and its real path checked after,
 * then the open file is compared with what that real path names (device and inode), so a symlink
 * swapped between the check and the read cannot slip another file in.
 */
export async function readInside(root: string, segments: string[]): Promise<InsideFile> {
  const path = join(root, ...segments);
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') return { ok: false, why: 'missing' };
    if (code === 'EISDIR' || code === 'ENXIO') return { ok: false, why: 'not-a-file' };
    throw e;
  }
  try {
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return { ok: false, why: 'missing' };
    }
    if (!isInside(root, real)) return { ok: false, why: 'outside' };
    const [opened, named] = [await fh.stat(), await stat(real).catch(() => undefined)];
    if (!named || opened.dev !== named.dev || opened.ino !== named.ino) return { ok: false, why: 'outside' };
    if (!opened.isFile()) return { ok: false, why: 'not-a-file' };
    return { ok: true, data: await fh.readFile(), mtimeMs: opened.mtimeMs, size: opened.size };
  } finally {
    await fh.close();
  }
}
