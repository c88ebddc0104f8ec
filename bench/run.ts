// Benchmark harness: mvt-build against geojson-vt + vt-pbf, GDAL's ogr2ogr -f MVT and tippecanoe.
//   node --import tsx bench/run.ts [--ci] [--all] [--keep] [SCENARIO...]
//     --ci    reduced zoom ranges that finish in a few minutes on 2 cores
//     --all   also run tools that a scenario skips as too slow (ogr2ogr on countries z0–8)
//     --keep  keep the tilesets in bench/results/tmp/ (default: deleted at the end of the run)
//     --tools=mvt-build,geojson-vt   run only these tools
//     --generalize   tippecanoe's generalization instead: one scenario per strategy, mvt-build and
//                    tippecanoe with the same flags, features per zoom and the largest tile compared
// Each tool runs as its own child process so that peak RSS and CPU time are that tool's alone, measured
// from outside with GNU time (or, without it, by a preload in Node children). Tiles and bytes are counted
// from the output directory the same way for every tool. Timing never fails the run; the exit code is
// non-zero only when mvt-build crashes.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parsePmtilesHeader } from '../dist/model/pmtiles-header.js';
import { parseDirectory } from '../dist/tileset/pmtiles-reader.js';
import { prepareData } from './data.js';
import { census, type Census } from './tile-census.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', 'results');
const tmpDir = join(resultsDir, 'tmp');

interface Scenario {
  name: string;
  input: string; // file name in bench/.data
  maxzoom: number;
  /** Tools skipped unless --all, because they take far too long here. */
  slow?: string[];
  /** --generalize: the flags of the strategy, ours and tippecanoe's. */
  ours?: string[];
  theirs?: string[];
}

const FULL: Scenario[] = [
  // GDAL needs > 40 minutes on the 10m countries at z8, and tippecanoe 216 s for z0–5 alone (2026-12-04,
  // 360 s of CPU, `-pf -pk` no faster), so they only run there with --all.
  { name: 'countries', input: 'countries.geojson', maxzoom: 8, slow: ['ogr2ogr', 'tippecanoe'] },
  { name: 'counties', input: 'counties.geojson', maxzoom: 10 },
  { name: 'cities', input: 'cities.geojson', maxzoom: 14 },
  // Memory scaling: 10× the cities of the scenario above, same zooms, GeoJSONSeq input.
  { name: 'cities-10x', input: 'cities-10x.geojsons', maxzoom: 14 },
  // Dense lines: the 1:1m coastline as 63,636 LineStrings (4.9M vertices), GeoJSONSeq.
  { name: 'lines', input: 'coastline.geojsons', maxzoom: 11 },
];
const CI: Scenario[] = [
  // GDAL did not finish even z0–5 of the 10m countries within its 15-minute timeout on 2 cores.
  { name: 'countries', input: 'countries.geojson', maxzoom: 5, slow: ['ogr2ogr'] },
  { name: 'counties', input: 'counties.geojson', maxzoom: 8 },
  { name: 'cities', input: 'cities.geojson', maxzoom: 10 },
  // GDAL's time on 4.9M vertices is not measured yet: kept out of CI's run (--all adds it).
  { name: 'lines', input: 'coastline.geojsons', maxzoom: 6, slow: ['ogr2ogr'] },
];

