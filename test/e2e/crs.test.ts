// Source CRS: a GeoJSON `crs` member before or after the features, and data far outside a national
// grid (clipped in the source CRS before projection, counted as outside), through the CLI and GDAL.
// Issue 8. A late member with a sink of the caller's own: test/unit/crs.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import proj4 from 'proj4';
import { fixture, listTiles, runCli, tempDir } from '../helpers.js';
import { gdalFeatures, gdalSchema, points, polygonArea, skip } from './gdal-helpers.js';

const SWEREF = 'EPSG:3006,-1200000,8500000,4194304';

/** Tiles' bytes, hashed in path order: two builds with the same hash wrote the same tileset. */
function tilesHash(dir: string): string {
  const h = createHash('sha256');
  for (const t of listTiles(dir)) h.update(t).update(readFileSync(join(dir, t + '.pbf')));
  return h.digest('hex');
}

/** 5,000 WGS84 points over Sweden (more than two batches of 2,000), ids 0…4999. */
function swedishPoints(dir: string): string {
  const features = Array.from({ length: 5000 }, (_, i) => ({
    type: 'Feature', id: i, properties: { n: i },
    geometry: { type: 'Point', coordinates: [12 + (i % 100) * 0.08, 56 + Math.floor(i / 100) * 0.2] },
  }));
  const path = join(dir, 'wgs84.geojson');
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features }));
  return path;
}

interface Collection { crs?: unknown; features: { id: number; geometry: { coordinates: number[] } }[] }

