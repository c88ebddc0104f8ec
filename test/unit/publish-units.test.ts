// The publish job's parts, in process and without GDAL: attribute pages and the id scheme, computed
// measures, date-times, centimetre rounding, the extent clip, the layer map under concurrent
// updates, the choice of a free directory name, the waiting lock.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveCrs } from '../../dist/index.js';
import { attributeLocation, AttributePages, attributeValue, centimetreDecimals, measure, PAGE_BYTES, roundGeometry } from '../../dist/publish/attributes.js';
import { clipToExtent } from '../../dist/publish/clip-extent.js';
import { readLayerMap, updateLayerMap } from '../../dist/publish/layer-map.js';
import { waitForLock } from '../../dist/publish/locks.js';
import { freeTilesetName } from '../../dist/publish/tileset-dir.js';
import { HOST, processAlive } from '../../dist/temporaries.js';
import { lockFile } from '../../dist/writers/output-lock.js';
import { tempDir } from '../helpers.js';

test('attribute pages: a page closes after the feature that takes it past 256 KiB; ids are page·65536 + index', async () => {
  const dir = join(tempDir(), 'attr');
  const pages = new AttributePages(dir);
  await pages.open();
  const record = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(1000) }); // about 1 kB each
  const ids: number[] = [];
  for (let i = 0; i < 600; i++) ids.push(await pages.add(record(i)));
  await pages.close();
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['0000.json', '0001.json', '0002.json']);
  const arrays = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { i: number }[]);
  // Page 0 ends with the first feature past the limit: its size is over, without that one it is not.
  const bytes0 = readFileSync(join(dir, '0000.json')).length;
  assert.ok(bytes0 > PAGE_BYTES && bytes0 - record(arrays[0].length - 1).length - 1 <= PAGE_BYTES, `page 0: ${bytes0} bytes`);
  for (const [k, id] of ids.entries()) {
    const { file, index } = attributeLocation(id);
    // What a web page computes from the id alone.
    assert.equal(file, `attr/${(id >>> 16).toString(16).padStart(4, '0')}.json`);
    assert.equal(index, id & 0xffff);
    assert.equal(arrays[Number.parseInt(file.slice(5, 9), 16)][index].i, k);
  }
  assert.deepEqual(ids.slice(0, 2), [0, 1]);
  assert.equal(ids[arrays[0].length], 65536, 'the second page starts at 1 << 16');
  assert.deepEqual(pages.stats, { pages: 3, features: 600, bytes: files.reduce((n, f) => n + readFileSync(join(dir, f)).length, 0) });
});

test('attribute pages: at 65,536 features a page closes, however small', async () => {
  const dir = join(tempDir(), 'attr');
  const pages = new AttributePages(dir);
  await pages.open();
  let last = 0;
  for (let i = 0; i < 65537; i++) last = await pages.add('0');
  await pages.close();
  assert.equal(last, 65536);
  assert.equal((JSON.parse(readFileSync(join(dir, '0000.json'), 'utf8')) as unknown[]).length, 65536);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, '0001.json'), 'utf8')), [0]);
});

test('measures: planar area (holes out), perimeter of every ring, length; metres from the unit; two decimals', () => {
  const square = [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]] as [number, number][];
  const hole = [[10, 10], [10, 20], [20, 20], [20, 10], [10, 10]] as [number, number][];
  assert.deepEqual(measure({ type: 'Polygon', coordinates: [square, hole] }, 1), { GeomArea: 9900, GeomPerimeter: 440 });
  // The hole's winding does not matter; a multipolygon sums; feet are converted (US survey foot).
  assert.deepEqual(measure({ type: 'MultiPolygon', coordinates: [[square], [square.map(([x, y]) => [x + 500, y] as [number, number])]] }, 0.3048006096012192), { GeomArea: 1858.07, GeomPerimeter: 243.84 });
  assert.deepEqual(measure({ type: 'LineString', coordinates: [[0, 0], [3, 4], [3, 10.123]] }, 1), { GeomLength: 11.12 });
  assert.deepEqual(measure({ type: 'MultiLineString', coordinates: [[[0, 0], [0, 1]], [[5, 5], [6, 5]]] }, 1000), { GeomLength: 2000 });
  assert.deepEqual(measure({ type: 'Point', coordinates: [1, 2] }, 1), {});
  assert.deepEqual(measure({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }, { type: 'LineString', coordinates: [[0, 0], [0, 2]] }] }, 1), { GeomLength: 2 });
  // Large northings lose no digits (the shoelace is taken about the first vertex).
  const far = square.map(([x, y]) => [x + 612345.67, y + 7012345.89] as [number, number]);
  assert.deepEqual(measure({ type: 'Polygon', coordinates: [far] }, 1), { GeomArea: 10000, GeomPerimeter: 400 });
});

test('date-times lose fractions of a second and keep their zone; dates and other values pass as they are', () => {
  assert.equal(attributeValue('DATETIME', '2024-03-05T10:11:12.345Z'), '2024-03-05T10:11:12Z');
  assert.equal(attributeValue('DATETIME', '2024-03-05T10:11:12+02:00'), '2024-03-05T10:11:12+02:00');
  assert.equal(attributeValue('DATETIME', '2024-03-05T10:11:12'), '2024-03-05T10:11:12');
  assert.equal(attributeValue('DATE', '2024-03-05'), '2024-03-05');
  assert.equal(attributeValue('TEXT', '10:11:12.5'), '10:11:12.5');
  assert.equal(attributeValue('DATETIME', null), null);
  assert.equal(attributeValue(undefined, 5), 5);
});

