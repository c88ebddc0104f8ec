// The MBTiles sink: same tiles as the directory sink (TMS rows), deduplicated images, GDAL's metadata
// rows, nothing left behind on failure (read back by real GDAL: test/e2e/mbtiles-gdal.test.ts).
// Run from source: node --import tsx --test test/unit/mbtiles.test.ts
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTileset, FeatureError, InputError, MbtilesSink, PRESETS, UsageError } from '../../dist/index.js';
import { fixture, listTiles, tempDir } from '../helpers.js';
import { BUILD, buildBoth, Database } from '../mbtiles-build.js';

function query(file: string, sql: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** Tiles of an MBTiles file keyed "z/x/y" (XYZ, row flipped back). */
function mbtilesTiles(file: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const r of query(file, 'SELECT zoom_level AS z, tile_column AS x, tile_row AS row, tile_data AS data FROM tiles')) {
    const z = r.z as number;
    out.set(`${z}/${r.x}/${2 ** z - 1 - (r.row as number)}`, r.data as Buffer);
  }
  return out;
}

const built = buildBoth();
const builtPlain = buildBoth({ dedupe: false });
// Awaited by the tests; a failure must show there, not as an unhandled rejection at load time.
built.catch(() => {});
builtPlain.catch(() => {});

test('every tile equals the directory output byte for byte (row flipped), with and without dedupe', async () => {
  for (const { dir, mbtiles, summary } of [await built, await builtPlain]) {
    const tiles = mbtilesTiles(mbtiles);
    const expected = listTiles(dir);
    assert.ok(expected.length > 10);
    assert.deepEqual([...tiles.keys()].sort(), expected);
    assert.equal(tiles.size, summary.tiles);
    for (const t of expected) assert.ok(tiles.get(t)!.equals(readFileSync(join(dir, t + '.pbf'))), `tile ${t}`);
  }
  // The layout: map + images behind a view, or one plain table
  const kinds = (f: string) => Object.fromEntries(query(f, "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')").map((r) => [r.name, r.type]));
  assert.deepEqual(kinds((await built).mbtiles), { metadata: 'table', map: 'table', images: 'table', tiles: 'view' });
  assert.deepEqual(kinds((await builtPlain).mbtiles), { metadata: 'table', tiles: 'table' });
});

test('dedupe: identical tiles are stored once in images, numbered 0, 1, 2… in the order first met, and every position still reads', async () => {
  // A polygon far larger than a tile: its inner tiles are all the same full square, hence identical bytes.
  const ring = [[-60, -50], [60, -50], [60, 50], [-60, 50], [-60, -50]];
  const features = [{ type: 'Feature', id: 1, properties: { k: 'v' }, geometry: { type: 'Polygon', coordinates: [ring] } }];
  const file = join(tempDir(), 'big.mbtiles');
  const summary = await buildTileset({ inputs: [{ name: 'big', features }], output: new MbtilesSink(file), maxzoom: 4, threads: 1 });
  const [{ n: mapRows }] = query(file, 'SELECT count(*) AS n FROM map');
  const images = query(file, 'SELECT tile_id, tile_data FROM images');
  assert.equal(mapRows, summary.tiles);
  assert.ok(images.length < summary.tiles / 2, `${images.length} images for ${summary.tiles} tiles`);
  assert.deepEqual(images.map((img) => img.tile_id), images.map((_, i) => i));
  assert.deepEqual(query(file, 'SELECT DISTINCT typeof(tile_id) AS t FROM map').map((r) => r.t), ['integer']);
  // The map points at the image whose bytes are the tile's
  const byId = new Map(images.map((img) => [img.tile_id, (img.tile_data as Buffer).toString('hex')]));
  const firstTile = query(file, 'SELECT tile_id FROM map WHERE zoom_level = 4 AND tile_column = 8 AND tile_row = 8')[0];
  assert.equal(byId.get(firstTile.tile_id), mbtilesTiles(file).get('4/8/7')!.toString('hex'));
  assert.equal(mbtilesTiles(file).size, summary.tiles);
  // Every distinct tile is stored exactly once
  const distinct = new Set([...mbtilesTiles(file).values()].map((b) => b.toString('hex')));
  assert.equal(images.length, distinct.size);
});