test('a crs member before the features (ogr2ogr -t_srs EPSG:3006, 5,000 features) is used from the first batch', { skip }, () => {
  const dir = tempDir();
  const src = join(dir, 'sweref.geojson');
  execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:3006', src, swedishPoints(dir)]);
  const doc = JSON.parse(readFileSync(src, 'utf8')) as Collection;
  assert.deepEqual(doc.crs, { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3006' } });
  assert.ok(readFileSync(src, 'utf8').indexOf('"crs"') < readFileSync(src, 'utf8').indexOf('"features"'), 'GDAL writes crs first');

  const out = join(dir, 'tiles');
  const r = runCli([src, '-o', out, '--tiling-scheme', SWEREF, '-z', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /5000\/5000 features/);
  assert.doesNotMatch(r.stderr, /outside/);

  // GDAL reads every point back in EPSG:3006 within one tile unit of the file's coordinates.
  const unit = 4194304 / 4 / 4096;
  assert.equal(gdalSchema(join(out, '2')).srs, '3006');
  const back = new Map(gdalFeatures(join(out, '2')).map((f) => [f.properties.mvt_id, points(f.geometry!.coordinates)]));
  assert.equal(back.size, 5000);
  for (const f of doc.features) {
    const [[x, y]] = back.get(f.id)!;
    const [ex, ey] = f.geometry.coordinates;
    assert.ok(Math.abs(x - ex) <= unit && Math.abs(y - ey) <= unit, `feature ${f.id}: read back (${x}, ${y}), file has (${ex}, ${ey})`);
  }

  // The member says what --s-srs would: the same tiles.
  const given = join(dir, 'given');
  assert.equal(runCli([src, '-o', given, '--tiling-scheme', SWEREF, '-z', '2', '--s-srs', 'EPSG:3006', '-q']).status, 0);
  assert.equal(tilesHash(out), tilesHash(given));
});

test('a crs member after the features: the file is read again with its CRS, the tiles are those of --s-srs', () => {
  const dir = tempDir();
  const wgs = JSON.parse(readFileSync(swedishPoints(dir), 'utf8')) as Collection;
  // The same points in SWEREF 99 TM, projected here, with the member written last (legal JSON).
  const toSweref = proj4('EPSG:4326', '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs');
  for (const f of wgs.features) f.geometry.coordinates = toSweref.forward(f.geometry.coordinates);
  const src = join(dir, 'crs-last.geojson');
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: wgs.features, crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3006' } } }));

  const out = join(dir, 'tiles');
  const r = runCli([src, '-o', out, '--tiling-scheme', SWEREF, '-z', '2', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual([s.features, s.featuresWritten, s.outside, s.invalid], [5000, 5000, 0, 0], 'counted once, not once per read');

  const given = join(dir, 'given');
  assert.equal(runCli([src, '-o', given, '--tiling-scheme', SWEREF, '-z', '2', '--s-srs', 'EPSG:3006', '-q']).status, 0);
  assert.equal(tilesHash(out), tilesHash(given));
  // …and where they should be: the first point (12°E 56°N) is in the zoom-2 tile of its SWEREF coordinates.
  const [x, y] = wgs.features[0].geometry.coordinates;
  const d = 4194304 / 4;
  assert.ok(listTiles(out).includes(`2/${Math.floor((x + 1200000) / d)}/${Math.floor((8500000 - y) / d)}`));
});

test('--s-srs overrides the crs member; a crs member that names no CRS stops the build unless --s-srs is given', () => {
  const dir = tempDir();
  const feature = { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [15, 60] } };
  const plain = join(dir, 'plain.geojson');
  writeFileSync(plain, JSON.stringify({ type: 'FeatureCollection', features: [feature] }));
  const wrong = join(dir, 'wrong.geojson');
  writeFileSync(wrong, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:3006' } }, features: [feature] }));
  const a = join(dir, 'a'), b = join(dir, 'b');
  assert.equal(runCli([plain, '-o', a, '-l', 'p', '--tiling-scheme', SWEREF, '-q']).status, 0);
  assert.equal(runCli([wrong, '-o', b, '-l', 'p', '--tiling-scheme', SWEREF, '--s-srs', 'EPSG:4326', '-q']).status, 0);
  assert.equal(tilesHash(a), tilesHash(b));

  const link = join(dir, 'link.geojson');
  writeFileSync(link, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'link', properties: { href: 'data.crs', type: 'proj4' } }, features: [feature] }));
  const r = runCli([link, '-o', join(dir, 'c'), '--tiling-scheme', SWEREF]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /link\.geojson: its "crs" member \{"type":"link".* names no CRS that can be used: give the coordinates' CRS with --s-srs/);
  assert.equal(runCli([link, '-o', join(dir, 'c'), '--tiling-scheme', SWEREF, '--s-srs', 'EPSG:4326', '-q']).status, 0);

  // The 2008 spec's older form names an EPSG code directly.
  const old = join(dir, 'old.geojson');
  writeFileSync(old, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'EPSG', properties: { code: 3006 } }, features: [{ ...feature, geometry: { type: 'Point', coordinates: [674032, 6580821] } }] }));
  const o = runCli([old, '-o', join(dir, 'd'), '--tiling-scheme', SWEREF, '--json']);
  assert.equal(o.status, 0, o.stderr);
  assert.equal(JSON.parse(o.stdout).featuresWritten, 1);
});

test('far-away data into ETRS-TM35FIN: counted as outside (not invalid, no abort), what reaches the grid is clipped and written', () => {
  for (const extra of [[], ['--skip-invalid']]) {
    const out = join(tempDir(), 'tiles');
    const r = runCli([fixture('world-far.geojson'), '-o', out, '--tiling-scheme', 'ETRS-TM35FIN', '-z', '3', '--json', ...extra]);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    // Borneo, Brazil, the Sulu Sea point ([118.42, 7.17], which proj4 cannot project) and Antarctica
    // lie wholly outside; Europe, Finland, Helsinki, the Helsinki–Tokyo line and Oulu (of Oulu and
    // Sydney) are written.
    assert.deepEqual([s.features, s.featuresWritten, s.outside, s.invalid, s.noGeometry], [9, 5, 4, 0, 0]);
  }
});

test('far-away data into ETRS-TM35FIN: GDAL reads the Finnish tiles in EPSG:3067, clipped parts reach the tile edge', { skip }, () => {
  const out = join(tempDir(), 'tiles');
  assert.equal(runCli([fixture('world-far.geojson'), '-o', out, '--tiling-scheme', 'ETRS-TM35FIN', '-z', '3', '-q']).status, 0);
  assert.equal(gdalSchema(join(out, '3')).srs, '3067');
  const tm35fin = proj4('EPSG:4326', '+proj=utm +zone=35 +ellps=GRS80 +units=m +no_defs');
  const unit = 2097152 / 8 / 4096;
  // Helsinki at zoom 3, and Oulu without Sydney.
  const byName = (z: number) => new Map(gdalFeatures(join(out, String(z))).map((f) => [f.properties.name, f.geometry!]));
  const z3 = byName(3);
  for (const [name, lonLat] of [['Helsinki', [24.9384, 60.1699]], ['Oulu and Sydney', [25.4651, 65.0121]]] as const) {
    const [x, y] = tm35fin.forward([...lonLat]);
    const got = points(z3.get(name)!.coordinates);
    assert.equal(got.length, 1, name);
    assert.ok(Math.abs(got[0][0] - x) <= unit && Math.abs(got[0][1] - y) <= unit, `${name}: ${got[0]} vs ${x},${y}`);
  }
  // Finland keeps its hole; its area (zoom 0, the whole polygon in one tile) is that of the input.
  const z0 = byName(0);
  assert.deepEqual([...z0.keys()].sort(), ['Europe', 'Finland', 'Helsinki', 'Helsinki-Tokyo', 'Oulu and Sydney']);
  const finland = z0.get('Finland')!;
  assert.equal((finland.coordinates as number[][][][])[0].length, 2, 'exterior and hole');
  // Europe, clipped before projection to the area EPSG:3067 can take, still fills the zoom-0 tile's
  // western and southern edges as GDAL clips it (nothing inside the grid was lost with the far part).
  const europe = points(z0.get('Europe')!.coordinates);
  assert.ok(europe.some((p) => p[0] === -548576) && europe.some((p) => p[1] === 6291456), JSON.stringify(europe));
  assert.ok(polygonArea(z0.get('Europe')!) > 1.5e12, 'most of the zoom-0 tile south of 66°N');
  // The line to Tokyo leaves through the zoom-0 tile's eastern edge.
  assert.ok(points(z0.get('Helsinki-Tokyo')!.coordinates).some((p) => p[0] === 1548576));
});