// --generalize: a scenario per strategy. Both tools keep their default limits (500,000 bytes of
// gzipped tile, 200,000 features: the same in both) unless a scenario lowers them, and write gzipped
// tiles. tippecanoe thins points by default (-r2.5): -r1 turns that off where the scenario is about
// something else. The polygon scenarios lower the size limit so that the strategies have work to do.
const NO_LIMITS = { ours: ['--max-size', '2147483647', '--max-features', '2147483647'], theirs: ['--no-feature-limit', '--no-tile-size-limit'] };
const GENERALIZE: Scenario[] = [
  { name: 'cities-drop-densest', input: 'cities.geojson', maxzoom: 10, ours: ['--drop-densest-as-needed'], theirs: ['-r1', '--drop-densest-as-needed'] },
  { name: 'cities-drop-fraction', input: 'cities.geojson', maxzoom: 10, ours: ['--drop-fraction-as-needed'], theirs: ['-r1', '--drop-fraction-as-needed'] },
  { name: 'cities-cluster-densest', input: 'cities.geojson', maxzoom: 10, ours: ['--cluster-densest-as-needed'], theirs: ['-r1', '--cluster-densest-as-needed'] },
  { name: 'cities-r2-B6', input: 'cities.geojson', maxzoom: 10, ours: ['-r', '2', '-B', '6', ...NO_LIMITS.ours], theirs: ['-r2', '-B6', ...NO_LIMITS.theirs] },
  // 30,000 bytes: the counties' low-zoom tiles are 43–55 kB whole, so the strategies have work to do.
  // -x id: their ids are strings ("04015"), which tippecanoe cannot write ("Can't represent
  // non-numeric feature ID") and leaves out, where we keep them as an `id` field as GDAL does — a
  // quarter of the zoom-0 tile's bytes; without it in both, the tiles hold the same.
  { name: 'counties-drop-smallest', input: 'counties.geojson', maxzoom: 8, ours: ['--drop-smallest-as-needed', '--max-size', '30000', '-x', 'id'], theirs: ['--drop-smallest-as-needed', '-M', '30000'] },
  { name: 'counties-coalesce-smallest', input: 'counties.geojson', maxzoom: 8, ours: ['--coalesce-smallest-as-needed', '--max-size', '30000', '-x', 'id'], theirs: ['--coalesce-smallest-as-needed', '-M', '30000'] },
  // At 100,000 bytes tippecanoe gave up on z0–5 after 270 s ("Can't increase feature area threshold
  // further": one country's outline alone is over it), while our tiles were all under it whole.
  { name: 'countries-drop-smallest', input: 'countries.geojson', maxzoom: 3, ours: ['--drop-smallest-as-needed', '--max-size', '60000'], theirs: ['--drop-smallest-as-needed', '-M', '60000'] },
  { name: 'countries-coalesce-smallest', input: 'countries.geojson', maxzoom: 3, ours: ['--coalesce-smallest-as-needed', '--max-size', '60000'], theirs: ['--coalesce-smallest-as-needed', '-M', '60000'] },
  // The coastline's 63,636 LineStrings: its z0–5 tiles are 33–65 kB whole (gzipped), so 20,000 bytes
  // cuts every zoom; z0–5 runs in about a minute for tippecanoe on 2 cores without limits.
  { name: 'lines-drop-densest', input: 'coastline.geojsons', maxzoom: 5, ours: ['--drop-densest-as-needed', '--max-size', '20000'], theirs: ['--drop-densest-as-needed', '-M', '20000'] },
  { name: 'lines-drop-fraction', input: 'coastline.geojsons', maxzoom: 5, ours: ['--drop-fraction-as-needed', '--max-size', '20000'], theirs: ['--drop-fraction-as-needed', '-M', '20000'] },
  { name: 'lines-drop-smallest', input: 'coastline.geojsons', maxzoom: 5, ours: ['--drop-smallest-as-needed', '--max-size', '20000'], theirs: ['--drop-smallest-as-needed', '-M', '20000'] },
  { name: 'lines-coalesce-smallest', input: 'coastline.geojsons', maxzoom: 5, ours: ['--coalesce-smallest-as-needed', '--max-size', '20000'], theirs: ['--coalesce-smallest-as-needed', '-M', '20000'] },
  { name: 'lines-r2-B5', input: 'coastline.geojsons', maxzoom: 5, ours: ['--drop-lines', '-r', '2', '-B', '5', ...NO_LIMITS.ours], theirs: ['--drop-lines', '-r2', '-B5', ...NO_LIMITS.theirs] },
];

interface Tool {
  name: string;
  /** Node tools can take the rusage preload when GNU time is missing. */
  node: boolean;
  timeoutMs: number;
  available: boolean;
  args(input: string, out: string, s: Scenario): string[]; // argv[0] is the executable
}

