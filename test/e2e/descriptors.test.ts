// The descriptors beside every tileset — tilejson.json, tilematrixset.json, tileset.json — and the
// tiling schemes read from OGC Tile Matrix Set JSON: values, round trips, limits equal to the tiles
// on disk, MBTiles rows, and GDAL still reading everything.
// Run from source: npm run build && node --import tsx --test test/descriptors.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildTileset, crsAxisOrder, crsFacts, describeTileset, formatTilingScheme, MbtilesSink, parseTileMatrixSet,
  parseTilingScheme, PRESETS, readTilingScheme, resolveCrs, tileBounds, tileMatrixSetJson, UsageError,
  type OgcTilesetJson, type TileJson, type TileMatrixSetJson, type TilingScheme,
} from '../../dist/index.js';
import { LayerSchema } from '../../dist/internals.js';
import { gdalFeatures, gdalSchema, skip } from './gdal-helpers.js';
import { fixture, listTiles, runCli, tempDir } from '../helpers.js';

const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const close = (a: number, b: number, tol = 1e-9 * Math.max(1, Math.abs(b))) => Math.abs(a - b) <= tol;

/** The zoom ranges of the tiles in a directory: { z: [minX, maxX, minY, maxY] }. */
function rangesOnDisk(dir: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of listTiles(dir)) {
    const [z, x, y] = t.split('/').map(Number);
    const r = (out[z] ??= [x, x, y, y]);
    r[0] = Math.min(r[0], x); r[1] = Math.max(r[1], x); r[2] = Math.min(r[2], y); r[3] = Math.max(r[3], y);
  }
  return out;
}

// --- tilematrixset.json: the values the registry has -------------------------------------------------

