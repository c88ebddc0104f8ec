// Peer for the benchmark: geojson-vt + vt-pbf writing the same {z}/{x}/{y}.pbf directory as mvt-build.
//   node --import tsx bench/peers/geojson-vt.ts INPUT OUTDIR MAXZOOM
// Prints one JSON line {tiles, bytes, features} on stdout. run.ts measures time and memory from outside
// and counts the files itself; the counts here are only a cross-check.
//
// Options: indexMaxZoom = maxZoom with indexMaxPoints = 0 makes geojson-vt pre-split every tile down to
// maxZoom while building the index (its defaults stop at z5 and drill down lazily on getTile). That is
// the fair "make every tile" mode to compare with a tileset builder: all the work happens, once, and
// the walk below only reads tiles back. tolerance/buffer/extent match mvt-build's
// --simplification 3 --buffer 64 --extent 4096.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, join } from 'node:path';
import type { Feature, FeatureCollection } from 'geojson';
import GeoJSONVT, { type LegacyTile } from 'geojson-vt';

// vt-pbf is CommonJS without types: type the one function used.
const { fromGeojsonVt } = createRequire(import.meta.url)('vt-pbf') as {
  fromGeojsonVt(layers: Record<string, LegacyTile>, options?: { version?: number; extent?: number }): Uint8Array;
};

const [input, out, maxArg] = process.argv.slice(2);
if (!input || !out || maxArg === undefined) {
  process.stderr.write('usage: geojson-vt.ts INPUT OUTDIR MAXZOOM\n');
  process.exit(2);
}
const maxZoom = Number(maxArg);
const extent = 4096;
const ext = extname(input);
const layer = basename(input, ext); // mvt-build's default layer name, so tiles are byte-comparable

// Load like a typical geojson-vt user: the whole file, JSON.parse. GeoJSONSeq is one feature per line.
const text = readFileSync(input, 'utf8');
const data: FeatureCollection =
  ext === '.geojsons' || ext === '.ndjson'
    ? { type: 'FeatureCollection', features: text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Feature) }
    : (JSON.parse(text) as FeatureCollection);

const index = new GeoJSONVT(data, { maxZoom, indexMaxZoom: maxZoom, indexMaxPoints: 0, tolerance: 3, buffer: 64, extent });

// Walk the pyramid from 0/0/0, visiting children only of tiles that have features. geojson-vt returns
// null for tiles it never made and an empty tile for empty children of a split parent; neither is
// written (mvt-build and GDAL do not write empty tiles either).
let tiles = 0;
let bytes = 0;
const madeDirs = new Set<string>();
const stack: [number, number, number][] = [[0, 0, 0]];
while (stack.length) {
  const [z, x, y] = stack.pop()!;
  const tile = index.getTile(z, x, y);
  if (!tile || tile.features.length === 0) continue;
  const pbf = fromGeojsonVt({ [layer]: tile }, { version: 2, extent });
  const dir = join(out, String(z), String(x));
  if (!madeDirs.has(dir)) mkdirSync(dir, { recursive: true }), madeDirs.add(dir);
  writeFileSync(join(dir, `${y}.pbf`), pbf); // uncompressed, like --no-compress
  tiles++;
  bytes += pbf.length;
  if (z < maxZoom) stack.push([z + 1, 2 * x, 2 * y], [z + 1, 2 * x + 1, 2 * y], [z + 1, 2 * x, 2 * y + 1], [z + 1, 2 * x + 1, 2 * y + 1]);
}
process.stdout.write(JSON.stringify({ tiles, bytes, features: data.features.length }) + '\n');
