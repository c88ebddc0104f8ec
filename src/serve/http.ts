// HTTP pieces `serve` answers with: CORS (a tileset is read by pages of other origins), ETags and
// If-None-Match (RFC 9110 §8.8.3, §13.1.2), byte ranges for the raw PMTiles archive (RFC 9110 §14),
// and the plain replies every route shares.
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Sent with every reply: any origin may read the tileset, and see the headers range readers need. */
export const CORS_HEADERS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Content-Length, Content-Range, Content-Encoding, Accept-Ranges',
};

/** The reply to a CORS preflight: the methods and request headers tile and range clients use. */
export const PREFLIGHT_HEADERS: OutgoingHttpHeaders = {
  ...CORS_HEADERS,
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Range, If-None-Match, If-Range, If-Modified-Since, Cache-Control',
  'Access-Control-Max-Age': '86400',
};

/** A strong ETag of a body: its content, so a rebuilt but identical tile keeps its tag. */
export function etagOf(data: Uint8Array | string): string {
  return `"${createHash('sha1').update(data).digest('base64url')}"`;
}

/** Does If-None-Match name this ETag (weak comparison, as RFC 9110 §13.1.2 asks for GET)? */
export function matchesIfNoneMatch(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(text + '\n');
  res.writeHead(status, { ...CORS_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * A body with its ETag: 304 when the client has it already (If-None-Match), else 200. Revalidated on
 * every use (no-cache): a tileset may be rebuilt while it is served.
 */
export function sendBody(req: IncomingMessage, res: ServerResponse, body: Uint8Array, headers: OutgoingHttpHeaders, etag = etagOf(body)): void {
  const common = { ...CORS_HEADERS, 'Cache-Control': 'no-cache', ETag: etag, 'X-Content-Type-Options': 'nosniff' };
  if (matchesIfNoneMatch(req, etag)) {
    res.writeHead(304, { ...common, ...(headers.Vary ? { Vary: headers.Vary } : {}) });
    res.end();
    return;
  }
  res.writeHead(200, { ...common, 'Content-Length': body.length, ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function sendJson(req: IncomingMessage, res: ServerResponse, doc: unknown): void {
  sendBody(req, res, Buffer.from(JSON.stringify(doc, null, 2) + '\n'), { 'Content-Type': 'application/json; charset=utf-8' });
}

export type RangeRequest = { start: number; end: number } | 'unsatisfiable' | undefined;

/**
 * One byte range of a `Range: bytes=…` header over a resource of `size` bytes: `a-b`, `a-` or the
 * suffix `-n`. Undefined (serve the whole body, as RFC 9110 §14.2 allows) for no header, another unit,
 * a malformed one or several ranges (no multipart replies); 'unsatisfiable' for a range past the end.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) };
}

/** Does the client take gzip (Accept-Encoding, RFC 9110 §12.5.3)? A tile is gunzipped for one that does not. */
export function acceptsGzip(req: IncomingMessage): boolean {
  return accepts(req, 'gzip', true);
}

/** Does the client say it takes brotli? Only when it says so: br is no coding every client knows. */
export function acceptsBrotli(req: IncomingMessage): boolean {
  return accepts(req, 'br', false);
}

function accepts(req: IncomingMessage, coding: string, unstated: boolean): boolean {
  const header = req.headers['accept-encoding'];
  if (header === undefined) return unstated; // no preference stated: any coding is acceptable, by RFC 9110
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
    return (name.trim() === coding || name.trim() === '*') && (q === undefined || Number(q) > 0);
  });
}
