// Shared test helpers: temp dirs, running the built CLI, decoding tiles with @mapbox/vector-tile.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'dist/cli/main.js');
export const fixture = (name: string) => join(ROOT, 'fixtures', name);

const made: string[] = [];
// Each test file runs in its own process: its temporary directories go when it exits.
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'mvt-build-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Runs the built binary, as a user would. */
export function runCli(args: string[], opts: { cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: opts.cwd ?? ROOT });
}

export function readTile(dir: string, z: number, x: number, y: number, ext = 'pbf'): VectorTile {
  let buf = readFileSync(join(dir, String(z), String(x), `${y}.${ext}`));
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  return new VectorTile(new PbfReader(buf));
}

/** All tile paths "z/x/y" under a tileset directory. */
export function listTiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const z of readdirSync(dir)) {
    if (!/^\d+$/.test(z)) continue;
    for (const x of readdirSync(join(dir, z))) {
      for (const f of readdirSync(join(dir, z, x))) out.push(`${z}/${x}/${f.replace(/\..*$/, '')}`);
    }
  }
  return out.sort();
}

export function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** Does a command exist on PATH? */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Every file under dir, by path relative to it, with its bytes (to compare two outputs byte for byte). */
export function fileTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
