// inspect and validate on our own output: the Finnish sample built in ETRS-TM35FIN and in the default
// WebMercatorQuad validates clean; inspect's coordinates (lon/lat and CRS) land within a tile unit of
// the input's, projected here with proj4 directly; --stats equals counts made here from the files;
// MBTiles reads as the directory does; gzip is detected; broken tiles are found where they are.
// Run from source: node --import tsx --test test/inspect.test.ts
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import proj4 from 'proj4';
import { PRESETS } from '../../src/scheme/tiling-scheme.js';
import { haveGdal } from './gdal-helpers.js';
import { fixture, listTiles, runCli, tempDir } from '../helpers.js';
import { execFileSync } from 'node:child_process';

const EXTENT = 4096;
const dir = tempDir();
const FIN = join(dir, 'fin'), WM = join(dir, 'wm'), WM_MBTILES = join(dir, 'wm.mbtiles'), RAW = join(dir, 'wm-raw');
const build = (out: string, ...args: string[]) => {
  const r = runCli([fixture('finland-sample.geojson'), '-o', out, '-z', '8', '-q', ...args]);
  assert.equal(r.status, 0, r.stderr);
};
build(FIN, '--tiling-scheme', 'ETRS-TM35FIN');
build(WM);
build(WM_MBTILES);
build(RAW, '--no-compress');