const onPath = (exe: string) => process.env.PATH?.split(delimiter).some((d) => d && existsSync(join(d, exe))) ?? false;
const MIN = 60_000;

const MVT_BUILD_ARGS = (s: Scenario) => ['-Z0', `-z${s.maxzoom}`, '--simplification', '3', '--buffer', '64', '--no-compress',
  '--max-size', '2147483647', '--max-features', '2147483647', '--force', '--quiet'];

const TOOLS: Tool[] = [
  {
    name: 'mvt-build',
    node: true,
    timeoutMs: 60 * MIN, // only so a hang cannot block the run forever
    available: true,
    // Equal settings to the peers, uncompressed so that bytes compare; no tile size or feature cap
    // (geojson-vt has none; GDAL's defaults would drop features from the low-zoom city tiles).
    args: (i, o, s) => [process.execPath, join(root, 'dist/cli/main.js'), i, '-o', o, ...MVT_BUILD_ARGS(s)],
  },
  {
    name: 'mvt-build→mbtiles',
    node: true,
    timeoutMs: 60 * MIN,
    available: true,
    // The same run into one MBTiles file: no per-tile file system work.
    args: (i, o, s) => [process.execPath, join(root, 'dist/cli/main.js'), i, '-o', `${o}.mbtiles`, ...MVT_BUILD_ARGS(s)],
  },
  {
    name: 'mvt-build→pmtiles',
    node: true,
    timeoutMs: 60 * MIN,
    available: true,
    // The same run into one PMTiles archive (tiles spooled, then laid out in Hilbert order).
    args: (i, o, s) => [process.execPath, join(root, 'dist/cli/main.js'), i, '-o', `${o}.pmtiles`, ...MVT_BUILD_ARGS(s)],
  },
  {
    name: 'mvt-build (no repair)',
    node: true,
    timeoutMs: 60 * MIN,
    available: true,
    // The directory run with polygons written as rounded, not made valid: what the repair costs.
    args: (i, o, s) => [process.execPath, join(root, 'dist/cli/main.js'), i, '-o', o, ...MVT_BUILD_ARGS(s), '--no-polygon-repair'],
  },
  {
    name: 'geojson-vt',
    node: true,
    timeoutMs: 60 * MIN,
    available: true,
    // tsx's loader costs a few MB of RSS here; negligible next to the index itself.
    args: (i, o, s) => [process.execPath, '--import', 'tsx', join(root, 'bench/peers/geojson-vt.ts'), i, o, String(s.maxzoom)],
  },
  {
    name: 'ogr2ogr',
    node: false,
    timeoutMs: 15 * MIN,
    available: onPath('ogr2ogr'),
    // GDAL_NUM_THREADS left at its default, as a user would run it. OGR_GEOJSON_MAX_OBJ_SIZE=0: GDAL
    // otherwise refuses the 10m countries ("GeoJSON object too complex/large", limit 200 MB per object).
    args: (i, o, s) => ['ogr2ogr', '--config', 'OGR_GEOJSON_MAX_OBJ_SIZE', '0', '-f', 'MVT', o, i, '-dsco', `MAXZOOM=${s.maxzoom}`, '-dsco', 'COMPRESS=NO',
      '-dsco', 'BUFFER=64', '-dsco', 'SIMPLIFICATION=3', '-dsco', 'MAX_SIZE=2147483647', '-dsco', 'MAX_FEATURES=2147483647'],
  },
  {
    name: 'tippecanoe',
    node: false,
    timeoutMs: 15 * MIN,
    available: onPath('tippecanoe'),
    // Closest equivalents: buffer is in 1/256 of a tile (64/4096·256 = 4); -r1 and the no-limit flags stop
    // tippecanoe from dropping features, which the other tools never do. Untested here (not installed).
    args: (i, o, s) => ['tippecanoe', '-e', o, '--force', '--quiet', '-Z0', `-z${s.maxzoom}`, '-l', basename(i).replace(/\.[^.]*$/, ''),
      '--no-tile-compression', '--buffer=4', '--simplification=3', '-r1', '--no-feature-limit', '--no-tile-size-limit', i],
  },
];

