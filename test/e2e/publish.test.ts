// `mvt-build publish` end to end on a GeoPackage in SWEREF 99 TM (made with ogr2ogr, three source
// layers feeding two targets, every field type): attribute lookup by id against GDAL's reading of the
// source, GeomArea/GeomPerimeter/GeomLength against GDAL's ST_Area/ST_Perimeter/ST_Length, the extent
// clip, where filters, brotli siblings and their stats, the layer map, and the locks with real
// processes: waiting, two groups at once, kill -9 and Ctrl-C mid-run, --keep, no name left.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { lockFile } from '../../dist/writers/output-lock.js';
import { haveGdal, skip } from './gdal-helpers.js';
import { CLI, ROOT, tempDir } from '../helpers.js';
import { EXTENT, fixtureConfig, makeFixture } from './publish-fixture.js';

const DEADLINE_MS = 180_000;

interface Run {
  child: ReturnType<typeof spawn>;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stderr matches (or rejects if the process exits first). */
  saw(re: RegExp): Promise<void>;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, 'publish', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of waiters.splice(0)) (w.re.test(err) ? w.resolve : () => waiters.push(w))();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    saw: (re) =>
      new Promise((resolve, reject) => {
        if (re.test(err)) return resolve();
        waiters.push({ re, resolve });
        exit.then(() => (re.test(err) ? resolve() : reject(new Error(`exited without printing ${re}: ${err}`))));
      }),
  };
}