const json = (args: string[]) => {
  const r = runCli(args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

interface Feature {
  type: 'Feature';
  id?: number;
  layer: string;
  tile: string;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}

const input = JSON.parse(readFileSync(fixture('finland-sample.geojson'), 'utf8')) as { features: { id: number; geometry: { type: string; coordinates: unknown } }[] };
const byId = new Map(input.features.map((f) => [f.id, f]));

/** All positions of a GeoJSON geometry's coordinates. */
function positions(c: unknown): number[][] {
  if (typeof (c as number[])[0] === 'number') return [c as number[]];
  return (c as unknown[]).flatMap(positions);
}

const EPSG_3067 = '+proj=utm +zone=35 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';

/**
 * Every vertex inspect gives for zoom z lies within one tile unit (in the scheme's CRS) of a vertex
 * of the input feature it came from — vertices strictly inside the tile, that is: where the tile edge
 * cut a line or a ring a new vertex is made. Points are all checked.
 */
function checkCoordinates(tileset: string, z: number, crs: string, dim0: number, origin: [number, number], coords: 'lonlat' | 'crs'): number {
  const fc = json(['inspect', tileset, '--zoom', String(z), '--coords', coords]) as { features: Feature[]; crs?: unknown };
  const toCrs = proj4('EPSG:4326', crs);
  const unit = dim0 / 2 ** z / EXTENT;
  let checked = 0;
  for (const f of fc.features) {
    const source = byId.get(f.id!);
    assert.ok(source && f.geometry, `feature ${f.id} of ${f.tile} comes from the input`);
    const wanted = positions(source.geometry.coordinates).map((p) => toCrs.forward(p));
    const [, tx, ty] = f.tile.split('/').map(Number);
    const d = dim0 / 2 ** z, x0 = origin[0] + tx * d, y1 = origin[1] - ty * d;
    for (const p of positions(f.geometry.coordinates)) {
      const [x, y] = coords === 'lonlat' ? toCrs.forward(p) : p;
      const inside = x > x0 + unit && x < x0 + d - unit && y < y1 - unit && y > y1 - d + unit;
      if (f.geometry.type !== 'Point' && !inside) continue;
      const near = Math.min(...wanted.map(([wx, wy]) => Math.max(Math.abs(wx - x), Math.abs(wy - y))));
      assert.ok(near <= unit, `${f.tile} feature ${f.id} (${f.geometry.type}): vertex ${p} is ${(near / unit).toFixed(2)} tile units from the input's`);
      checked++;
    }
  }
  return checked;
}

test('our output validates clean: ETRS-TM35FIN and WebMercatorQuad directories, MBTiles, uncompressed', () => {
  for (const t of [FIN, WM, WM_MBTILES, RAW]) {
    const r = runCli(['validate', t, '--json']);
    assert.equal(r.status, 0, r.stdout.slice(0, 2000));
    const report = JSON.parse(r.stdout);
    assert.deepEqual([report.valid, report.errors, report.warnings, report.findings], [true, 0, 0, []]);
    assert.ok(report.polygons > 0);
  }
  const fin = json(['validate', FIN, '--json']);
  assert.equal(fin.tiles, listTiles(FIN).length);
  const r = runCli(['validate', FIN]);
  assert.match(r.stdout, /^mvt-build validate: .*fin: valid: 1,207 tiles, 1,207 layers, /);
});

test('inspect --coords lonlat and crs: every vertex within one tile unit of the input (ETRS-TM35FIN and Web Mercator)', () => {
  const fin = PRESETS['ETRS-TM35FIN'], wm = PRESETS.WebMercatorQuad;
  let n = 0;
  for (const z of [3, 8]) {
    n += checkCoordinates(FIN, z, EPSG_3067, fin.tileDimensionZ0, [fin.originX, fin.originY], 'lonlat');
    n += checkCoordinates(FIN, z, EPSG_3067, fin.tileDimensionZ0, [fin.originX, fin.originY], 'crs');
    n += checkCoordinates(WM, z, 'EPSG:3857', wm.tileDimensionZ0, [wm.originX, wm.originY], 'lonlat');
    n += checkCoordinates(WM, z, 'EPSG:3857', wm.tileDimensionZ0, [wm.originX, wm.originY], 'crs');
  }
  assert.ok(n > 400, `${n} vertices checked`);
  // The crs output names its CRS as GDAL's GeoJSON writer does; lon/lat output carries none.
  const tile = listTiles(FIN).find((t) => t.startsWith('5/'))!;
  assert.deepEqual(json(['inspect', FIN, tile, '--coords', 'crs']).crs, { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3067' } });
  assert.equal(json(['inspect', FIN, tile]).crs, undefined);
});

test('inspect --coords tile: the integers of the tile, as @mapbox/vector-tile reads them; a tile path inside a tileset is that tile', () => {
  const tile = listTiles(FIN).find((t) => t.startsWith('6/'))!;
  const [z, x, y] = tile.split('/').map(Number);
  const fc = json(['inspect', FIN, tile, '--coords', 'tile']) as { features: Feature[] };
  const vt = new VectorTile(new PbfReader(gunzipSync(readFileSync(join(FIN, tile + '.pbf')))));
  const layer = vt.layers['finland-sample'];
  assert.equal(fc.features.length, layer.length);
  fc.features.forEach((f, i) => {
    const g = layer.feature(i);
    assert.deepEqual([f.id, f.tile, f.layer, f.properties], [g.id, tile, 'finland-sample', { ...g.properties }]);
    const ours = positions(f.geometry!.coordinates).map((p) => p.join(','));
    const theirs = g.loadGeometry().flat().map((p) => `${p.x},${p.y}`);
    assert.deepEqual(new Set(ours), new Set(theirs));
  });
  // The same tile named by its path, and as a lone copy placed by z/x/y and --tiling-scheme.
  assert.deepEqual(json(['inspect', join(FIN, tile + '.pbf')]), json(['inspect', FIN, tile]));
  const lone = join(dir, 'lone.pbf');
  cpSync(join(FIN, tile + '.pbf'), lone);
  assert.deepEqual(json(['inspect', lone, `${z}/${x}/${y}`, '--tiling-scheme', 'ETRS-TM35FIN', '--coords', 'crs']), json(['inspect', FIN, tile, '--coords', 'crs']));
  const unplaced = json(['inspect', lone]) as { features: Feature[] };
  assert.deepEqual(new Set(unplaced.features.map((f) => f.tile)), new Set([lone]));
  assert.deepEqual(unplaced.features.map((f) => ({ ...f, tile: tile })), fc.features);
  // --layer keeps only the layers named.
  assert.deepEqual(json(['inspect', FIN, tile, '--layer', 'other']).features, []);
});

/** Statistics computed here from the files: per zoom the stored sizes, per layer features and fields. */
function countsOf(root: string) {
  const zooms = new Map<number, { sizes: number[]; tiles: Map<string, number>; features: number; layers: Record<string, { tiles: number; features: number; types: number[]; fields: Record<string, number> }> }>();
  for (const t of listTiles(root)) {
    const z = Number(t.split('/')[0]);
    const stored = readFileSync(join(root, t + '.pbf'));
    let zs = zooms.get(z);
    if (!zs) zooms.set(z, (zs = { sizes: [], tiles: new Map(), features: 0, layers: {} }));
    zs.sizes.push(stored.length);
    zs.tiles.set(t, stored.length);
    const vt = new VectorTile(new PbfReader(stored[0] === 0x1f ? gunzipSync(stored) : stored));
    for (const [name, layer] of Object.entries(vt.layers)) {
      const l = (zs.layers[name] ??= { tiles: 0, features: 0, types: [0, 0, 0, 0], fields: {} });
      l.tiles++;
      l.features += layer.length;
      zs.features += layer.length;
      for (let i = 0; i < layer.length; i++) {
        const f = layer.feature(i);
        l.types[f.type]++;
        for (const k of Object.keys(f.properties)) l.fields[k] = (l.fields[k] ?? 0) + 1;
      }
    }
  }
  return zooms;
}

test('inspect --stats: tiles, bytes (min/median/max, the 10 largest), features by type and fields equal counts made from the files', () => {
  const stats = json(['inspect', FIN, '--stats', '--json']);
  const counts = countsOf(FIN);
  assert.deepEqual(stats.zooms.map((z: { zoom: number }) => z.zoom), [...counts.keys()].sort((a, b) => a - b));
  let total = 0;
  for (const z of stats.zooms) {
    const c = counts.get(z.zoom)!;
    const sizes = [...c.sizes].sort((a, b) => a - b), n = sizes.length;
    total += sizes.reduce((a, b) => a + b, 0);
    assert.equal(z.tiles, n);
    assert.deepEqual(z.bytes, { total: sizes.reduce((a, b) => a + b, 0), min: sizes[0], median: n % 2 ? sizes[(n - 1) / 2] : (sizes[n / 2 - 1] + sizes[n / 2]) / 2, max: sizes[n - 1] });
    assert.equal(z.compressedTiles, n);
    assert.deepEqual(z.largest.map((t: { bytes: number }) => t.bytes), [...sizes].reverse().slice(0, 10));
    for (const t of z.largest) assert.equal(c.tiles.get(t.tile), t.bytes, `${t.tile} is as large as listed`);
    assert.equal(z.features, c.features);
    for (const [name, l] of Object.entries(c.layers)) {
      const s = z.layers[name];
      assert.deepEqual([s.tiles, s.features], [l.tiles, l.features]);
      assert.deepEqual([s.geometryTypes.Unknown, s.geometryTypes.Point, s.geometryTypes.LineString, s.geometryTypes.Polygon], l.types);
      assert.deepEqual(Object.fromEntries(Object.entries(s.fields as Record<string, { features: number }>).map(([k, f]) => [k, f.features])), l.fields);
    }
  }
  assert.deepEqual([stats.tiles, stats.bytes], [listTiles(FIN).length, total]);
  // Types seen per field, from the input: population is a number, capital a boolean, name a string.
  const z8 = stats.zooms.find((z: { zoom: number }) => z.zoom === 8).layers['finland-sample'].fields;
  assert.deepEqual([z8.population.types, z8.capital.types, z8.name.types], [['number'], ['boolean'], ['string']]);
  // --zoom limits them to one zoom; the human form holds the same numbers.
  const z5 = json(['inspect', FIN, '--stats', '--json', '--zoom', '5']);
  assert.deepEqual(z5.zooms, [stats.zooms.find((z: { zoom: number }) => z.zoom === 5)]);
  const text = runCli(['inspect', FIN, '--stats', '--zoom', '5']).stdout;
  const z = z5.zooms[0];
  assert.match(text, new RegExp(`zoom 5: ${z.tiles} tiles, ${z.features} features; bytes min ${z.bytes.min}, median ${z.bytes.median}, max ${z.bytes.max}`));
  assert.match(text, new RegExp(`largest: ${z.largest[0].tile} \\(${z.largest[0].bytes}\\)`));
});

test('MBTiles reads as the directory does; gzip is detected; the summary names the scheme and counts the tiles', () => {
  const dirStats = json(['inspect', WM, '--stats', '--json']), mbStats = json(['inspect', WM_MBTILES, '--stats', '--json']);
  assert.equal(mbStats.format, 'mbtiles');
  assert.deepEqual(mbStats.zooms, dirStats.zooms);
  const tile = listTiles(WM).find((t) => t.startsWith('7/'))!;
  assert.deepEqual(json(['inspect', WM_MBTILES, tile]), json(['inspect', WM, tile]));
  assert.deepEqual(json(['inspect', RAW, '--zoom', '6']), json(['inspect', WM, '--zoom', '6']));
  const raw = json(['inspect', RAW, '--stats', '--json']);
  for (const [i, z] of raw.zooms.entries()) {
    assert.equal(z.compressedTiles, 0);
    assert.equal(z.uncompressedBytes, dirStats.zooms[i].uncompressedBytes);
    assert.equal(z.bytes.total, z.uncompressedBytes);
  }

  const s = json(['inspect', FIN, '--json']);
  const { name: _, ...preset } = PRESETS['ETRS-TM35FIN'];
  assert.deepEqual({ ...s.scheme, name: undefined }, { ...preset, name: undefined, gdal: 'EPSG:3067,-548576,8388608,2097152' });
  assert.equal(s.scheme.name, 'ETRS-TM35FIN');
  assert.equal(s.schemeGiven, true);
  const perZoom: Record<string, number> = {};
  for (const t of listTiles(FIN)) perZoom[t.split('/')[0]] = (perZoom[t.split('/')[0]] ?? 0) + 1;
  assert.deepEqual([s.tiles, s.totalTiles, s.minzoom, s.maxzoom], [perZoom, listTiles(FIN).length, 0, 8]);
  assert.deepEqual(s.layers.map((l: { id: string }) => l.id), ['finland-sample']);
  const m = json(['inspect', WM_MBTILES, '--json']);
  assert.deepEqual([m.format, m.scheme.name, m.schemeGiven, m.totalTiles], ['mbtiles', 'WebMercatorQuad', false, listTiles(WM).length]);
});

test('validate finds broken tiles where they are; metadata problems are warnings', () => {
  const broken = join(dir, 'broken');
  cpSync(FIN, broken, { recursive: true });
  const [a, b] = listTiles(broken).filter((t) => t.startsWith('4/'));
  const fixtures = join(dirname(createRequire(import.meta.url).resolve('@mapbox/mvt-fixtures')), 'fixtures');
  writeFileSync(join(broken, a + '.pbf'), gzipSync(readFileSync(join(fixtures, '042', 'tile.mvt'))));
  writeFileSync(join(broken, b + '.pbf'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
  const r = runCli(['validate', broken, '--json']);
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout);
  assert.deepEqual([report.errors, report.fatal, report.tilesWithErrors], [2, 2, 2]);
  assert.deepEqual(report.findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { tile: string; rule: string }) => [f.tile, f.rule]).sort(), [[a, 'tag-index'], [b, 'tile-decompress']].sort());
  // A layer the metadata does not list (the fixture's "hello"), and no metadata at all.
  assert.deepEqual(Object.keys(report.byRule).sort(), ['layer-not-in-metadata', 'tag-index', 'tile-decompress']);
  rmSync(join(broken, 'metadata.json'));
  const again = JSON.parse(runCli(['validate', broken, '--json', '--zoom', '3']).stdout);
  assert.deepEqual([again.valid, again.byRule], [true, { metadata: { severity: 'warning', fatal: false, findings: 1 } }]);
  assert.match(again.findings[0].message, /no metadata\.json: WebMercatorQuad assumed/);
  // inspect says which tile it cannot read, and prints no document.
  const i = runCli(['inspect', broken, b]);
  assert.equal(i.status, 1);
  assert.equal(i.stdout, '');
  assert.match(i.stderr, new RegExp(`tile ${b} cannot be read`));
});

test('inspect usage errors exit 2, a missing tileset or tile 1', () => {
  const tile = listTiles(FIN)[0];
  for (const args of [[FIN, '1/2'], [FIN, tile, '--zoom', '1'], [FIN, '--coords', 'xyz'], [FIN, tile, '--stats'], [FIN, '--tiling-scheme', 'WebMercatorQuad'], [FIN, '--zoom', '-1']]) {
    const r = runCli(['inspect', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  }
  const lone = join(dir, 'lone2.mvt');
  cpSync(join(FIN, tile + '.pbf'), lone);
  assert.equal(runCli(['inspect', lone, '--coords', 'lonlat']).status, 2);
  assert.equal(runCli(['inspect', join(dir, 'nothing')]).status, 1);
  const missing = runCli(['inspect', FIN, '20/0/0']);
  assert.deepEqual([missing.status, missing.stdout], [1, '']);
  assert.match(missing.stderr, /no tile 20\/0\/0/);
  assert.equal(readdirSync(FIN).includes('metadata.json'), true);
});

test("GDAL's own output: its metadata.json scheme keys read back (ETRS-TM35FIN by name), directory and MBTiles validate clean", { skip: !haveGdal && 'GDAL (ogr2ogr) not installed' }, () => {
  const gdal = join(dir, 'gdal'), mbtiles = join(dir, 'gdal.mbtiles');
  const run = (out: string, ...dsco: string[]) => execFileSync('ogr2ogr', ['-f', 'MVT', out, fixture('finland-sample.geojson'), ...dsco.flatMap((d) => ['-dsco', d])], { stdio: 'pipe' });
  run(gdal, 'TILING_SCHEME=EPSG:3067,-548576,8388608,2097152', 'MAXZOOM=6');
  run(mbtiles, 'MAXZOOM=6');
  const s = json(['inspect', gdal, '--json']);
  assert.deepEqual([s.scheme.name, s.scheme.gdal, s.schemeGiven, s.totalTiles], ['ETRS-TM35FIN', 'EPSG:3067,-548576,8388608,2097152', true, listTiles(gdal).length]);
  for (const t of [gdal, mbtiles]) {
    const r = runCli(['validate', t, '--json']);
    const report = JSON.parse(r.stdout);
    assert.deepEqual([r.status, report.errors], [0, 0], JSON.stringify(report.findings.slice(0, 5)));
    assert.ok(report.tiles > 20 && report.features > 50);
  }
  // GDAL's tiles and ours put the cities within a tile unit (8 m at zoom 6) of each other.
  const cities = (t: string) => (json(['inspect', t, '--zoom', '6', '--coords', 'crs']).features as Feature[])
    .filter((f) => f.geometry?.type === 'Point').map((f) => ({ name: f.properties.name, p: f.geometry!.coordinates as number[] }));
  const ours = cities(FIN), theirs = cities(gdal);
  assert.ok(ours.length >= 5);
  for (const [a, b] of [[ours, theirs], [theirs, ours]]) {
    for (const c of a) assert.ok(b.some((d) => d.name === c.name && Math.abs(d.p[0] - c.p[0]) <= 8 && Math.abs(d.p[1] - c.p[1]) <= 8), `${c.name} at ${c.p}`);
  }
});
