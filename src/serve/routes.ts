// What `serve` answers, by path (docs/cli.md#mvt-build-serve):
//   /                         the preview page; /preview/…  its scripts and styles
//   /{z}/{x}/{y}.pbf          a tile: 200, 204 (inside the matrix, not written), 404 (outside it or the zooms)
//   /tilejson.json, /tilematrixset.json, /tileset.json   the descriptors, URLs pointed at this server
//   /metadata.json            the tileset's metadata
//   /NAME.pmtiles             a PMTiles archive as it is, with byte ranges (206, 416)
//   /health                   200 while serving
// Paths arrive as decoded, checked segments (safe-path.ts); nothing here maps a raw URL to a file.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { MVT_MEDIA_TYPE } from '../describe/ogc-tileset.js';
import { matrixSize } from '../scheme/tiling-scheme.js';
import { rewriteDocuments } from './descriptors.js';
import { acceptsGzip, CORS_HEADERS, etagOf, matchesIfNoneMatch, parseRange, sendBody, sendJson, sendText } from './http.js';
import type { PreviewAssets } from './preview-assets.js';
import { OutsideTilesetError } from './safe-path.js';
import type { TileSource } from './tileset-source.js';

export interface RouteContext {
  source: TileSource;
  /** This server's root URL as the client reached it, ending in / (see server.ts baseUrlFor). */
  base: string;
  preview: PreviewAssets;
}

/** Decimal integers as tile coordinates: no sign, no leading zeros, no exponent. */
const INTEGER = /^(?:0|[1-9]\d{0,9})$/;

export async function route(req: IncomingMessage, res: ServerResponse, segments: string[], ctx: RouteContext): Promise<void> {
  const { source } = ctx;
  const name = segments.join('/');
  if (segments.length === 0 || name === 'index.html' || segments[0] === 'preview') return ctx.preview.send(req, res, name);
  if (segments.length === 3) return tile(req, res, segments, source);
  const docs = () => rewriteDocuments(source.docs, ctx.base);
  switch (name) {
    case 'tilejson.json':
      return sendJson(req, res, docs().tileJson);
    case 'tilematrixset.json':
      return sendJson(req, res, docs().tileMatrixSet);
    case 'tileset.json':
      return sendJson(req, res, docs().tileset);
    case 'metadata.json':
      return sendJson(req, res, source.docs.metadata);
    case 'health':
      return sendJson(req, res, { status: 'ok', format: source.format, name: source.info.name ?? null, minzoom: source.minzoom, maxzoom: source.maxzoom });
  }
  if (source.archive && name === source.archive.name) return archive(req, res, source.archive.path);
  sendText(res, 404, `not found: /${name}`);
}

async function tile(req: IncomingMessage, res: ServerResponse, [zs, xs, file]: string[], source: TileSource): Promise<void> {
  const m = /^(\d+)(?:\.([A-Za-z0-9]{1,16}))?$/.exec(file);
  if (!INTEGER.test(zs) || !INTEGER.test(xs) || !m || !INTEGER.test(m[1]) || (m[2] !== undefined && !source.extensions.has(m[2]))) {
    return sendText(res, 404, `not found: /${zs}/${xs}/${file} (tiles are /{z}/{x}/{y}.${[...source.extensions].join('|')})`);
  }
  const [z, x, y] = [Number(zs), Number(xs), Number(m[1])];
  if (z < source.minzoom || z > source.maxzoom) return sendText(res, 404, `zoom ${z} is outside the tileset's zooms ${source.minzoom}–${source.maxzoom}`);
  const { width, height } = matrixSize(source.info.scheme, z);
  if (x >= width || y >= height) return sendText(res, 404, `tile ${z}/${x}/${y} is outside the tile matrix (${width} × ${height} at zoom ${z})`);
  let data: Uint8Array | undefined;
  try {
    data = await source.readTile(z, x, y, m[2]);
  } catch (e) {
    if (e instanceof OutsideTilesetError) return sendText(res, 404, `not found: ${e.message}`);
    throw e;
  }
  if (!data) {
    // Inside the matrix and the zooms, but nothing was there to draw: an empty tile, not an error.
    res.writeHead(204, { ...CORS_HEADERS, 'Cache-Control': 'no-cache' });
    res.end();
    return;
  }
  const gzipped = data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
  const etag = etagOf(data);
  const headers = { 'Content-Type': MVT_MEDIA_TYPE, Vary: 'Accept-Encoding' };
  if (gzipped && acceptsGzip(req)) return sendBody(req, res, data, { ...headers, 'Content-Encoding': 'gzip' }, etag);
  // A client that refuses gzip gets the tile inflated, under a tag of its own (another representation).
  sendBody(req, res, gzipped ? gunzipSync(data) : data, headers, gzipped ? etag.replace(/"$/, '-identity"') : etag);
}

/** The archive file itself, for PMTiles clients that read it by ranges (pmtiles.js, QGIS, GDAL's /vsicurl/). */
async function archive(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const st = await stat(path);
  const etag = `"${st.ino.toString(36)}-${st.size.toString(36)}-${Math.trunc(st.mtimeMs).toString(36)}"`;
  const common = { ...CORS_HEADERS, 'Accept-Ranges': 'bytes', ETag: etag, 'Last-Modified': st.mtime.toUTCString(), 'Cache-Control': 'no-cache' };
  if (matchesIfNoneMatch(req, etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const ifRange = req.headers['if-range'];
  // A range of another version of the file would corrupt what the client pieces together: whole file then.
  const range = ifRange !== undefined && ifRange !== etag ? undefined : parseRange(req.headers.range, st.size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${st.size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const [start, end] = range ? [range.start, range.end] : [0, st.size - 1];
  const headers = { ...common, 'Content-Type': 'application/vnd.pmtiles', 'Content-Length': end - start + 1 };
  res.writeHead(range ? 206 : 200, range ? { ...headers, 'Content-Range': `bytes ${start}-${end}/${st.size}` } : headers);
  if (req.method === 'HEAD' || end < start) {
    res.end();
    return;
  }
  const stream = createReadStream(path, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
