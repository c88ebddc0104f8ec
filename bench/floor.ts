// The floor of a build: the work no tiler can skip, measured on one thread in this process —
//   read:  the input's bytes, off the disk (page cache) into memory;
//   parse: every feature's text into coordinates, with the build's own fast parser
//          (readers/feature-text.ts), nothing else;
//   write: a file of each tile's size at each tile's path of a finished tileset (what the build
//          wrote), into a fresh directory tree.
// What a build spends beyond it is tiling proper (clip, simplify, quantize, repair, encode, gzip) and
// coordination. Printed as JSON (CPU = user + sys, seconds); bench/run.ts adds it as a row.
//   node --import tsx bench/floor.ts INPUT TILESET_DIR
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGeoJSONRaw } from '../src/readers/geojson.js';
import { parseFeatureText } from '../src/readers/feature-text.js';
import { Float64Arena } from '../src/geometry/arena.js';

const [input, tileset] = process.argv.slice(2);
if (!input || !tileset) {
  console.error('usage: node --import tsx bench/floor.ts INPUT TILESET_DIR');
  process.exit(2);
}

/** CPU seconds and wall seconds of f. */
async function measure(f: () => unknown): Promise<{ cpuS: number; wallS: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const c = process.cpuUsage(c0);
  return { cpuS: (c.user + c.system) / 1e6, wallS: (performance.now() - t0) / 1000 };
}

const read = await measure(() => {
  const fd = openSync(input, 'r');
  const buf = new Uint8Array(1 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
});

let features = 0;
const parse = await measure(async () => {
  const arena = new Float64Arena();
  for await (const raw of readGeoJSONRaw(input)) {
    arena.reset();
    if (raw.text !== undefined) parseFeatureText(raw.text, arena);
    features++;
  }
});

/** Every tile file of the tileset: its path under the root and its size. */
function tileFiles(root: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  for (const z of readdirSync(root)) {
    if (!/^\d+$/.test(z)) continue;
    for (const x of readdirSync(join(root, z))) {
      for (const y of readdirSync(join(root, z, x))) out.push({ path: join(z, x, y), size: statSync(join(root, z, x, y)).size });
    }
  }
  return out;
}
const files = tileFiles(tileset);
const scratch = mkdtempSync(join(dirname(fileURLToPath(import.meta.url)), 'results', 'tmp-floor-'));
const write = await measure(() => {
  // A loop, not Math.max(...sizes): 600k arguments overflow the stack.
  const bytes = new Uint8Array(files.reduce((m, f) => Math.max(m, f.size), 1)).fill(7);
  const made = new Set<string>();
  for (const f of files) {
    const dir = join(scratch, dirname(f.path));
    if (!made.has(dir)) mkdirSync(dir, { recursive: true }), made.add(dir);
    const fd = openSync(join(scratch, f.path), 'w');
    writeSync(fd, bytes, 0, f.size);
    closeSync(fd);
  }
});
rmSync(scratch, { recursive: true, force: true });

const r = (n: number) => Math.round(n * 1000) / 1000;
console.log(JSON.stringify({
  features,
  tiles: files.length,
  readCpuS: r(read.cpuS),
  parseCpuS: r(parse.cpuS),
  writeCpuS: r(write.cpuS),
  floorCpuS: r(read.cpuS + parse.cpuS + write.cpuS),
  floorWallS: r(read.wallS + parse.wallS + write.wallS),
}));
