// `mvt-build serve`: one tileset over HTTP with node:http (a handful of routes needs no framework),
// on 127.0.0.1 unless told otherwise. Each request's path is checked (safe-path.ts) before any route
// sees it; the tileset is opened again when a rebuild replaces it; close() stops taking connections
// and lets the requests under way finish.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../errors.js';
import { PREFLIGHT_HEADERS, sendText } from './http.js';
import { loadPreviewAssets } from './preview-assets.js';
import { route } from './routes.js';
import { parseRequestPath } from './safe-path.js';
import { openTileSource, type TileSource } from './tileset-source.js';

export interface ServeOptions {
  /** A tileset directory, an .mbtiles or a .pmtiles file. */
  path: string;
  /** Default 127.0.0.1: the machine itself. */
  host?: string;
  /** Default 8080; 0 takes any free port. */
  port?: number;
  /** Called after each reply (for a request log). */
  onResponse?: (entry: { method: string; url: string; status: number; ms: number }) => void;
  /** Where the built preview page is (default dist/preview). */
  previewDir?: string;
}

export interface RunningServer {
  /** The root URL, ending in / (an unspecified host such as 0.0.0.0 shown as the loopback address). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The tileset being served now. */
  source(): TileSource;
  /** Stops: no new connections, idle ones closed, requests under way finished; then the tileset is closed. */
  close(): Promise<void>;
  /** Ends every connection at once (a second Ctrl-C). */
  closeNow(): void;
}

export const DEFAULT_PORT = 8080;

/** A Host header fit to go into a URL: a name or an IPv4 or bracketed IPv6 address, and a port. */
const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_PORT;
  const preview = await loadPreviewAssets(options.previewDir);
  let active = { source: await openTileSource(options.path), inflight: 0, retired: false };
  let reopening: Promise<void> | undefined;
  let stopping = false;

  /** The tileset again when a rebuild replaced it; the one open stays until its requests are done. */
  async function reopen(): Promise<void> {
    try {
      const source = await openTileSource(options.path);
      const old = active;
      active = { source, inflight: 0, retired: false };
      old.retired = true;
      if (old.inflight === 0) await old.source.close();
    } catch {
      // Half-replaced, or gone for a moment: keep serving what is open, and look again next request.
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) res.setHeader('Connection', 'close');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, PREFLIGHT_HEADERS);
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, `method ${req.method} not allowed: the tileset is read-only`, { Allow: 'GET, HEAD, OPTIONS' });
    const parsed = parseRequestPath(req.url ?? '');
    if (!parsed.ok) return sendText(res, parsed.status, `refused: ${parsed.reason}`);
    // Looked at again after the stat: another request may have started the reopening meanwhile.
    if (!reopening && (await active.source.changed()) && !reopening) reopening = reopen().finally(() => (reopening = undefined));
    if (reopening) await reopening;
    const a = active;
    a.inflight++;
    try {
      await route(req, res, parsed.segments, { source: a.source, base: baseUrlFor(req), preview });
    } finally {
      a.inflight--;
      if (a.retired && a.inflight === 0) await a.source.close().catch(() => undefined);
    }
  }

  /** The root URL as this client reached the server (its Host header), for the descriptors' URLs. */
  function baseUrlFor(req: IncomingMessage): string {
    const h = req.headers.host;
    return h && HOST_HEADER.test(h) ? `http://${h}/` : url;
  }

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      options.onResponse?.({ method: req.method ?? '', url: req.url ?? '', status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 });
      if (stopping) server.closeIdleConnections();
    });
    handle(req, res).catch((e: Error) => {
      if (res.headersSent) res.destroy(e);
      else sendText(res, 500, `internal error: ${e.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      active.source.close().catch(() => undefined);
      const why = e.code === 'EADDRINUSE' ? `port ${port} is in use on ${host}: give another with --port (0 takes any free one)` : e.code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` : e.message;
      reject(new InputError(`cannot listen: ${why}`));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const url = `http://${urlHost(shown)}:${address.port}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    host: address.address,
    port: address.port,
    source: () => active.source,
    close() {
      stopping = true;
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(async () => {
        await reopening;
        await active.source.close();
      });
      return closing;
    },
    closeNow() {
      stopping = true;
      server.closeAllConnections();
    },
  };
}