test('metadata rows are GDAL\'s, in its order; json is the very string metadata.json holds', async () => {
  const { dir, mbtiles, summary } = await built;
  const rows = query(mbtiles, 'SELECT name, value FROM metadata ORDER BY rowid');
  // GDAL's rows, then the descriptors a directory has as files (tilejson.json, …; see descriptors.test.ts)
  assert.deepEqual(rows.map((r) => r.name), ['name', 'description', 'version', 'minzoom', 'maxzoom', 'center', 'bounds', 'type', 'format', 'scheme', 'json', 'tilejson', 'tilematrixset', 'tileset']);
  const m = Object.fromEntries(rows.map((r) => [r.name, r.value]));
  const dirMeta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(m.name, 'sample');
  assert.equal(m.description, 'two layers');
  assert.equal(m.version, '2');
  assert.equal(m.minzoom, '0');
  assert.equal(m.maxzoom, '5');
  assert.equal(m.type, 'overlay');
  assert.equal(m.format, 'pbf');
  assert.equal(m.scheme, 'tms');
  assert.equal(m.bounds, summary.bounds.map((v) => v.toFixed(7)).join(','));
  assert.match(m.bounds as string, /^-?\d+\.\d{7}(,-?\d+\.\d{7}){3}$/);
  assert.equal(m.bounds, dirMeta.bounds);
  assert.equal(m.center, dirMeta.center);
  assert.equal(m.json, dirMeta.json);
  const json = JSON.parse(m.json as string) as { vector_layers: { id: string }[] };
  assert.deepEqual(json.vector_layers.map((l) => l.id), ['finland-sample', 'all-types']);
  // every value is TEXT, as in GDAL's and tippecanoe's files
  assert.deepEqual(query(mbtiles, 'SELECT DISTINCT typeof(value) AS t FROM metadata').map((r) => r.t), ['text']);
});

test('TMS row numbering: tile z/x/y is stored at row 2^z - 1 - y', async () => {
  const file = join(tempDir(), 'rows.mbtiles');
  const sink = new MbtilesSink(file, { dedupe: false });
  await sink.open();
  const puts: [number, number, number][] = [[0, 0, 0], [1, 0, 0], [1, 1, 1], [3, 1, 2], [5, 18, 9], [12, 2331, 1185]];
  for (const [z, x, y] of puts) await sink.put(z, x, y, Uint8Array.of(z, x & 255, y & 255));
  await sink.commit({ name: 'rows', description: '', minzoom: 0, maxzoom: 12, bounds: [-180, -85, 180, 85], type: 'overlay', scheme: PRESETS.WebMercatorQuad, layers: [] });
  const rows = query(file, 'SELECT zoom_level AS z, tile_column AS x, tile_row AS row FROM tiles ORDER BY z, x');
  assert.deepEqual(rows.map((r) => [r.z, r.x, r.row]), [[0, 0, 0], [1, 0, 1], [1, 1, 0], [3, 1, 5], [5, 18, 22], [12, 2331, 2910]]);
  // Helsinki (24.9384, 60.1699) sits in XYZ tile 5/18/9, i.e. TMS row 22, in the built tileset too
  assert.ok(mbtilesTiles((await built).mbtiles).has('5/18/9'));
  assert.equal(query((await built).mbtiles, 'SELECT count(*) AS n FROM tiles WHERE zoom_level = 5 AND tile_column = 18 AND tile_row = 22')[0].n, 1);
});

test('many tiles: several insert transactions, duplicates across them still stored once', async () => {
  const file = join(tempDir(), 'many.mbtiles');
  const sink = new MbtilesSink(file);
  await sink.open();
  const n = 25_000; // more than two flushes of 10,000
  for (let i = 0; i < n; i++) await sink.put(8, i % 256, Math.floor(i / 256), Uint8Array.of(i % 7, 1, 2, 3));
  await sink.commit({ name: 'many', description: '', minzoom: 8, maxzoom: 8, bounds: [-180, -85, 180, 85], type: 'overlay', scheme: PRESETS.WebMercatorQuad, layers: [] });
  assert.equal(query(file, 'SELECT count(*) AS n FROM map')[0].n, n);
  assert.equal(query(file, 'SELECT count(*) AS n FROM images')[0].n, 7);
  const t = query(file, 'SELECT tile_data AS d FROM tiles WHERE zoom_level = 8 AND tile_column = 10 AND tile_row = 255')[0];
  assert.deepEqual([...(t.d as Buffer)], [10 % 7, 1, 2, 3]); // i = 10 is XYZ 8/10/0
});