const layerName = (input: string) => basename(input).replace(/\.[^.]*$/, '');
const GENERALIZE_TOOLS: Tool[] = [
  {
    name: 'mvt-build',
    node: true,
    timeoutMs: 60 * MIN,
    available: true,
    // zlib level 6, as tippecanoe gzips: the size limits are on gzipped bytes, and at our default
    // level (1) a tile is some 10% larger, so a tile at the limit would be cut where tippecanoe's is not.
    args: (i, o, s) => [process.execPath, join(root, 'dist/cli/main.js'), i, '-o', o, '-Z0', `-z${s.maxzoom}`, '--simplification', '3', '--buffer', '64', '--compress-level', '6', '--force', '--quiet', ...s.ours!],
  },
  {
    name: 'tippecanoe',
    node: false,
    timeoutMs: 15 * MIN,
    available: onPath('tippecanoe'),
    args: (i, o, s) => ['tippecanoe', '-e', o, '--force', '--quiet', '-Z0', `-z${s.maxzoom}`, '-l', layerName(i), '--buffer=4', '--simplification=3', ...s.theirs!, i],
  },
];

type Status = 'ok' | 'crashed' | 'timeout' | 'skipped';
interface Result {
  tool: string;
  status: Status;
  note?: string;
  wallS?: number;
  userS?: number;
  sysS?: number;
  cpuS?: number;
  peakRssMB?: number;
  tiles?: number;
  bytes?: number;
  exitCode?: number | null;
  log?: string;
  /** For the mvt-build directory run: the floor of its work (bench/floor.ts). */
  floor?: Floor;
  /** --generalize: features per zoom and the largest tile, read back from the output (tile-census.ts). */
  census?: Census;
}

/** What bench/floor.ts prints: CPU seconds to read, parse and write the scenario's tiles on one thread. */
interface Floor {
  features: number;
  tiles: number;
  readCpuS: number;
  parseCpuS: number;
  writeCpuS: number;
  floorCpuS: number;
  floorWallS: number;
}

/** The floor of a finished build, measured beside it (its tile files are still there). */
function measureFloor(input: string, tileset: string): Floor | undefined {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/floor.ts'), input, tileset], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Floor;
}

const FLOOR_ROW = 'floor (read + parse + write, 1 thread)';

const GNU_TIME = '/usr/bin/time';
const useGnuTime = !process.env.BENCH_NO_GNU_TIME && existsSync(GNU_TIME) &&
  /GNU/.test(spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' }).output.join('')); // BusyBox time lacks -f/-o

// The tool's process group: detached children do not get the terminal's Ctrl-C, so pass it on.
let running: number | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (running) process.kill(-running, 'SIGKILL');
    process.exit(130);
  });
}