test('centimetre precision from the CRS unit', () => {
  assert.equal(centimetreDecimals(resolveCrs('EPSG:3006')), 2);
  assert.equal(centimetreDecimals(resolveCrs('+proj=tmerc +units=km')), 5);
  assert.equal(centimetreDecimals(resolveCrs('EPSG:2263')), 2); // US survey feet: 0.3048 m
  assert.equal(centimetreDecimals(resolveCrs('EPSG:4326')), 7);
  assert.deepEqual(roundGeometry({ type: 'LineString', coordinates: [[612345.674999, 7012345.895001], [0.1 + 0.2, 1e-9]] }, 2), { type: 'LineString', coordinates: [[612345.67, 7012345.9], [0.3, 0]] });
});

test('extent clip: inside kept as is, outside gone, across cut (lines split, polygons along the edge)', () => {
  const box: [number, number, number, number] = [0, 0, 10, 10];
  const inside = { type: 'Polygon' as const, coordinates: [[[1, 1], [2, 1], [2, 2], [1, 1]]] as [number, number][][] };
  assert.equal(clipToExtent(inside, box), inside);
  assert.equal(clipToExtent({ type: 'Point', coordinates: [11, 5] }, box), null);
  assert.equal(clipToExtent({ type: 'LineString', coordinates: [[20, 20], [30, 30]] }, box), null);
  assert.deepEqual(clipToExtent({ type: 'MultiPoint', coordinates: [[1, 1], [11, 1], [5, 5]] }, box), { type: 'MultiPoint', coordinates: [[1, 1], [5, 5]] });
  assert.deepEqual(clipToExtent({ type: 'LineString', coordinates: [[-5, 5], [5, 5], [5, 15], [8, 15], [8, 5]] }, box), {
    type: 'MultiLineString', coordinates: [[[0, 5], [5, 5], [5, 10]], [[8, 10], [8, 5]]],
  });
  const cut = clipToExtent({ type: 'Polygon', coordinates: [[[-5, -5], [5, -5], [5, 5], [-5, 5], [-5, -5]]] }, box);
  assert.equal(cut!.type, 'Polygon');
  const ring = (cut as { coordinates: [number, number][][] }).coordinates[0];
  let area = 0;
  for (let i = 1; i < ring.length; i++) area += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  assert.equal(Math.abs(area / 2), 25);
  assert.ok(ring.every(([x, y]) => x >= 0 && x <= 10 && y >= 0 && y <= 10));
});

test('layer map: concurrent updates of different names all land, other keys kept, .br written and removed', async () => {
  const dir = tempDir();
  const file = join(dir, 'metadata.json');
  writeFileSync(file, JSON.stringify({ title: 'Karta', layermap: { old: '/x/00' } }));
  writeFileSync(file + '.br', 'stale');
  await Promise.all(Array.from({ length: 12 }, (_, i) => updateLayerMap(file, `layer${i}`, `/tiles/layer${i}/0${i.toString(16)}`, { compress: false })));
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.title, 'Karta');
  assert.equal(Object.keys(doc.layermap).length, 13);
  assert.equal((await readLayerMap(file)).layer11, '/tiles/layer11/0b');
  assert.ok(!existsSync(file + '.br'), 'a stale .br is removed when not compressing (it would be served)');
  assert.deepEqual(readdirSync(dir).sort(), ['metadata.json'], 'no lock or temporary left');
});

test('a free directory name: never one that exists, all 256 in time', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'AB')); // upper case counts too
  const names = new Set<string>();
  for (let i = 0; i < 255; i++) {
    const n = await freeTilesetName(dir);
    assert.match(n, /^[0-9a-f]{2}$/);
    assert.ok(!names.has(n) && n !== 'ab');
    names.add(n);
    mkdirSync(join(dir, n));
  }
  await assert.rejects(freeTilesetName(dir), /all 256 tileset directories 00–ff exist/);
});

test('waitForLock: waits while a live holder keeps it, takes it when released, and takes over a dead holder\'s at once', async () => {
  const dir = tempDir();
  const path = join(dir, 'job.lock');
  const held = await lockFile(path, 'holder');
  let told!: (pid: number | undefined) => void;
  const waited = new Promise<number | undefined>((r) => (told = r));
  let taken = false;
  const waiting = waitForLock(path, 'waiter', { onWait: (h) => told(h.pid) });
  void waiting.then(() => (taken = true));
  assert.equal(await waited, process.pid, 'told who holds it');
  assert.equal(taken, false, 'still waiting');
  await held.release();
  const mine = await waiting;
  await mine.release();
  // A lock whose process is gone (a pid above Linux's default pid_max, and checked, not assumed).
  let dead = 4194305;
  while (processAlive(dead)) dead++;
  writeFileSync(path, JSON.stringify({ pid: dead, host: HOST, token: 'deadbeef' }));
  const recovered = await waitForLock(path, 'after a crash', { onWait: () => assert.fail('a dead holder is not waited for') });
  await recovered.release();
  const ac = new AbortController();
  const blocker = await lockFile(path, 'holder');
  const aborted = waitForLock(path, 'waiter', { signal: ac.signal });
  ac.abort();
  await assert.rejects(aborted, { name: 'AbortError' });
  await blocker.release();
});