test('a failed build leaves neither the file nor a temporary file, and a previous file untouched', async () => {
  const root = tempDir();
  const file = join(root, 'out.mbtiles');
  await assert.rejects(
    buildTileset({ inputs: [fixture('broken/bad-coordinates.geojson')], output: new MbtilesSink(file), threads: 1 }),
    (e: Error) => e instanceof FeatureError && /feature #1 \(id "road-7"\)/.test(e.message),
  );
  assert.deepEqual(readdirSync(root), []);
  // with --force over an existing file: the old file stays as it was
  writeFileSync(file, 'previous');
  await assert.rejects(buildTileset({ inputs: [fixture('broken/bad-coordinates.geojson')], output: new MbtilesSink(file, { force: true }), threads: 1 }), FeatureError);
  assert.deepEqual(readdirSync(root), ['out.mbtiles']);
  assert.equal(readFileSync(file, 'utf8'), 'previous');
});

test('an existing file is refused without force and left untouched; force replaces it', async () => {
  const root = tempDir();
  const file = join(root, 'out.mbtiles');
  writeFileSync(file, 'previous');
  await assert.rejects(
    buildTileset({ ...BUILD, output: new MbtilesSink(file) }),
    (e: Error) => e instanceof UsageError && e.message === `output ${file} exists (use --force to replace it)`,
  );
  assert.equal(readFileSync(file, 'utf8'), 'previous');
  assert.deepEqual(readdirSync(root), ['out.mbtiles']);
  const summary = await buildTileset({ ...BUILD, output: new MbtilesSink(file, { force: true }) });
  assert.equal(mbtilesTiles(file).size, summary.tiles);
  assert.deepEqual(readdirSync(root), ['out.mbtiles']);
  // a directory is never replaced
  await assert.rejects(new MbtilesSink(root, { force: true }).open(), (e: Error) => e instanceof UsageError && /is a directory/.test(e.message));
});

test('an unwritable location is an InputError "cannot write output", with nothing left behind', async () => {
  const root = tempDir();
  writeFileSync(join(root, 'file'), '');
  const sink = new MbtilesSink(join(root, 'file', 'out.mbtiles'));
  await assert.rejects(sink.open(), (e: Error) => e instanceof InputError && /cannot write output: /.test(e.message));
  await sink.abort(); // safe after a failed open
  assert.deepEqual(readdirSync(root), ['file']);
});

test('tiling schemes other than WebMercatorQuad are refused', async () => {
  const root = tempDir();
  await assert.rejects(
    buildTileset({ ...BUILD, tilingScheme: 'ETRS-TM35FIN', output: new MbtilesSink(join(root, 'fin.mbtiles')) }),
    (e: Error) => e instanceof UsageError && /WebMercatorQuad/.test(e.message),
  );
  assert.deepEqual(readdirSync(root), []);
  // A tile outside the 2^z × 2^z grid (e.g. WorldCRS84Quad's second column at zoom 0)
  const sink = new MbtilesSink(join(root, 'grid.mbtiles'));
  await sink.open();
  await assert.rejects(sink.put(0, 1, 0, Uint8Array.of(1)), (e: Error) => e instanceof UsageError && /0\/1\/0 is outside/.test(e.message));
  // and the sink stays failed: an incomplete file is never committed
  await assert.rejects(sink.commit({ name: 'x', description: '', minzoom: 0, maxzoom: 0, bounds: [0, 0, 0, 0], type: 'overlay', scheme: PRESETS.WebMercatorQuad, layers: [] }), UsageError);
  await sink.abort();
  await sink.abort(); // twice is fine
  assert.deepEqual(readdirSync(root), []);
});