/** Runs one tool on one scenario: a detached child (own process group, so a timeout kills all of it). */
async function runTool(tool: Tool, s: Scenario, input: string): Promise<Result> {
  const out = join(tmpDir, s.name, tool.name);
  const log = join(tmpDir, s.name, `${tool.name}.log`);
  const usageFile = join(tmpDir, s.name, `${tool.name}.usage`);
  discard(out); // ogr2ogr refuses an existing directory
  discard(`${out}.mbtiles`);
  discard(`${out}.pmtiles`);
  rmSync(usageFile, { force: true });
  mkdirSync(dirname(out), { recursive: true });

  let argv = tool.args(input, out, s);
  const env = { ...process.env };
  if (useGnuTime) argv = [GNU_TIME, '-f', '%U %S %M', '-o', usageFile, ...argv];
  else if (tool.node) {
    argv = [argv[0]!, '--import', join(root, 'bench/peers/rusage.mjs'), ...argv.slice(1)];
    env.BENCH_RUSAGE_FILE = usageFile;
  }

  settleDisk();
  const fd = openSync(log, 'w');
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  running = child.pid;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, tool.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => {
    child.on('exit', (c, sig) => res([c, sig]));
    child.on('error', () => res([null, null]));
  });
  clearTimeout(timer);
  running = undefined;
  const wallS = (performance.now() - t0) / 1000;

  const r: Result = { tool: tool.name, status: 'ok', wallS, exitCode: code, log: relPath(log) };
  if (timedOut) return { ...r, status: 'timeout', note: `timeout after ${tool.timeoutMs / MIN} min` };
  if (code !== 0) {
    r.status = 'crashed';
    r.note = signal ? `killed by ${signal}` : `exit ${code}`;
    // V8 aborts (exit 134) when the JS heap is full: say so, it is a limit rather than a bug.
    if (/heap out of memory/.test(readFileSync(log, 'utf8'))) r.note += ', out of JS heap';
  }
  Object.assign(r, readUsage(usageFile));
  if (r.status === 'ok') {
    Object.assign(r, countTiles(out));
    if (generalize) r.census = census(out);
    else if (tool.name === 'mvt-build') r.floor = measureFloor(input, out);
    if (!keep) discard(out), discard(`${out}.mbtiles`), discard(`${out}.pmtiles`);
  }
  return r;
}

/**
 * Tilesets are moved aside during the run and deleted only after the last measurement. On ext4, files
 * created within a minute or more of deleting tens of thousands of others are far slower: the inode
 * allocator skips (and re-reads) every recently freed inode, all in the creating process's system time.
 * We measured 21k small files taking 0.4 s to write on a quiet disk and 10 s right after deleting 21k
 * others; counties z0–10 took 8.7 s instead of 1.8 s when it ran after the countries tilesets were
 * deleted. Deleting between tools would hand that cost to whichever tool runs next.
 */
const trashDir = join(resultsDir, `tmp-trash-${process.pid}`);
let trashed = 0;
function discard(path: string): void {
  if (!existsSync(path)) return;
  mkdirSync(trashDir, { recursive: true });
  renameSync(path, join(trashDir, String(trashed++)));
}

/** Writes out dirty pages before a tool starts, so it does not pay for the previous tool's write-back. */
function settleDisk(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/** CPU seconds and peak RSS from GNU time's last line ("%U %S %M", KiB) or the preload's JSON. */
function readUsage(file: string): Partial<Result> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8').trim();
  let userS: number, sysS: number, kib: number;
  if (text.startsWith('{')) ({ userS, sysS, maxRssKiB: kib } = JSON.parse(text) as { userS: number; sysS: number; maxRssKiB: number });
  else [userS, sysS, kib] = text.split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { userS, sysS, cpuS: userS + sysS, peakRssMB: (kib * 1024) / 1048576 };
}

/** Tiles and bytes of every *.pbf under dir (or in dir.mbtiles / dir.pmtiles), counted identically for every tool. */
function countTiles(dir: string): { tiles: number; bytes: number } {
  if (existsSync(`${dir}.pmtiles`)) return countPmtiles(`${dir}.pmtiles`);
  if (existsSync(`${dir}.mbtiles`)) {
    const r = spawnSync(process.execPath, ['-e', `const D=require('better-sqlite3');const r=new D(process.argv[1],{readonly:true}).prepare('SELECT count(*) n, sum(length(tile_data)) b FROM tiles').get();console.log(r.n+' '+r.b)`, `${dir}.mbtiles`], { cwd: root, encoding: 'utf8' });
    const [tiles, bytes] = r.stdout.trim().split(' ').map(Number);
    return { tiles, bytes };
  }
  let tiles = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    if (!existsSync(d)) continue;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.pbf')) (tiles++, (bytes += statSync(p).size));
    }
  }
  return { tiles, bytes };
}

/**
 * A PMTiles archive's tiles and their bytes, duplicates counted as often as they are addressed (as
 * the other outputs count them): every directory entry's length × run length, leaves followed.
 */