/** Waits for a run to end (killing it past a generous deadline, so that a hung run fails the test instead of hanging it). */
async function finished(run: Run): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`publish did not end; stderr: ${run.stderr()}`));
    }, DEADLINE_MS);
  });
  try {
    return await Promise.race([run.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

const publishSync = (args: string[]) => spawnSync(process.execPath, [CLI, 'publish', ...args], { cwd: ROOT, encoding: 'utf8' });
const hexDirs = (d: string) => (existsSync(d) ? readdirSync(d).filter((n) => /^[0-9a-f]{2}$/.test(n)).sort() : []);

/** Every file under a directory with its SHA-1: what "untouched" is checked against. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha1').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Rows GDAL reads from the fixture with an SQL query, as GeoJSON features. */
function gdalRows(gpkg: string, sql: string): { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[] {
  const r = spawnSync('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', gpkg, '-sql', sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).features;
}

interface Fixture {
  dir: string;
  gpkg: string;
  config: string;
}

let shared: Fixture | undefined;
function fixture(): Fixture {
  if (shared) return shared;
  const dir = tempDir('mvt-publish-');
  const gpkg = makeFixture(dir);
  const config = join(dir, 'config.yml');
  writeFileSync(config, fixtureConfig(gpkg));
  return (shared = { dir, gpkg, config });
}

/** The scheme of the fixture config: EPSG:3006,-1200000,8500000,4194304. */
const ORIGIN = [-1200000, 8500000], DIM0 = 4194304;

test('publish end to end: ids → attribute files give each source row exactly, computed measures equal GDAL\'s, extent clip, where, brotli', { skip }, () => {
  const { dir, gpkg, config } = fixture();
  const web = join(dir, 'web-e2e');
  const destdir = join(web, 'tiles', 'nordic');
  mkdirSync(join(web, 'tiles'), { recursive: true });
  const r = publishSync([config, '--destdir', destdir, '--webroot', web, '--compress', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  const [xx] = hexDirs(destdir);
  assert.match(xx, /^[0-9a-f]{2}$/);
  const tileset = join(destdir, xx);

  // The layer map, and its brotli sibling.
  const mapFile = join(web, 'tiles', 'metadata.json');
  assert.deepEqual(JSON.parse(readFileSync(mapFile, 'utf8')), { layermap: { nordic: `/tiles/nordic/${xx}` } });
  assert.equal(brotliDecompressSync(readFileSync(mapFile + '.br')).toString(), readFileSync(mapFile, 'utf8'));
  assert.deepEqual(readdirSync(join(web, 'tiles')).sort(), ['metadata.json', 'metadata.json.br', 'nordic'], 'no lock or temporary left');
  assert.deepEqual(readdirSync(destdir), [xx]);

  // What should be published, by GDAL: the where conditions, and GEOS's verdict on meeting the extent.
  const [x0, y0, x1, y1] = EXTENT;
  const box = `ST_GeomFromText('POLYGON((${x0} ${y0},${x1} ${y0},${x1} ${y1},${x0} ${y1},${x0} ${y0}))', 3006)`;
  const cols = 'code, name, depth, fish, big, surveyed, updated, opens, protected, small, note';
  const expected = {
    water: [
      ...gdalRows(gpkg, `SELECT ${cols}, ST_Area(geom) AS a, ST_Perimeter(geom) AS p, geom FROM lakes WHERE name <> 'Drained' AND ST_Intersects(geom, ${box})`),
      ...gdalRows(gpkg, `SELECT ${cols}, ST_Length(geom) AS l, geom FROM rivers WHERE ST_Intersects(geom, ${box})`),
    ],
    poi: gdalRows(gpkg, `SELECT ${cols}, kind, geom FROM wells WHERE kind = 'public' AND ST_Intersects(geom, ${box})`),
  };
  assert.ok(expected.water.length > 40 && expected.poi.length > 20, 'a fixture worth testing');
  const everything = gdalRows(gpkg, `SELECT code FROM lakes UNION ALL SELECT code FROM rivers UNION ALL SELECT code FROM wells`).length;
  assert.ok(everything - expected.water.length - expected.poi.length > 30, 'where and extent leave rows out');

  // Every feature of the deepest zoom, looked up as a page would.
  const z = 6;
  const seen = new Map<string, Set<string>>([['water', new Set()], ['poi', new Set()]]);
  const ids = new Set<number>();
  const files = new Map<string, Record<string, unknown>[]>();
  let vertices = 0;
  for (const x of readdirSync(join(tileset, String(z)))) {
    for (const f of readdirSync(join(tileset, String(z), x)).filter((n) => n.endsWith('.pbf'))) {
      const y = Number(f.replace('.pbf', ''));
      const tile = new VectorTile(new PbfReader(readFileSync(join(tileset, String(z), x, f))));
      for (const [name, layer] of Object.entries(tile.layers)) {
        for (let i = 0; i < layer.length; i++) {
          const feature = layer.feature(i);
          assert.deepEqual({ ...feature.properties }, {}, 'tiles carry ids only');
          const id = feature.id!;
          // The lookup a web page makes.
          const file = `attr/${(id >>> 16).toString(16).padStart(4, '0')}.json`;
          if (!files.has(file)) files.set(file, JSON.parse(readFileSync(join(tileset, file), 'utf8')));
          const record = files.get(file)![id & 0xffff];
          assert.ok(record, `no attributes for id ${id}`);
          seen.get(name)!.add(record.code as string);
          ids.add(id);
          // Cut to the extent: every vertex within it, give or take a tile unit (16 m at z6) and rounding.
          const unit = DIM0 / 2 ** z / layer.extent;
          for (const ring of feature.loadGeometry()) {
            for (const p of ring) {
              const X = ORIGIN[0] + (Number(x) * layer.extent + p.x) * unit, Y = ORIGIN[1] - (y * layer.extent + p.y) * unit;
              vertices++;
              assert.ok(X >= x0 - unit && X <= x1 + unit && Y >= y0 - unit && Y <= y1 + unit, `vertex ${X},${Y} of ${record.code} outside the extent`);
            }
          }
        }
      }
    }
  }
  assert.ok(vertices > 500, `${vertices} vertices`);
  for (const [target, rows] of Object.entries(expected)) {
    assert.deepEqual([...seen.get(target)!].sort(), rows.map((f) => f.properties.code as string).sort(), `${target}: the published rows`);
  }

  // Each record is the source row as GDAL reads it (every field type), plus the measures and the whole geometry.
  const records = new Map<string, Record<string, unknown>>();
  for (const [file, list] of files) {
    assert.match(file, /^attr\/[0-9a-f]{4}\.json$/);
    for (const rec of list) records.set(rec.code as string, rec);
  }
  let measured = 0;
  for (const row of [...expected.water, ...expected.poi]) {
    const { a, p, l, ...props } = row.properties as Record<string, unknown> & { a?: number; p?: number; l?: number };
    const rec = records.get(props.code as string)!;
    const { GeomArea, GeomPerimeter, GeomLength, geom, ...rest } = rec as Record<string, unknown> & { GeomArea?: number; GeomPerimeter?: number; GeomLength?: number; geom: { type: string; coordinates: unknown } };
    assert.deepEqual(rest, props, `attributes of ${props.code}`);
    if (a !== undefined) {
      assert.ok(Math.abs(GeomArea! - a) <= 0.01, `${props.code}: GeomArea ${GeomArea} vs ST_Area ${a}`);
      assert.ok(Math.abs(GeomPerimeter! - p!) <= 0.01, `${props.code}: GeomPerimeter ${GeomPerimeter} vs ST_Perimeter ${p}`);
      assert.match(`${GeomArea} ${GeomPerimeter}`, /^\d+(\.\d{1,2})? \d+(\.\d{1,2})?$/, 'rounded to 0.01');
      measured++;
    } else if (l !== undefined) {
      assert.ok(Math.abs(GeomLength! - l) <= 0.01, `${props.code}: GeomLength ${GeomLength} vs ST_Length ${l}`);
      assert.match(String(GeomLength), /^\d+(\.\d{1,2})?$/, 'rounded to 0.01');
      measured++;
    } else assert.equal(GeomArea ?? GeomLength, undefined, 'points are not measured');
    // The whole, unclipped geometry, to the centimetre.
    assert.equal(geom.type, row.geometry.type);
    const flat = (c: unknown): number[] => (typeof (c as unknown[])[0] === 'number' ? (c as number[]) : (c as unknown[]).flatMap(flat));
    const ours = flat(geom.coordinates), theirs = flat(row.geometry.coordinates);
    assert.equal(ours.length, theirs.length);
    ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) <= 0.005 + 1e-9, `${props.code}: coordinate ${v} vs ${theirs[i]}`));
  }
  assert.equal(measured, expected.water.length);
  assert.equal(ids.size, expected.water.length + expected.poi.length, 'ids unique across the layers');

  // Counts: nothing lost silently.
  const counts = summary.trees[0].layers as { source: string; total: number; read: number; published: number; outsideExtent: number }[];
  assert.deepEqual(counts.map((c) => [c.source, c.published]), [['lakes', expected.water.filter((f) => /^L/.test(f.properties.code as string)).length], ['rivers', expected.water.filter((f) => /^R/.test(f.properties.code as string)).length], ['wells', expected.poi.length]]);
  for (const c of counts) assert.equal(c.total - (c.total - c.read) - c.outsideExtent, c.published);
  assert.equal(summary.features, ids.size);

  // Brotli siblings decompress to the originals; the stats are of the files on disk.
  let tiles = 0, tileBytes = 0, brBytes = 0, attrFiles = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (!e.name.endsWith('.br')) {
        assert.deepEqual(brotliDecompressSync(readFileSync(path + '.br')), readFileSync(path), path);
        if (e.name.endsWith('.pbf')) {
          tiles++;
          tileBytes += statSync(path).size;
          brBytes += statSync(path + '.br').size;
        } else if (d.endsWith('attr')) attrFiles++;
      }
    }
  };
  walk(tileset);
  assert.equal(summary.stats.tiles.count, tiles);
  assert.equal(summary.stats.tiles.sum, tileBytes);
  assert.equal(summary.stats.tilesCompressed.sum, brBytes);
  assert.equal(summary.stats.attributes.count, attrFiles);
  assert.equal(summary.attributes.files, attrFiles);

  // GDAL reads the published tiles: both layers, SWEREF 99 TM.
  const info = spawnSync('ogrinfo', ['-ro', '-so', '-al', join(tileset, String(z))], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /Layer name: poi/);
  assert.match(info.stdout, /Layer name: water/);
  assert.match(info.stdout, /SWEREF99 TM/);
});

test('publish: the per-target zooms (rivers from zoom 2) and the summary lines', { skip }, () => {
  const { dir, config } = fixture();
  const destdir = join(dir, 'zooms', 'water');
  mkdirSync(join(dir, 'zooms'));
  const r = publishSync([config, 'water', '--destdir', destdir]);
  assert.equal(r.status, 0, r.stderr);
  const tileset = join(destdir, hexDirs(destdir)[0]);
  const layersAt = (z: number) => {
    const names = new Set<string>();
    for (const x of readdirSync(join(tileset, String(z)))) for (const f of readdirSync(join(tileset, String(z), x))) for (const n of Object.keys(new VectorTile(new PbfReader(readFileSync(join(tileset, String(z), x, f)))).layers)) names.add(n);
    return [...names];
  };
  assert.deepEqual(layersAt(1), ['water']);
  const meta = JSON.parse(JSON.parse(readFileSync(join(tileset, 'metadata.json'), 'utf8')).json);
  assert.deepEqual(meta.vector_layers.map((l: { id: string }) => l.id), ['water'], 'group water: no poi');
  assert.match(r.stderr, /lakes → water: 28 of 40 rows published \(12 left out by where\/extent\)/);
  assert.match(r.stderr, /rivers → water: \d+ of 30 rows published/);
  assert.match(r.stderr, /published water in .* \(\d+ features, \d+ tiles\); .*metadata\.json: "water": "\//);
  assert.match(r.stderr, /tiles: \d+ \[min=.*, max=.*, sum=.*, mean=.*\]/);
  assert.doesNotMatch(r.stderr, /after compression/);
  assert.ok(!readdirSync(tileset).some((n) => n.endsWith('.br')), 'no .br without --compress');
});

test('publish: waits for --lockfile and the destination lock (held by a live process), then lands', { skip }, async () => {
  const { dir, config } = fixture();
  const base = join(dir, 'wait');
  mkdirSync(base);
  const destdir = join(base, 'water');
  const lockPath = join(base, 'tiling.lock');
  const dest = await lockFile(join(base, '.water.lock'), 'this test');
  const heavy = await lockFile(lockPath, 'this test');
  const run = start([config, 'water', '--destdir', destdir, '--lockfile', lockPath]);
  try {
    await run.saw(/waiting for the destination .*wait\/water \(held by pid \d+\)/);
    await dest.release();
    await run.saw(/waiting for the lock .*tiling\.lock \(held by pid \d+\)/);
    assert.deepEqual(hexDirs(destdir), [], 'nothing built while it waits');
  } finally {
    await dest.release();
    await heavy.release();
  }
  assert.deepEqual(await finished(run), { code: 0, signal: null }, run.stderr());
  assert.equal(hexDirs(destdir).length, 1);
  assert.ok(!existsSync(lockPath), 'released');
});

test('publish: two runs of different groups at once (shared --lockfile and layer map) both land', { skip }, async () => {
  const { dir, config } = fixture();
  const tiles = join(dir, 'both', 'tiles');
  mkdirSync(tiles, { recursive: true });
  const lock = join(dir, 'both', 'heavy.lock');
  const runs = [start([config, 'water', '--destdir', join(tiles, 'water'), '--lockfile', lock, '--compress']), start([config, 'poi', '--destdir', join(tiles, 'poi'), '--lockfile', lock, '--compress'])];
  for (const run of runs) assert.deepEqual(await finished(run), { code: 0, signal: null }, run.stderr());
  const map = JSON.parse(readFileSync(join(tiles, 'metadata.json'), 'utf8'));
  assert.deepEqual(Object.keys(map.layermap).sort(), ['poi', 'water']);
  for (const name of ['water', 'poi']) assert.equal(map.layermap[name], `${join(tiles, name)}/${hexDirs(join(tiles, name))[0]}`);
  assert.equal(brotliDecompressSync(readFileSync(join(tiles, 'metadata.json.br'))).toString(), readFileSync(join(tiles, 'metadata.json'), 'utf8'));
  assert.deepEqual(readdirSync(tiles).sort(), ['metadata.json', 'metadata.json.br', 'poi', 'water']);
});

test('publish: other keys of the layer map are kept; a map that is not JSON is never replaced', { skip }, () => {
  const { dir, config } = fixture();
  const tiles = join(dir, 'keys', 'tiles');
  mkdirSync(tiles, { recursive: true });
  const mapFile = join(tiles, 'metadata.json');
  writeFileSync(mapFile, JSON.stringify({ title: 'Karta', layermap: { roads: '/tiles/roads/0a' }, extra: [1, 2] }));
  assert.equal(publishSync([config, 'poi', '--destdir', join(tiles, 'poi'), '--webroot', join(dir, 'keys'), '-q']).status, 0);
  const xx = hexDirs(join(tiles, 'poi'))[0];
  assert.deepEqual(JSON.parse(readFileSync(mapFile, 'utf8')), { title: 'Karta', layermap: { roads: '/tiles/roads/0a', poi: `/tiles/poi/${xx}` }, extra: [1, 2] });
  writeFileSync(mapFile, '{"layermap": {"roads": "/tiles/roads/0a"');
  const r = publishSync([config, 'poi', '--destdir', join(tiles, 'poi'), '-q']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /metadata\.json: the layer map is not valid JSON .*fix or remove it/);
  assert.equal(readFileSync(mapFile, 'utf8'), '{"layermap": {"roads": "/tiles/roads/0a"', 'left as it was');
});

test('publish: kill -9 while it waits for the layer map leaves the live tileset and the map untouched; the next run recovers the locks', { skip }, async () => {
  const { dir, config } = fixture();
  const tiles = join(dir, 'kill-map', 'tiles');
  mkdirSync(tiles, { recursive: true });
  const destdir = join(tiles, 'water');
  const mapFile = join(tiles, 'metadata.json');
  assert.equal(publishSync([config, 'water', '--destdir', destdir, '-q']).status, 0);
  const [live] = hexDirs(destdir);
  const before = { map: readFileSync(mapFile, 'utf8'), live: snapshot(join(destdir, live)) };
  const mapLock = await lockFile(join(tiles, '.metadata.json.lock'), 'this test');
  const run = start([config, 'water', '--destdir', destdir]);
  try {
    await run.saw(/waiting for the layer map/);
    run.child.kill('SIGKILL');
    assert.equal((await finished(run)).signal, 'SIGKILL');
  } finally {
    await mapLock.release();
  }
  assert.equal(readFileSync(mapFile, 'utf8'), before.map, 'the layer map is untouched');
  assert.deepEqual(snapshot(join(destdir, live)), before.live, 'the live tileset is untouched');
  assert.ok(existsSync(join(tiles, '.water.lock')), 'the dead run left its destination lock');
  const again = publishSync([config, 'water', '--destdir', destdir]);
  assert.equal(again.status, 0, again.stderr);
  const now = JSON.parse(readFileSync(mapFile, 'utf8')).layermap.water as string;
  assert.ok(!now.endsWith(`/${live}`), 'the map moved on');
  assert.ok(existsSync(now), now);
  assert.ok(!existsSync(join(tiles, '.water.lock')));
});

test('publish: kill -9 mid-tiling and Ctrl-C mid-tiling leave the live tileset and the map as they were', { skip }, async () => {
  const { dir } = fixture();
  const base = join(dir, 'kill-tiling');
  mkdirSync(base);
  // Enough wells that the run is still tiling when its first attribute file appears.
  const gpkg = makeFixture(base, { wells: 120000, name: 'many.gpkg' });
  const config = join(base, 'config.yml');
  writeFileSync(config, fixtureConfig(gpkg));
  const tiles = join(base, 'tiles');
  mkdirSync(tiles);
  const destdir = join(tiles, 'poi');
  const mapFile = join(tiles, 'metadata.json');
  assert.equal(publishSync([config, 'poi', '--destdir', destdir, '-q']).status, 0);
  const [live] = hexDirs(destdir);
  const before = { map: readFileSync(mapFile, 'utf8'), live: snapshot(join(destdir, live)) };
  const staging = () => readdirSync(destdir).filter((n) => n.startsWith('.publish.tmp-'));
  /** Resolves once the run has written an attribute file in its own hidden directory (it is mid-build then). */
  const midBuild = async (run: Run, old: string[]) => {
    for (;;) {
      const s = staging().find((n) => !old.includes(n));
      if (s && existsSync(join(destdir, s, 'attr', '0000.json'))) return;
      if (run.child.exitCode !== null) throw new Error(`ended before: ${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  for (const signal of ['SIGKILL', 'SIGINT'] as const) {
    const old = staging();
    const run = start([config, 'poi', '--destdir', destdir, '--compress']);
    await midBuild(run, old);
    run.child.kill(signal);
    const end = await finished(run);
    if (signal === 'SIGKILL') {
      assert.equal(end.signal, 'SIGKILL');
      assert.equal(staging().length, 1, 'the killed run left its hidden directory');
    } else {
      assert.equal(end.code, 130, run.stderr());
      assert.match(run.stderr(), /interrupted \(SIGINT\); stopped: the live tileset and the layer map are as they were/);
      // The killed run's directory was removed by this one as it started, its own on the way out.
      assert.deepEqual(staging(), []);
    }
    assert.deepEqual(hexDirs(destdir), [live], `${signal}: no new tileset`);
    assert.equal(readFileSync(mapFile, 'utf8'), before.map, `${signal}: the layer map is untouched`);
    assert.deepEqual(snapshot(join(destdir, live)), before.live, `${signal}: the live tileset is untouched`);
  }
  assert.deepEqual(readdirSync(tiles).sort(), ['metadata.json', 'poi'], 'no lock left behind');
});

test('publish: --keep N removes all but the N most recent, the map pointing at the newest; all 256 names taken is a clear error', { skip }, () => {
  const { dir, config } = fixture();
  const tiles = join(dir, 'keep', 'tiles');
  mkdirSync(tiles, { recursive: true });
  const destdir = join(tiles, 'poi');
  const made: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = publishSync([config, 'poi', '--destdir', destdir, '--keep', '2', '--json', '-q']);
    assert.equal(r.status, 0, r.stderr);
    made.push(JSON.parse(r.stdout).directory.slice(-2));
    if (i === 2) assert.deepEqual(JSON.parse(r.stdout).removed, [made[0]]);
  }
  assert.deepEqual(hexDirs(destdir), made.slice(1).sort());
  assert.equal(JSON.parse(readFileSync(join(tiles, 'metadata.json'), 'utf8')).layermap.poi, `${destdir}/${made[2]}`);

  const full = join(dir, 'keep', 'full');
  for (let i = 0; i < 256; i++) mkdirSync(join(full, i.toString(16).padStart(2, '0')), { recursive: true });
  const r = publishSync([config, 'poi', '--destdir', full]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /all 256 tileset directories 00–ff exist: remove old ones \(or publish with --keep N\)/);
  assert.equal(readdirSync(full).length, 256);
  assert.equal(publishSync([config, 'poi', '--destdir', full, '--keep', '0']).status, 2);
});

test('publish: problems against the dataset are all reported at once (exit 2); a geographic layer asked for areas is an error (exit 1)', { skip }, () => {
  const { dir, gpkg } = fixture();
  const base = join(dir, 'problems');
  mkdirSync(base);
  const bad = join(base, 'bad.yml');
  writeFileSync(bad, `dataset: {path: ${gpkg}}
layers:
  lakes:
    where: nosuchcolumn = 1
    publish: water
  rivers:
    publish:
      water: {where: "length >"}
  ponds:
    publish: water
tile-attributes: [name, colour]
`);
  const r = publishSync([bad, '--destdir', join(base, 'out')]);
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0], /bad\.yml: 4 problems:$/);
  assert.match(lines[1], /bad\.yml:4: layers\.lakes\.where: layer "lakes": bad where clause "nosuchcolumn = 1": no such column: nosuchcolumn/);
  assert.match(lines[2], /bad\.yml:8: layers\.rivers\.publish\.water\.where: layer "rivers": bad where clause/);
  assert.match(lines[3], /bad\.yml:9: layers\.ponds: no layer "ponds"; the layers are: "lakes", "rivers", "wells"/);
  assert.match(lines[4], /bad\.yml:11: tile-attributes\[1\]: no selected layer has a column "colour"/);
  assert.ok(!existsSync(join(base, 'out')) || hexDirs(join(base, 'out')).length === 0);

  // A column named like a computed value, and a layer in lon/lat asked for areas.
  const geo = join(base, 'geo.geojson');
  writeFileSync(geo, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { GEOMAREA: 1, name: 'x' }, geometry: { type: 'Polygon', coordinates: [[[15, 60], [16, 60], [16, 61], [15, 60]]] } }] }));
  const geoGpkg = join(base, 'geo.gpkg');
  spawnSync('ogr2ogr', ['-f', 'GPKG', geoGpkg, geo, '-nln', 'areas']);
  writeFileSync(join(base, 'geo.yml'), `dataset: {path: ${geoGpkg}}\nlayers:\n  areas: {publish: a}\n`);
  const reserved = publishSync([join(base, 'geo.yml'), '--destdir', join(base, 'geo-out')]);
  assert.equal(reserved.status, 2);
  assert.match(reserved.stderr, /layers\.areas: layer "areas": the column "GEOMAREA" must be renamed: the attribute files give "GeomArea" to a computed value/);
  spawnSync('ogr2ogr', ['-f', 'GPKG', '-overwrite', geoGpkg, geo, '-nln', 'areas', '-sql', 'SELECT name FROM geo']);
  const geographic = publishSync([join(base, 'geo.yml'), '--destdir', join(base, 'geo-out')]);
  assert.equal(geographic.status, 1, geographic.stderr);
  assert.match(geographic.stderr, /geo\.gpkg: layer "areas" is in a geographic CRS \(EPSG:4326\): GeomArea, GeomPerimeter and GeomLength need a projected CRS/);
  assert.deepEqual(hexDirs(join(base, 'geo-out')), [], 'nothing published');
  assert.deepEqual(readdirSync(join(base, 'geo-out')), [], 'no temporaries left');
});

test('publish: tile-attributes keeps the columns named in the tiles too', { skip }, () => {
  const { dir, gpkg } = fixture();
  const base = join(dir, 'tile-attrs');
  mkdirSync(base);
  writeFileSync(join(base, 'c.yml'), fixtureConfig(gpkg, 'tile-attributes: [name, GeomArea]\n'));
  const r = publishSync([join(base, 'c.yml'), 'water', '--destdir', join(base, 'w'), '-q']);
  assert.equal(r.status, 0, r.stderr);
  const tileset = join(base, 'w', hexDirs(join(base, 'w'))[0]);
  const tile = new VectorTile(new PbfReader(readFileSync(join(tileset, '0', '0', '0.pbf'))));
  const water = tile.layers.water;
  const props = Array.from({ length: water.length }, (_, i) => ({ ...water.feature(i).properties }));
  assert.ok(props.every((p) => typeof p.name === 'string' && Object.keys(p).every((k) => k === 'name' || k === 'GeomArea')));
  assert.ok(props.some((p) => typeof p.GeomArea === 'number'), 'lakes have their area');
});

test("the configs of the README and docs/publish.md publish the fixture as they are written", { skip }, () => {
  const { dir, gpkg } = fixture();
  const base = join(dir, 'docs');
  mkdirSync(join(base, 'www', 'tiles'), { recursive: true });
  const blocks = (file: string) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const readme = blocks('README.md').find((b) => b.includes('# webmap.yml'))!;
  const complete = blocks('docs/publish.md')[0];
  for (const [name, text] of [['readme', readme], ['complete', complete]]) {
    const config = join(base, `${name}.yml`);
    writeFileSync(config, text.replace(/path: [^\s,}]*nordic\.gpkg/, `path: ${gpkg}`));
    // The README's first command, into this test's web root.
    const r = publishSync([config, '--destdir', join(base, 'www', 'tiles', name), '--webroot', join(base, 'www'), '--compress', '--keep', '3', '--json']);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const summary = JSON.parse(r.stdout);
    assert.ok(summary.features > 50, `${name}: ${summary.features} features`);
    assert.equal(JSON.parse(readFileSync(join(base, 'www', 'tiles', 'metadata.json'), 'utf8')).layermap[name], summary.mapPath);
  }
});

test('publish from GeoJSON (no GDAL needed): ids, attributes, lengths; a property named like a computed one is refused', () => {
  const dir = tempDir('mvt-publish-geojson-');
  const features = [
    { type: 'Feature', properties: { name: 'a', tags: ['x', 'y'], n: null }, geometry: { type: 'LineString', coordinates: [[500000, 6500000], [503000, 6504000]] } },
    { type: 'Feature', properties: { name: 'b' }, geometry: { type: 'Point', coordinates: [510000, 6510000] } },
    { type: 'Feature', properties: { name: 'c' }, geometry: null },
  ];
  const write = (props: object[]) => writeFileSync(join(dir, 'roads.geojson'), JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:3006' } }, features: features.map((f, i) => ({ ...f, properties: { ...f.properties, ...props[i] } })) }));
  write([{}, {}, {}]);
  writeFileSync(join(dir, 'c.yml'), 'dataset: {path: roads.geojson}\nSRS: EPSG:3006\nvector-tiles: {max-zoom: 2, tiling-scheme: "EPSG:3006,-1200000,8500000,4194304"}\nlayers:\n  roads: {publish: roads}\n');
  const r = publishSync([join(dir, 'c.yml'), '--destdir', join(dir, 'roads'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(s.trees[0].layers.map((c: { read: number; published: number; noGeometry: number }) => [c.read, c.published, c.noGeometry]), [[3, 2, 1]]);
  const attrs = JSON.parse(readFileSync(join(s.directory, 'attr', '0000.json'), 'utf8'));
  assert.deepEqual(attrs, [
    { name: 'a', tags: ['x', 'y'], n: null, GeomLength: 5000, geom: { type: 'LineString', coordinates: [[500000, 6500000], [503000, 6504000]] } },
    { name: 'b', geom: { type: 'Point', coordinates: [510000, 6510000] } },
  ]);
  const tile = new VectorTile(new PbfReader(readFileSync(join(s.directory, '0', '0', '0.pbf'))));
  assert.deepEqual([tile.layers.roads.feature(0).id, tile.layers.roads.feature(1).id].sort(), [0, 1]);
  write([{}, { GeomLength: 3 }, {}]);
  const bad = publishSync([join(dir, 'c.yml'), '--destdir', join(dir, 'roads')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /roads\.geojson: layer "roads", feature #1: the property "GeomLength" must be renamed: the attribute files give "GeomLength" to a computed value/);
  assert.equal(hexDirs(join(dir, 'roads')).length, 1, 'the failed run left nothing');
});

test('publish: usage errors exit 2 (no config, no --destdir, a missing config file, a bad --keep)', () => {
  const dir = tempDir('mvt-publish-usage-');
  assert.equal(publishSync([]).status, 2);
  const noDest = publishSync([join(dir, 'c.yml')]);
  assert.equal(noDest.status, 2);
  assert.match(noDest.stderr, /required option '--destdir <dir>' not specified/);
  const missing = publishSync([join(dir, 'c.yml'), '--destdir', join(dir, 'out')]);
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr, `mvt-build publish: ${join(dir, 'c.yml')}: 1 problem:\n  ${join(dir, 'c.yml')}: no such file\n`);
  assert.equal(publishSync([join(dir, 'c.yml'), '--destdir', join(dir, 'out'), '--keep', 'two']).status, 2);
  assert.ok(!existsSync(join(dir, 'out')), 'nothing made');
});

if (!haveGdal) test('publish end to end needs GDAL (ogr2ogr makes the fixture)', { skip: 'GDAL not installed' }, () => undefined);
