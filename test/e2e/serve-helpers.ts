// What the serve and preview tests share: a small two-layer fixture with a lake (a polygon with a
// hole) and its known points, tilesets built from it with the CLI, `mvt-build serve` started as a
// user starts it, and raw HTTP requests over node:net (the path sent byte for byte, never through a
// URL normaliser that would resolve `..` before the server sees it).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers.js';

/** Land with a lake in it (lon/lat), and an island east of it: one layer each. */
export const LAND_OUTER = [[22, 61], [28, 61], [28, 64], [22, 64], [22, 61]];
export const LAKE = [[24, 62], [24, 63], [26, 63], [26, 62], [24, 62]];
export const ISLAND = [[29, 61], [30, 61], [30, 62], [29, 62], [29, 61]];
/** Points well inside each part (tens of kilometres from any edge at every zoom the tests draw). */
export const POINTS = { land: [23, 61.5], lake: [25, 62.5], island: [29.5, 61.5] } as const;
export const LAND_FEATURE = { id: 7, properties: { name: 'Mainland', kind: 'land', area_km2: 84000.5 } };

/** Writes land.geojson and islands.geojson into dir; returns their paths, in layer order. */
export function writeLakeFixture(dir: string): string[] {
  const land = join(dir, 'land.geojson'), islands = join(dir, 'islands.geojson');
  const fc = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
  writeFileSync(land, fc([{ type: 'Feature', ...LAND_FEATURE, geometry: { type: 'Polygon', coordinates: [LAND_OUTER, LAKE] } }]));
  writeFileSync(islands, fc([{ type: 'Feature', id: 3, properties: { name: 'Island' }, geometry: { type: 'Polygon', coordinates: [ISLAND] } }]));
  return [land, islands];
}

/** Builds a tileset of the fixture with the CLI (any extra options); returns the output path. */
export function buildLake(dir: string, output: string, args: string[]): string {
  const out = join(dir, output);
  const r = runCli([...writeLakeFixture(dir), '-o', out, '-q', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return out;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The status line and headers as received. */
  head: string;
}

/**
 * One HTTP/1.1 request written byte for byte on a fresh connection (`target` as the request target,
 * `raw` to send a whole request of one's own), and the reply read to the end of the connection.
 */
export function rawRequest(port: number, target: string, options: { method?: string; headers?: Record<string, string>; raw?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      const headers = { Host: `127.0.0.1:${port}`, Connection: 'close', ...options.headers };
      socket.write(options.raw ?? `${options.method ?? 'GET'} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
    });
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split).toString('latin1');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: all.subarray(split + 4), head });
    });
  });
}

export interface CliServer {
  url: string;
  port: number;
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends the signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Ends the servers a failed test left running (their pipes would keep the test process alive). */
export async function stopCliServers(): Promise<void> {
  await Promise.all([...running].map((c) => new Promise((resolve) => {
    c.once('exit', resolve);
    c.kill('SIGKILL');
  })));
}

/** `mvt-build serve PATH --port 0 …` as a user runs it; resolves once it prints its URL. */
export function serveCli(args: string[]): Promise<CliServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let out = '', err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:(\d+)\/)\n/.exec(out);
      if (m) {
        resolve({
          url: m[1],
          port: Number(m[2]),
          process: child,
          stdout: () => out,
          stderr: () => err,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    exited.then((code) => reject(new Error(`mvt-build serve exited (${code}) before printing its URL: ${err}`)));
  });
}