function countPmtiles(file: string): { tiles: number; bytes: number } {
  const data = readFileSync(file);
  const { rootOffset, rootLength, leavesOffset } = parsePmtilesHeader(data);
  let tiles = 0;
  let bytes = 0;
  const walk = (bytesOfDir: Buffer) => {
    const d = parseDirectory(gunzipSync(bytesOfDir));
    for (let i = 0; i < d.ids.length; i++) {
      if (d.runs[i] === 0) walk(data.subarray(leavesOffset + d.offsets[i], leavesOffset + d.offsets[i] + d.lengths[i]));
      else (tiles += d.runs[i]), (bytes += d.runs[i] * d.lengths[i]);
    }
  };
  walk(data.subarray(rootOffset, rootOffset + rootLength));
  return { tiles, bytes };
}

/** Reads the input once so that the first tool does not pay for a cold page cache. */
async function warm(file: string): Promise<void> {
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 22 })) void _;
}

const relPath = (p: string) => p.slice(root.length + 1);
const fmt = (v: number | undefined, d: number) => (v === undefined ? '–' : v.toFixed(d));
const PEERS = ['geojson-vt', 'ogr2ogr', 'tippecanoe'];

/** Markdown table for a scenario: one wall-time ratio column per peer that finished. */
function table(s: Scenario, results: Result[]): string {
  const peers = results.filter((r) => PEERS.includes(r.tool) && r.status === 'ok');
  const floor = results.find((r) => r.tool === FLOOR_ROW);
  const head = ['tool', 'wall s', 'CPU s', ...(floor ? ['CPU × floor'] : []), 'peak RSS MB', 'tiles', 'MB', ...peers.map((p) => `wall × ${p.tool}`), 'note'];
  const rows = results.map((r) => [
    r.tool, fmt(r.wallS, 2), fmt(r.cpuS, 2), ...(floor ? [r.cpuS === undefined || r === floor ? '–' : (r.cpuS / floor.cpuS!).toFixed(1)] : []),
    fmt(r.peakRssMB, 0), r.tiles?.toString() ?? '–',
    r.bytes === undefined ? '–' : (r.bytes / 1048576).toFixed(2),
    ...peers.map((p) => (r.status === 'ok' ? (r.wallS! / p.wallS!).toFixed(2) : '–')),
    r.status === 'ok' ? (r.note ?? '') : `${r.status}${r.note ? `: ${r.note}` : ''}`,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [`### ${s.name} z0–${s.maxzoom} (${s.input})`, '', line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * --generalize: both tools side by side, features per zoom, and a last row of mvt-build over
 * tippecanoe (the issue's goal: tile sizes and kept features within 10%, in less time).
 */
function generalizeTable(s: Scenario, results: Result[]): string {
  const zooms = Array.from({ length: s.maxzoom + 1 }, (_, z) => z);
  const head = ['tool', 'wall s', 'CPU s', 'peak RSS MB', 'tiles', 'MB', 'largest KB', ...zooms.map((z) => `z${z}`), 'note'];
  const row = (r: Result) => [
    r.tool, fmt(r.wallS, 2), fmt(r.cpuS, 2), fmt(r.peakRssMB, 0), r.tiles?.toString() ?? '–', r.bytes === undefined ? '–' : (r.bytes / 1048576).toFixed(2),
    r.census ? (r.census.largestBytes / 1024).toFixed(0) : '–', ...zooms.map((z) => r.census?.featuresPerZoom[z]?.toString() ?? '–'),
    r.status === 'ok' ? (r.note ?? '') : `${r.status}${r.note ? `: ${r.note}` : ''}`,
  ];
  const ours = results.find((r) => r.tool === 'mvt-build' && r.status === 'ok');
  const theirs = results.find((r) => r.tool === 'tippecanoe' && r.status === 'ok');
  const rows = results.map(row);
  if (ours && theirs) {
    const q = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? '–' : (a / b).toFixed(2));
    rows.push(['mvt-build ÷ tippecanoe', q(ours.wallS, theirs.wallS), q(ours.cpuS, theirs.cpuS), q(ours.peakRssMB, theirs.peakRssMB), q(ours.tiles, theirs.tiles), q(ours.bytes, theirs.bytes),
      q(ours.census?.largestBytes, theirs.census?.largestBytes), ...zooms.map((z) => q(ours.census?.featuresPerZoom[z], theirs.census?.featuresPerZoom[z])), '']);
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const flags = `mvt-build ${s.ours!.join(' ')}; tippecanoe ${s.theirs!.join(' ')}`;
  return [`### ${s.name} z0–${s.maxzoom} (${s.input})`, '', flags, '', line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Flags tile counts that differ from geojson-vt's by more than 5%: a likely bug in one of the tools. */
function crossCheck(results: Result[]): void {
  const ref = results.find((r) => r.tool === 'geojson-vt' && r.status === 'ok');
  if (!ref?.tiles) return;
  for (const r of results) {
    if (r === ref || r.status !== 'ok' || r.tiles === undefined) continue;
    const d = (r.tiles - ref.tiles) / ref.tiles;
    if (Math.abs(d) > 0.05) r.note = `tiles ${d > 0 ? '+' : ''}${(d * 100).toFixed(0)}% vs geojson-vt`;
  }
}

function machineInfo(): Record<string, string | number> {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'unknown';
  const version = (exe: string, arg: string) => (onPath(exe) ? spawnSync(exe, [arg], { encoding: 'utf8' }) : undefined);
  const pkgVersion = (p: string) => (JSON.parse(readFileSync(join(root, p), 'utf8')) as { version: string }).version;
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8' }).stdout?.trim();
  return {
    cpu,
    cores: availableParallelism(),
    ramGB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    mvtBuild: `${pkgVersion('package.json')} (${git || 'no git'})`,
    geojsonVt: pkgVersion('node_modules/geojson-vt/package.json'),
    vtPbf: pkgVersion('node_modules/vt-pbf/package.json'),
    gdal: version('ogr2ogr', '--version')?.stdout.trim() ?? 'absent',
    tippecanoe: version('tippecanoe', '--version')?.stderr.trim() ?? 'absent',
    // Other work on the machine skews wall times; this says how busy it was when the run began.
    loadAvg1m: loadavg()[0]!.toFixed(2),
    measuredWith: useGnuTime ? 'GNU time (CPU, maxrss), wall from the parent' : 'process.resourceUsage preload (Node tools only)',
  };
}

/** Warns (does not rebuild) when src/ changed after dist/ was built: the numbers would be of old code. */
function checkDist(): void {
  const cli = join(root, 'dist/cli/main.js');
  if (!existsSync(cli)) {
    console.log('dist/ missing: building with tsc');
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(1);
    return;
  }
  const built = statSync(cli).mtimeMs;
  const newer = (readdirSync(join(root, 'src'), { recursive: true }) as string[]).filter((f) => statSync(join(root, 'src', f)).mtimeMs > built);
  if (newer.length) console.warn(`warning: src/ has changes newer than dist/ (${newer.slice(0, 3).join(', ')}…): run npm run build`);
}

// ---- main ----
const args = process.argv.slice(2);
const ci = args.includes('--ci');
const all = args.includes('--all');
const keep = args.includes('--keep');
const generalize = args.includes('--generalize');
const onlyTools = args.find((a) => a.startsWith('--tools='))?.slice(8).split(',');
const names = args.filter((a) => !a.startsWith('--'));
const catalogue = generalize ? GENERALIZE : ci ? CI : FULL;
const tools = generalize ? GENERALIZE_TOOLS : TOOLS;
const unknown = [...names.filter((n) => !catalogue.some((s) => s.name === n)), ...(onlyTools ?? []).filter((t) => !tools.some((x) => x.name === t))];
if (unknown.length) {
  console.error(`unknown ${unknown.join(', ')}; scenarios: ${catalogue.map((s) => s.name).join(', ')}; tools: ${tools.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const scenarios = names.length ? catalogue.filter((s) => names.includes(s.name)) : catalogue;

checkDist();
const inputs = prepareData((m) => console.log(m));
const machine = machineInfo();
console.log(Object.entries(machine).map(([k, v]) => `${k}: ${v}`).join('\n'));
const report: { mode: string; startedAt: string; machine: typeof machine; scenarios: (Scenario & { results: Result[] })[] } = {
  mode: generalize ? 'generalize' : ci ? 'ci' : 'full',
  startedAt: new Date().toISOString(),
  machine,
  scenarios: [],
};
let crashed = false;

for (const s of scenarios) {
  const input = inputs[s.input]!;
  // A fresh scratch directory: also clears what a crashed tool left (e.g. mvt-build's .OUT.tmp-* sibling).
  discard(join(tmpDir, s.name));
  await warm(input);
  const results: Result[] = [];
  for (const tool of tools) {
    if (!tool.available) continue; // absent peers are listed under machine info, not in every table
    if (onlyTools && !onlyTools.includes(tool.name)) continue;
    if (s.slow?.includes(tool.name) && !all) {
      results.push({ tool: tool.name, status: 'skipped', note: 'too slow here, run with --all' });
      continue;
    }
    process.stdout.write(`${s.name} z0–${s.maxzoom}: ${tool.name}… `);
    const r = await runTool(tool, s, input);
    console.log(r.status === 'ok' ? `${r.wallS!.toFixed(1)} s` : `${r.status} (${r.note}), log: ${r.log}`);
    if (r.status === 'crashed') {
      // Only our own crash fails the run: a peer running out of memory is a finding, not a failure.
      if (tool.name.startsWith('mvt-build')) crashed = true;
      // The tail of the log, without GDAL's list of every driver it tried.
      console.log(readFileSync(join(root, r.log!), 'utf8').split('\n').filter((l) => !l.startsWith('  -> ')).slice(-15).join('\n'));
    }
    results.push(r);
    if (r.floor) {
      const f = r.floor;
      results.push({
        tool: FLOOR_ROW, status: 'ok', wallS: f.floorWallS, cpuS: f.floorCpuS, tiles: f.tiles,
        note: `CPU: read ${f.readCpuS.toFixed(2)} + parse ${f.parseCpuS.toFixed(2)} + write ${f.writeCpuS.toFixed(2)} s`,
      });
    }
  }
  if (!generalize) crossCheck(results);
  report.scenarios.push({ ...s, results });
  const tableOf = (sc: Scenario, rs: Result[]) => (generalize ? generalizeTable(sc, rs) : table(sc, rs));
  console.log(`\n${tableOf(s, results)}\n`);

  // Written after every scenario, so an interrupted run still leaves what it measured.
  mkdirSync(resultsDir, { recursive: true });
  const base = generalize ? 'generalize' : 'latest';
  writeFileSync(join(resultsDir, `${base}.json`), JSON.stringify(report, null, 2) + '\n');
  const md = [
    `# mvt-build benchmark (${report.mode}, ${report.startedAt})`,
    '',
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`),
    '',
    generalize
      ? 'One run per tool, each a separate process; wall time from the harness, CPU = user + sys, tiles and MB counted from the output *.pbf files (gzipped, as both tools write them by default), features per zoom read back from the tiles (each counted in every tile it is in). The last row is mvt-build over tippecanoe.'
      : 'One run per tool, each a separate process; wall time from the harness, CPU = user + sys, tiles and MB counted from the output *.pbf files (uncompressed). Ratios are this row\'s wall time over the peer\'s.',
    '',
    ...report.scenarios.map((sc) => tableOf(sc, sc.results) + '\n'),
  ].join('\n');
  writeFileSync(join(resultsDir, `${base}.md`), md);
}

// Old tilesets (this run's and any a crashed run left behind) go now that nothing is being timed.
for (const e of readdirSync(resultsDir)) if (e.startsWith('tmp-trash-')) rmSync(join(resultsDir, e), { recursive: true, force: true });
const base = generalize ? 'generalize' : 'latest';
console.log(`results: ${relPath(join(resultsDir, `${base}.md`))}, ${relPath(join(resultsDir, `${base}.json`))}`);
process.exitCode = crashed ? 1 : 0;
