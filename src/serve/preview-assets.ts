// The preview page's files: what `npm run build` bundled into dist/preview/ (scripts/build-preview.mjs),
// listed once at start and served by exact name, so no request names a file the list does not hold.
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etagOf, sendBody, sendText } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The page may load its own scripts, styles, workers and images and talk to this server only: nothing
 * from another host (it must work offline). OpenLayers and MapLibre set inline styles on their elements.
 */
const PAGE_POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface PreviewAssets {
  /** Files by URL path under the server's root ('' is the page, `preview/…` the rest). */
  readonly names: ReadonlySet<string>;
  send(req: IncomingMessage, res: ServerResponse, name: string): Promise<void>;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The built preview in `dir` (default: dist/preview beside this module's dist/serve). */
export async function loadPreviewAssets(dir = fileURLToPath(new URL('../preview/', import.meta.url))): Promise<PreviewAssets> {
  const files = new Map<string, string>();
  for (const path of await listFiles(dir)) {
    const rel = relative(dir, path).split(sep).join('/');
    files.set(rel === 'index.html' ? '' : `preview/${rel}`, path);
  }
  const cache = new Map<string, { body: Buffer; etag: string }>();
  return {
    names: new Set(files.keys()),
    async send(req, res, name) {
      const key = name === 'index.html' ? '' : name;
      const path = files.get(key);
      if (!path) {
        if (key === '') return sendText(res, 503, 'the preview page is not built: run `npm run build` in mvt-build (tiles and descriptors are served all the same)');
        return sendText(res, 404, `not found: /${name}`);
      }
      let hit = cache.get(key);
      if (!hit) {
        const body = await readFile(path);
        cache.set(key, (hit = { body, etag: etagOf(body) }));
      }
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      sendBody(req, res, hit.body, { 'Content-Type': type, ...(key === '' ? { 'Content-Security-Policy': PAGE_POLICY } : {}) }, hit.etag);
    },
  };
}