test('WebMercatorQuad as a tile matrix set: the registry\'s cell sizes and scale denominators', () => {
  const tms = tileMatrixSetJson(PRESETS.WebMercatorQuad, { maxzoom: 2 });
  assert.equal(tms.id, 'WebMercatorQuad');
  assert.equal(tms.uri, 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
  assert.equal(tms.crs, 'http://www.opengis.net/def/crs/EPSG/0/3857');
  assert.deepEqual(tms.orderedAxes, ['E', 'N']);
  const [z0, z1, z2] = tms.tileMatrices;
  assert.equal(z0.cellSize.toFixed(4), '156543.0339');
  assert.equal(z0.scaleDenominator.toFixed(4), '559082264.0287');
  assert.ok(close(z0.cellSize, 156543.033928041) && close(z0.scaleDenominator, 559082264.028717, 1e-3), 'the registry\'s figures');
  assert.ok(close(z1.cellSize, 78271.5169640204) && close(z2.scaleDenominator, 139770566.007179, 1e-3));
  assert.deepEqual(z0.pointOfOrigin, [-20037508.342789244, 20037508.342789244]);
  assert.deepEqual([z0.id, z0.tileWidth, z0.tileHeight, z0.matrixWidth, z0.matrixHeight, z0.cornerOfOrigin], ['0', 256, 256, 1, 1, 'topLeft']);
  assert.deepEqual([z2.id, z2.matrixWidth, z2.matrixHeight], ['2', 4, 4]);
});

test('WorldCRS84Quad: cell size 0.703125 at zoom 0, 2 × 1, EPSG:4326\'s latitude-first axes', () => {
  const tms = tileMatrixSetJson(PRESETS.WorldCRS84Quad, { maxzoom: 1 });
  assert.equal(tms.crs, 'http://www.opengis.net/def/crs/EPSG/0/4326');
  assert.deepEqual(tms.orderedAxes, ['Lat', 'Lon']);
  const [z0, z1] = tms.tileMatrices;
  assert.equal(z0.cellSize, 0.703125);
  assert.deepEqual(z0.pointOfOrigin, [90, -180], 'latitude, longitude');
  assert.ok(close(z0.scaleDenominator, 279541132.014358, 1e-3), `${z0.scaleDenominator}`);
  assert.deepEqual([z0.matrixWidth, z0.matrixHeight, z1.matrixWidth, z1.matrixHeight, z1.cellSize], [2, 1, 4, 2, 0.3515625]);
});

test('national grids: ETRS-TM35FIN easting first, SWEREF 99 TM and LAEA Europe northing first, as EPSG defines them', () => {
  const fin = tileMatrixSetJson(PRESETS['ETRS-TM35FIN'], { maxzoom: 9 });
  assert.equal(fin.crs, 'http://www.opengis.net/def/crs/EPSG/0/3067');
  assert.deepEqual(fin.orderedAxes, ['E', 'N']);
  assert.deepEqual(fin.tileMatrices[0].pointOfOrigin, [-548576, 8388608]);
  assert.equal(fin.tileMatrices[0].cellSize, 8192);
  assert.equal(fin.tileMatrices[9].cellSize, 16, '1 m tile units at zoom 9 (4096 per tile) are 16 m per 256-px cell');
  assert.equal(fin.description, "GDAL's TILING_SCHEME=EPSG:3067,-548576,8388608,2097152");
  const swe = tileMatrixSetJson(parseTilingScheme('EPSG:3006,-1200000,8500000,4194304'), { maxzoom: 0 });
  assert.equal(swe.id, 'EPSG3006Quad');
  assert.deepEqual(swe.orderedAxes, ['N', 'E']);
  assert.deepEqual(swe.tileMatrices[0].pointOfOrigin, [8500000, -1200000]);
  const laea = tileMatrixSetJson(PRESETS.EuropeanETRS89_LAEAQuad, { maxzoom: 0 });
  assert.deepEqual([laea.orderedAxes, laea.tileMatrices[0].pointOfOrigin, laea.tileMatrices[0].cellSize], [['N', 'E'], [5500000, 2000000], 17578.125]);
});

test('axis order of CRSs: EPSG\'s, read from the EPSG index\'s WKT', () => {
  const cases: [string, string][] = [
    ['EPSG:3857', 'en'], ['EPSG:4326', 'ne'], ['EPSG:4258', 'ne'], ['CRS84', 'en'], ['EPSG:3067', 'en'], ['EPSG:5048', 'ne'],
    ['EPSG:3006', 'ne'], ['EPSG:3035', 'ne'], ['EPSG:2193', 'ne'], ['EPSG:3879', 'ne'], ['EPSG:31467', 'ne'], ['EPSG:2180', 'ne'],
    ['EPSG:27700', 'en'], ['EPSG:25832', 'en'], ['EPSG:2056', 'en'], ['EPSG:32631', 'en'], ['EPSG:5041', 'en'], ['EPSG:3413', 'en'],
    ['EPSG:3031', 'en'], ['+proj=utm +zone=35 +ellps=GRS80 +units=m', 'en'], ['+proj=utm +zone=35 +ellps=GRS80 +axis=neu', 'ne'],
  ];
  for (const [crs, order] of cases) assert.equal(crsAxisOrder(resolveCrs(crs)), order, crs);
});

// --- reading OGC tile matrix sets ---------------------------------------------------------------------

/** A registry-style 2.0 set of the first `n` matrices of a quad tree. */
function quadSet(o: { id?: string; crs: string; axes?: string[]; cell0: number; origin: [number, number]; w0?: number; h0?: number; n?: number; first?: number }) {
  return {
    id: o.id,
    crs: o.crs,
    orderedAxes: o.axes,
    tileMatrices: Array.from({ length: o.n ?? 3 }, (_, i) => ({
      id: String((o.first ?? 0) + i),
      scaleDenominator: (o.cell0 / 2 ** i) / 0.00028,
      cellSize: o.cell0 / 2 ** i,
      pointOfOrigin: o.origin,
      tileWidth: 256,
      tileHeight: 256,
      matrixWidth: (o.w0 ?? 1) * 2 ** i,
      matrixHeight: (o.h0 ?? 1) * 2 ** i,
    })),
  };
}

test('the registry\'s sets (rounded to 15 digits, CRS84 for WorldCRS84Quad) read as our presets', () => {
  const wmq = quadSet({ id: 'WebMercatorQuad', crs: 'http://www.opengis.net/def/crs/EPSG/0/3857', axes: ['X', 'Y'], cell0: 156543.033928041, origin: [-20037508.3427892, 20037508.3427892] });
  assert.deepEqual(parseTileMatrixSet(wmq), PRESETS.WebMercatorQuad);
  const crs84 = quadSet({ id: 'WorldCRS84Quad', crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84', axes: ['Lon', 'Lat'], cell0: 0.703125, origin: [-180, 90], w0: 2 });
  assert.deepEqual(parseTileMatrixSet(crs84), PRESETS.WorldCRS84Quad);
  const laea = quadSet({ id: 'EuropeanETRS89_LAEAQuad', crs: 'http://www.opengis.net/def/crs/EPSG/0/3035', axes: ['Y', 'X'], cell0: 17578.125, origin: [5500000, 2000000] });
  assert.deepEqual(parseTileMatrixSet(laea), PRESETS.EuropeanETRS89_LAEAQuad);
  // the UPS sets' cell sizes have 10 digits: halving is checked within a millionth
  const ups = quadSet({ crs: 'http://www.opengis.net/def/crs/EPSG/0/5041', axes: ['E', 'N'], cell0: 128443.4324, origin: [-14440759.350252, 18440759.350252] });
  ups.tileMatrices[1].cellSize = 64221.71621;
  assert.deepEqual(parseTileMatrixSet(ups), PRESETS.UPSArcticWGS84Quad);
});

test('the 1.0 shape (LINZ\'s NZTM2000Quad: topLeftCorner northing first, scale denominators only) reads as NZTM2000Quad', () => {
  const linz = {
    type: 'TileMatrixSetType',
    identifier: 'NZTM2000Quad',
    supportedCRS: 'https://www.opengis.net/def/crs/EPSG/0/2193',
    tileMatrix: [139770566.007179, 69885283.0035895, 34942641.50179475].map((scaleDenominator, i) => ({
      type: 'TileMatrixType', identifier: String(i), scaleDenominator, topLeftCorner: [10438190.1652, -3260586.7284],
      tileWidth: 256, tileHeight: 256, matrixWidth: 2 ** i, matrixHeight: 2 ** i,
    })),
  };
  // without facts about EPSG:2193 (its unit, its axis order) it cannot be read
  assert.throws(() => parseTileMatrixSet(linz), /no cellSize, and the unit of EPSG:2193 is not known/);
  assert.deepEqual(parseTileMatrixSet(linz, { crsFacts }), PRESETS.NZTM2000Quad);
  assert.equal(PRESETS.NZTM2000Quad.tileDimensionZ0, 10018754.171394622, "WebMercatorQuad's zoom-2 tile");
});

test('any quad-tree set reads: its own id kept, a bottomLeft origin turned to the top-left one, unordered matrices sorted', () => {
  const s = parseTileMatrixSet(quadSet({ id: 'HelsinkiGrid', crs: 'urn:ogc:def:crs:EPSG::3879', cell0: 256, origin: [6700000, 25490000] }), { crsFacts });
  assert.deepEqual(s, { name: 'HelsinkiGrid', crs: 'EPSG:3879', originX: 25490000, originY: 6700000, tileDimensionZ0: 65536, matrixWidthZ0: 1, matrixHeightZ0: 1 });
  const bl = quadSet({ crs: 'http://www.opengis.net/def/crs/EPSG/0/3067', axes: ['E', 'N'], cell0: 8192, origin: [-548576, 6291456] });
  for (const m of bl.tileMatrices) Object.assign(m, { cornerOfOrigin: 'bottomLeft' });
  bl.tileMatrices.reverse();
  assert.deepEqual(parseTileMatrixSet(bl), PRESETS['ETRS-TM35FIN']);
});

test('sets that are not quad trees are refused, saying why', () => {
  const base = () => quadSet({ id: 'G', crs: 'http://www.opengis.net/def/crs/EPSG/0/3067', axes: ['E', 'N'], cell0: 8192, origin: [-548576, 8388608] });
  const refuse = (doc: unknown, re: RegExp) => assert.throws(() => parseTileMatrixSet(doc, { crsFacts }), (e: Error) => e instanceof UsageError && re.test(e.message), String(re));
  const utm = quadSet({ id: 'UTM31WGS84Quad', crs: 'http://www.opengis.net/def/crs/EPSG/0/32631', axes: ['E', 'N'], cell0: 78140.3572602559, origin: [-9501965.72931276, 20003931.4586255], h0: 2, first: 1 });
  refuse(utm, /numbered from "1" \(1 × 2 tiles there\), not 0/);
  const variable = base();
  Object.assign(variable.tileMatrices[1], { variableMatrixWidths: [{ coalesce: 2, minTileRow: 0, maxTileRow: 0 }] });
  refuse(variable, /tile matrix "1" has variable matrix widths/);
  const lcc = base();
  lcc.tileMatrices[1].cellSize = 5000;
  refuse(lcc, /tile matrix "1": tiles of 1280000 CRS units where halving gives 1048576/);
  const wide = base();
  wide.tileMatrices[2].matrixWidth = 3;
  refuse(wide, /tile matrix "2": 3 × 4 tiles where doubling gives 4 × 4/);
  const moved = base();
  moved.tileMatrices[2].pointOfOrigin = [0, 8388608];
  refuse(moved, /tile matrix "2": its top-left corner \(0, 8388608\) is not that of the first matrix/);
  const oblong = base();
  oblong.tileMatrices[0].tileHeight = 512;
  refuse(oblong, /256 × 512 pixels; mvt-build's tiles are square/);
  refuse({ ...base(), crs: { wkt: { type: 'ProjectedCRS' } } }, /crs must be a URI/);
  refuse({ ...base(), orderedAxes: ['h', 'v'] }, /orderedAxes \["h","v"\]: expected an easting and a northing axis/);
  refuse({ id: 'empty', crs: 'EPSG:3067', tileMatrices: [] }, /no tileMatrices/);
  assert.throws(() => readTilingScheme('{"id": '), /tile matrix set: invalid JSON/);
});

test('round trip: every preset and GDAL string, written as tilematrixset.json and read back, is the same scheme', () => {
  const schemes: TilingScheme[] = [
    ...Object.values(PRESETS),
    parseTilingScheme('EPSG:3006,-1200000,8500000,4194304'),
    parseTilingScheme('EPSG:4326,-180,90,90,4,2'),
    parseTilingScheme('EPSG:2056,2420000,1350000,409600,2,1'),
    parseTilingScheme('+proj=utm +zone=35 +ellps=GRS80 +units=m +no_defs,-548576,8388608,2097152'),
  ];
  for (const s of schemes) {
    const text = JSON.stringify(tileMatrixSetJson(s, { maxzoom: 4 }));
    assert.deepEqual(readTilingScheme(text, { crsFacts }), s, formatTilingScheme(s));
  }
});

// --- built tilesets ---------------------------------------------------------------------------------

const finOut = (() => {
  const dir = tempDir();
  const out = join(dir, 'fin');
  const r = runCli([fixture('finland-sample.geojson'), '-o', out, '--tiling-scheme', 'ETRS-TM35FIN', '-Z', '1', '-z', '6', '--attribution', '© MML', '--json']);
  assert.equal(r.status, 0, r.stderr);
  return { dir, out, summary: JSON.parse(r.stdout) as { tileRanges: Record<string, { minX: number; maxX: number; minY: number; maxY: number }>; bounds: number[] } };
})();

test('a directory tileset has tilejson.json: TileJSON 3.0.0, relative tile URLs, vector_layers, martin\'s tileGrid', () => {
  const { out } = finOut;
  const tj = read<TileJson>(join(out, 'tilejson.json'));
  const meta = read<Record<string, string>>(join(out, 'metadata.json'));
  assert.equal(tj.tilejson, '3.0.0');
  assert.deepEqual(tj.tiles, ['{z}/{x}/{y}.pbf']);
  assert.deepEqual([tj.name, tj.description, tj.attribution, tj.scheme, tj.minzoom, tj.maxzoom], ['fin', '', '© MML', 'xyz', 1, 6]);
  assert.deepEqual(tj.bounds.map((v) => v.toFixed(7)).join(','), meta.bounds);
  assert.deepEqual(`${tj.center[0].toFixed(7)},${tj.center[1].toFixed(7)},${tj.center[2]}`, meta.center);
  assert.deepEqual(tj.vector_layers, JSON.parse(meta.json).vector_layers);
  assert.deepEqual(tj.tileGrid, { id: 'ETRS-TM35FIN', crs: 'EPSG:3067', origin: [-548576, 8388608], extentAtZoom0: 2097152 });
});

test('tilematrixset.json describes the scheme from zoom 0 to maxzoom, and --tiling-scheme reads it back to the same tiles', () => {
  const { dir, out } = finOut;
  const tms = read<TileMatrixSetJson>(join(out, 'tilematrixset.json'));
  assert.deepEqual(tms.tileMatrices.map((m) => m.id), ['0', '1', '2', '3', '4', '5', '6']);
  assert.deepEqual(readTilingScheme(JSON.stringify(tms), { crsFacts }), PRESETS['ETRS-TM35FIN']);
  const again = join(dir, 'again');
  const r = runCli([fixture('finland-sample.geojson'), '-o', again, '--tiling-scheme', join(out, 'tilematrixset.json'), '-Z', '1', '-z', '6', '--attribution', '© MML', '--name', 'fin', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(listTiles(again), listTiles(out));
  for (const f of ['tilematrixset.json', 'tileset.json']) assert.equal(readFileSync(join(again, f), 'utf8'), readFileSync(join(out, f), 'utf8'), f);
});

test('tileset.json: what OpenLayers\' OGCVectorTile reads, its limits the tiles on disk', () => {
  const { out, summary } = finOut;
  const ts = read<OgcTilesetJson>(join(out, 'tileset.json'));
  assert.equal(ts.dataType, 'vector');
  assert.equal(ts.crs, 'http://www.opengis.net/def/crs/EPSG/0/3067');
  assert.equal(ts.attribution, '© MML');
  const item = ts.links.find((l) => l.rel === 'item' && l.type === 'application/vnd.mapbox-vector-tile');
  assert.ok(item, 'an item link of the MVT media type');
  assert.equal(item.href, '{tileMatrix}/{tileCol}/{tileRow}.pbf');
  assert.equal(ts.links.find((l) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme')?.href, 'tilematrixset.json');
  // tileMatrixSetLimits are the rectangles around the tiles written, zoom by zoom (and the summary's)
  const disk = rangesOnDisk(out);
  assert.deepEqual(Object.fromEntries(ts.tileMatrixSetLimits!.map((l) => [l.tileMatrix, [l.minTileCol, l.maxTileCol, l.minTileRow, l.maxTileRow]])), disk);
  assert.deepEqual(Object.fromEntries(Object.entries(summary.tileRanges).map(([z, r]) => [z, [r.minX, r.maxX, r.minY, r.maxY]])), disk);
  // the embedded set has the matrices of those zooms only (OpenLayers fails on a gap below minzoom)
  assert.deepEqual(ts.tileMatrixSet.tileMatrices.map((m) => m.id), ['1', '2', '3', '4', '5', '6']);
  // What OpenLayers does with it (ogcTileUtil.js parseTileMatrixSet): origin by orderedAxes, tile
  // side cellSize × tileWidth, URL from the template. Every tile on disk is where it says.
  const en = ts.tileMatrixSet.orderedAxes[0] === 'E';
  const scheme = PRESETS['ETRS-TM35FIN'];
  for (const t of listTiles(out)) {
    const [z, x, y] = t.split('/').map(Number);
    const m = ts.tileMatrixSet.tileMatrices.find((mm) => mm.id === String(z))!;
    const [ox, oy] = en ? m.pointOfOrigin : [m.pointOfOrigin[1], m.pointOfOrigin[0]];
    const side = m.cellSize * m.tileWidth;
    assert.deepEqual([ox + x * side, oy - (y + 1) * side, ox + (x + 1) * side, oy - y * side], tileBounds(scheme, z, x, y), t);
    assert.equal(item.href.replace('{tileMatrix}', String(z)).replace('{tileCol}', String(x)).replace('{tileRow}', String(y)), `${t}.pbf`);
  }
  assert.deepEqual(ts.layers.map((l) => [l.id, l.dataType, l.minTileMatrix, l.maxTileMatrix]), [['finland-sample', 'vector', '1', '6']]);
  assert.deepEqual(ts.layers[0].propertiesSchema.properties.population, { type: 'integer' });
  assert.deepEqual(ts.layers[0].propertiesSchema.properties.area_km2, { type: 'number' });
  assert.deepEqual(ts.boundingBox.lowerLeft.concat(ts.boundingBox.upperRight).map((v) => v.toFixed(7)).join(','), read<Record<string, string>>(join(out, 'metadata.json')).bounds);
});

test('metadata.json carries the CRS definition for a custom scheme (not for Web Mercator)', () => {
  const meta = read<Record<string, unknown>>(join(finOut.out, 'metadata.json'));
  const epsg = createRequire(import.meta.url)('epsg-index/s/3067.json') as { proj4: string; wkt: string };
  assert.equal(meta.crs, 'EPSG:3067');
  assert.equal(meta.crs_proj4, epsg.proj4);
  assert.equal(meta.crs_wkt, epsg.wkt);
  const merc = join(tempDir(), 'merc');
  assert.equal(runCli([fixture('all-types.geojson'), '-o', merc, '-z', '1', '-q']).status, 0);
  const m = read<Record<string, unknown>>(join(merc, 'metadata.json'));
  assert.deepEqual([m.crs, m.crs_proj4, m.crs_wkt], [undefined, undefined, undefined]);
  const tj = read<TileJson>(join(merc, 'tilejson.json'));
  assert.equal(tj.tileGrid, undefined, 'no tileGrid for WebMercatorQuad');
  assert.equal(read<OgcTilesetJson>(join(merc, 'tileset.json')).tileMatrixSetURI, 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
});

test('--base-url makes every descriptor URL absolute; a bad one is a usage error', () => {
  const out = join(tempDir(), 'tiles');
  const r = runCli([fixture('all-types.geojson'), '-o', out, '-z', '1', '--base-url', 'https://maps.example.com/data/tiles/', '--tile-extension', 'mvt', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(read<TileJson>(join(out, 'tilejson.json')).tiles, ['https://maps.example.com/data/tiles/{z}/{x}/{y}.mvt']);
  const links = read<OgcTilesetJson>(join(out, 'tileset.json')).links.map((l) => l.href);
  assert.deepEqual(links, [
    'https://maps.example.com/data/tiles/{tileMatrix}/{tileCol}/{tileRow}.mvt',
    'https://maps.example.com/data/tiles/tilematrixset.json',
    'https://maps.example.com/data/tiles/tilejson.json',
  ]);
  for (const bad of ['tiles/', 'ftp://example.com/t', 'https://example.com/t?key=1']) {
    const b = runCli([fixture('all-types.geojson'), '-o', join(tempDir(), 'x'), '--base-url', bad]);
    assert.equal(b.status, 2, bad);
    assert.match(b.stderr, /base URL must/);
  }
});

test('--tiling-scheme FILE.json: a missing file and a set that does not fit are usage errors', () => {
  const dir = tempDir();
  const missing = runCli([fixture('all-types.geojson'), '-o', join(dir, 'a'), '--tiling-scheme', join(dir, 'nope.json')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--tiling-scheme: cannot read ".*nope\.json": no such file/);
  const utm = join(dir, 'utm.json');
  writeFileSync(utm, JSON.stringify(quadSet({ id: 'UTM31WGS84Quad', crs: 'http://www.opengis.net/def/crs/EPSG/0/32631', axes: ['E', 'N'], cell0: 78140.3572602559, origin: [-9501965.72931276, 20003931.4586255], h0: 2, first: 1 })));
  const r = runCli([fixture('all-types.geojson'), '-o', join(dir, 'b'), '--tiling-scheme', utm]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /tile matrix set "UTM31WGS84Quad": its matrices are numbered from "1"/);
});

test('MBTiles: the descriptors are metadata rows, limits equal to the tiles stored, attribution its own row', async () => {
  const file = join(tempDir(), 'x.mbtiles');
  const features = [[24.94, 60.17], [-73.99, 40.73], [151.2, -33.87]].map(([lon, lat], i) => ({ type: 'Feature', id: i, properties: { n: i }, geometry: { type: 'Point', coordinates: [lon, lat] } }));
  const summary = await buildTileset({ inputs: [{ name: 'p', features }], output: new MbtilesSink(file), maxzoom: 3, threads: 1, attribution: '© test', baseUrl: 'http://localhost:8080/x' });
  const Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string, o: object) => { prepare(s: string): { all(): Record<string, unknown>[] }; close(): void };
  const db = new Database(file, { readonly: true });
  const rows = Object.fromEntries(db.prepare('SELECT name, value FROM metadata').all().map((r) => [r.name, r.value as string]));
  const tiles = db.prepare('SELECT zoom_level AS z, min(tile_column) AS x0, max(tile_column) AS x1, min(tile_row) AS r0, max(tile_row) AS r1 FROM tiles GROUP BY zoom_level').all();
  db.close();
  assert.equal(rows.attribution, '© test');
  const tj = JSON.parse(rows.tilejson) as TileJson;
  assert.deepEqual(tj.tiles, ['http://localhost:8080/x/{z}/{x}/{y}.pbf']);
  assert.equal(tj.attribution, '© test');
  assert.equal((JSON.parse(rows.tilematrixset) as TileMatrixSetJson).id, 'WebMercatorQuad');
  const ts = JSON.parse(rows.tileset) as OgcTilesetJson;
  // MBTiles rows count from the south: y = 2^z - 1 - row
  assert.deepEqual(
    ts.tileMatrixSetLimits!.map((l) => [Number(l.tileMatrix), l.minTileCol, l.maxTileCol, l.minTileRow, l.maxTileRow]),
    tiles.map((t) => { const n = 2 ** (t.z as number) - 1; return [t.z, t.x0, t.x1, n - (t.r1 as number), n - (t.r0 as number)]; }),
  );
  assert.equal(Object.keys(summary.tileRanges).length, 4);
});

test('describeTileset without tile ranges: no limits, the matrices minzoom..maxzoom', () => {
  const layer = new LayerSchema('l', '', 2, 4);
  const d = describeTileset({ name: 'n', description: 'd', minzoom: 2, maxzoom: 4, bounds: [20, 60, 30, 70], scheme: PRESETS['ETRS-TM35FIN'], layers: [layer] });
  assert.equal(d.tileset.tileMatrixSetLimits, undefined);
  assert.deepEqual(d.tileset.tileMatrixSet.tileMatrices.map((m) => m.id), ['2', '3', '4']);
  assert.deepEqual(d.tileMatrixSet.tileMatrices.map((m) => m.id), ['0', '1', '2', '3', '4']);
  assert.deepEqual(d.tileJson.center, [25, 65, 2]);
});

// --- GDAL still reads it all ------------------------------------------------------------------------

test('GDAL reads the tilesets with the descriptors and the extra metadata keys', { skip }, async () => {
  const { out } = finOut;
  for (const z of [1, 6]) assert.equal(gdalSchema(join(out, String(z))).srs, '3067', `zoom ${z}`);
  assert.ok(gdalFeatures(join(out, '6')).length > 0);
  // a scheme read from a tile matrix set file: LAEA Europe (northing first in its set)
  const dir = tempDir();
  const tms = join(dir, 'laea.json');
  writeFileSync(tms, JSON.stringify(tileMatrixSetJson(PRESETS.EuropeanETRS89_LAEAQuad, { maxzoom: 5 })));
  const laea = join(dir, 'laea');
  const r = runCli([fixture('finland-sample.geojson'), '-o', laea, '--tiling-scheme', tms, '-z', '4', '-q']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(read<Record<string, unknown>>(join(laea, 'metadata.json')).crs, 'EPSG:3035');
  assert.equal(gdalSchema(join(laea, '4')).srs, '3035');
  const helsinki = gdalFeatures(join(laea, '4')).find((f) => f.properties.name === 'Helsinki');
  assert.ok(helsinki, 'Helsinki read back');
  // EPSG:3035 of Helsinki (24.9384 E, 60.1699 N) is about E 5,145,300 N 4,206,100
  const [e, n] = (helsinki.geometry!.coordinates as number[][]).flat();
  assert.ok(Math.abs(e - 5145300) < 1000 && Math.abs(n - 4206100) < 1000, `${e} ${n}`);
  // MBTiles with the descriptor rows
  const mb = join(dir, 'x.mbtiles');
  assert.equal(runCli([fixture('finland-sample.geojson'), '-o', mb, '-z', '3', '-q']).status, 0);
  const info = spawnSync('ogrinfo', ['-ro', '-so', '-al', mb], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /Layer name: finland-sample/);
  assert.doesNotMatch(info.stderr, /ERROR/);
});

// --- OpenLayers' own reading, when the ol package is installed (the preview page's dependency) ------

const olUtil = await import('ol/source/ogcTileUtil.js' as string).catch(() => undefined);

test('OpenLayers\' ogcTileUtil builds the grid from tileset.json and finds every tile on disk', { skip: !olUtil && 'the ol package is not installed' }, async () => {
  const { register } = await import('ol/proj/proj4.js' as string);
  const { get: getProjection } = await import('ol/proj.js' as string);
  const proj4 = (await import('proj4')).default;
  const dir = tempDir();
  const cases: [string, string, string[]][] = [
    ['fin', 'EPSG:3067', [fixture('finland-sample.geojson'), '--tiling-scheme', 'ETRS-TM35FIN', '-Z', '2', '-z', '6']],
    ['wgs', 'EPSG:4326', [fixture('finland-sample.geojson'), '--tiling-scheme', 'WorldCRS84Quad', '-z', '3']],
    ['swe', 'EPSG:3006', [fixture('sweden-sample-3006.geojson'), '--s-srs', 'EPSG:3006', '--tiling-scheme', 'EPSG:3006,-1200000,8500000,4194304', '-z', '4']],
  ];
  for (const [name, code, args] of cases) {
    const out = join(dir, name);
    assert.equal(runCli([...args, '-o', out, '-q']).status, 0);
    const meta = read<{ crs_proj4?: string }>(join(out, 'metadata.json'));
    if (meta.crs_proj4 && code !== 'EPSG:4326') proj4.defs(code, meta.crs_proj4);
    register(proj4);
    const ts = read<OgcTilesetJson>(join(out, 'tileset.json'));
    const item = ts.links.find((l) => l.rel === 'item')!;
    const info = olUtil!.parseTileMatrixSet({ url: `http://host/${name}/tileset.json`, projection: getProjection(code) }, ts.tileMatrixSet, item.href, ts.tileMatrixSetLimits);
    const grid = info.grid;
    const urls = new Set<string>();
    for (let z = grid.getMinZoom(); z <= grid.getMaxZoom(); z++) {
      grid.forEachTileCoord(grid.getExtent(), z, (c: number[]) => {
        const u = info.urlFunction(c, 1, getProjection(code));
        if (u) urls.add(u);
      });
    }
    for (const t of listTiles(out)) assert.ok(urls.has(`http://host/${name}/${t}.pbf`), `${name}: OpenLayers asks for ${t}`);
    const [z, x, y] = listTiles(out)[0].split('/').map(Number);
    const olZoom = ts.tileMatrixSet.tileMatrices.findIndex((m) => m.id === String(z));
    const scheme = readTilingScheme(readFileSync(join(out, 'tilematrixset.json'), 'utf8'), { crsFacts });
    for (const [a, b] of grid.getTileCoordExtent([olZoom, x, y]).map((v: number, i: number) => [v, tileBounds(scheme, z, x, y)[i]])) assert.ok(close(a, b, 1e-6), `${name} ${z}/${x}/${y}`);
  }
});
