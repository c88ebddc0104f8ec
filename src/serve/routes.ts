// What `serve` answers, by path (docs/cli.md#mvt-build-serve):
//   /                         the preview page; /preview/…  its scripts and styles
//   /{z}/{x}/{y}.pbf          a tile: 200, 204 (inside the matrix, not written), 404 (outside it or the zooms);
//                             with dimensions, `?NAME=value` or the path form /{dim}/{z}/{x}/{y}.pbf (dimensions.ts),
//                             several trees' tiles stacked into one for a time interval
//   /attr/XXXX.json           publish's attribute side files (and their .br with Content-Encoding: br)
//   /tilejson.json, /tilematrixset.json, /tileset.json   the descriptors, URLs pointed at this server
//                             (`?NAME=value` carried into their tile URLs), the dimensions listed
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
import { stackTiles } from '../dimensions/stack.js';
import { rewriteDocuments, type JsonObject } from './descriptors.js';
import { chooseTrees } from './dimensions.js';
import { acceptsBrotli, acceptsGzip, CORS_HEADERS, etagOf, matchesIfNoneMatch, parseRange, sendBody, sendJson, sendText } from './http.js';
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
  // The query of the raw target as received (no URL parser: it would take `//x` for a host).
  const raw = req.url ?? '';
  const query = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1).replace(/#.*$/s, '') : '');
  const treeDepth = source.dimensions?.patterns.length ?? 0;
  if (segments.length === 3 || (treeDepth && segments.length === 3 + treeDepth && segments[0] !== 'attr')) {
    return tile(req, res, segments, source, query);
  }
  if (segments.length === 2 && segments[0] === 'attr') return attributes(req, res, segments[1], source);
  const docs = () => {
    // With dimensions, a descriptor asked with ?NAME=value points its tile URLs at that choice.
    let suffix = '';
    if (source.dimensions) {
      const choice = chooseTrees(source.dimensions, undefined, query);
      if (!choice.ok) return choice;
      suffix = choice.query;
    }
    const d = rewriteDocuments(source.docs, ctx.base, suffix);
    if (source.dimensions) {
      const listed = source.dimensions.list;
      Object.assign(d.tileJson, { dimensions: listed });
      Object.assign(d.tileset, { dimensions: listed });
    }
    return { ok: true as const, ...d };
  };
  const send = (pick: (d: { tileJson: JsonObject; tileMatrixSet: JsonObject; tileset: JsonObject }) => JsonObject) => {
    const d = docs();
    if (!d.ok) return sendText(res, d.status, d.message);
    return sendJson(req, res, pick(d));
  };
  switch (name) {
    case 'tilejson.json':
      return send((d) => d.tileJson);
    case 'tilematrixset.json':
      return send((d) => d.tileMatrixSet);
    case 'tileset.json':
      return send((d) => d.tileset);
    case 'metadata.json':
      return sendJson(req, res, source.attributeFiles ? { ...source.docs.metadata, attribute_files: ATTRIBUTE_TEMPLATE } : source.docs.metadata);
    case 'health':
      return sendJson(req, res, { status: 'ok', format: source.format, name: source.info.name ?? null, minzoom: source.minzoom, maxzoom: source.maxzoom });
  }
  if (source.archive && name === source.archive.name) return archive(req, res, source.archive.path);
  sendText(res, 404, `not found: /${name}`);
}

/** publish's attribute side files, as the served metadata.json names them (docs/publish.md). */
const ATTRIBUTE_TEMPLATE = 'attr/{page}.json';
const ATTRIBUTE_FILE = /^[0-9a-f]{4}\.json$/;

async function tile(req: IncomingMessage, res: ServerResponse, segments: string[], source: TileSource, query: URLSearchParams): Promise<void> {
  const [zs, xs, file] = segments.slice(-3);
  const m = /^(\d+)(?:\.([A-Za-z0-9]{1,16}))?$/.exec(file);
  if (!INTEGER.test(zs) || !INTEGER.test(xs) || !m || !INTEGER.test(m[1]) || (m[2] !== undefined && !source.extensions.has(m[2]))) {
    return sendText(res, 404, `not found: /${segments.join('/')} (tiles are /{z}/{x}/{y}.${[...source.extensions].join('|')})`);
  }
  // The trees that make this tile: one without dimensions, or what the request's values resolve to.
  let trees: (string | undefined)[] = [undefined];
  if (source.dimensions) {
    const choice = chooseTrees(source.dimensions, segments.length > 3 ? segments.slice(0, -3) : undefined, query);
    if (!choice.ok) return sendText(res, choice.status, choice.message);
    trees = choice.directories;
  }
  const [z, x, y] = [Number(zs), Number(xs), Number(m[1])];
  if (z < source.minzoom || z > source.maxzoom) return sendText(res, 404, `zoom ${z} is outside the tileset's zooms ${source.minzoom}–${source.maxzoom}`);
  const { width, height } = matrixSize(source.info.scheme, z);
  if (x >= width || y >= height) return sendText(res, 404, `tile ${z}/${x}/${y} is outside the tile matrix (${width} × ${height} at zoom ${z})`);
  const found: Uint8Array[] = [];
  try {
    for (const tree of trees) {
      const t = await source.readTile(z, x, y, m[2], tree);
      if (t) found.push(t);
    }
  } catch (e) {
    if (e instanceof OutsideTilesetError) return sendText(res, 404, `not found: ${e.message}`);
    throw e;
  }
  // Several trees (a time interval): one tile of their layers, the newest value's features on top.
  const data = found.length > 1 ? stackTiles(found) : found[0];
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

/** An attribute side file, or its brotli sibling for a client that takes br (publish --compress). */
async function attributes(req: IncomingMessage, res: ServerResponse, file: string, source: TileSource): Promise<void> {
  if (!ATTRIBUTE_FILE.test(file)) return sendText(res, 404, `not found: /attr/${file} (attribute files are /attr/XXXX.json, four hex digits)`);
  let br: Uint8Array | undefined;
  if (acceptsBrotli(req)) br = await source.readAttributes(`${file}.br`).catch(() => undefined);
  const headers = { 'Content-Type': 'application/json; charset=utf-8', Vary: 'Accept-Encoding' };
  if (br) return sendBody(req, res, br, { ...headers, 'Content-Encoding': 'br' });
  let data: Uint8Array | undefined;
  try {
    data = await source.readAttributes(file);
  } catch (e) {
    if (e instanceof OutsideTilesetError) return sendText(res, 404, `not found: ${e.message}`);
    throw e;
  }
  if (!data) return sendText(res, 404, `not found: /attr/${file}`);
  sendBody(req, res, data, headers);
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
