// The preview of published tilesets in headless Chromium: the README's example (the SWEREF 99 TM
// GeoPackage in fixtures/ published with one command, its destination served) with a click showing
// the source row from the attribute files; and a tileset with a `year` dimension, in the SWEREF 99 TM
// grid (OpenLayers) and in Web Mercator (MapLibre GL), whose picker changes what is drawn — pixels
// and the features the map's own API holds, checked against the stored trees — and whose clicked
// feature shows exactly its row.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Browser, Page } from 'playwright-core';
import proj4 from 'proj4';
import { fixture, runCli, tempDir } from '../helpers.js';
import { assertColor, BACKGROUND, blend, launchBrowser, openPreview, pixelAt, skip } from './browser-helpers.js';
import { writeDimensionConfig } from './publish-fixture.js';
import { serveCli, stopCliServers } from './serve-helpers.js';

const SWEREF = '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';
const FIRST_COLOUR = [0x4e, 0x79, 0xa7];

let browser: Browser | undefined;
before(async () => {
  if (!skip) browser = await launchBrowser();
});
after(async () => {
  await stopCliServers();
  await browser?.close();
});

const dir = !skip ? tempDir('mvt-preview-publish-') : '';
if (dir) mkdirSync(join(dir, 'web'));
const pixelOf = (page: Page, [lon, lat]: readonly number[]) => page.evaluate(([a, b]) => window.__preview!.pixel(a, b), [lon, lat]);

/** The record of an id in a tileset's attribute files. */
function record(tileset: string, id: number): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(tileset, 'attr', `${(id >>> 16).toString(16).padStart(4, '0')}.json`), 'utf8')) as Record<string, unknown>[])[id & 0xffff];
}

/** The rows the feature panel shows for a record: its columns, then geom by its type. */
const rowsOf = (r: Record<string, unknown>) => Object.entries(r).map(([k, v]) => `${k}${k === 'geom' ? (v as { type: string }).type : String(v)}`);

/** Clicks at a pixel and returns the panel's table for the heading `layer · id N`. */
async function clickAndRead(page: Page, at: [number, number], heading: string): Promise<string[]> {
  await page.mouse.click(at[0], at[1]);
  const h = page.locator('#feature h3', { hasText: heading });
  await h.first().waitFor();
  const headings = await page.locator('#feature h3').allTextContents();
  const table = page.locator('#feature table').nth(headings.indexOf(heading));
  return table.locator('tr').allTextContents();
}

test("the README's example: `mvt-build publish fixtures/sweden-publish.yml --destdir …`, `mvt-build serve` of the destination, attributes on click", { skip }, async () => {
  const dest = join(dir, 'web', 'sweden');
  const r = runCli(['publish', fixture('sweden-publish.yml'), '--destdir', dest]);
  assert.equal(r.status, 0, r.stderr);
  const live = (JSON.parse(readFileSync(join(dir, 'web', 'metadata.json'), 'utf8')) as { layermap: Record<string, string> }).layermap.sweden;
  const tileset = join(dest, live.slice(-2));
  const server = await serveCli([dest]);
  const { page, watch } = await openPreview(browser!, server.url);
  assert.equal(await page.evaluate(() => window.__preview!.renderer), 'openlayers');
  assert.equal(await page.locator('#scheme').textContent(), 'EPSG:3006, zooms 0–8');
  assert.equal(await page.locator('#dimensions').isHidden(), true, 'no dimensions, no picker');
  // Stockholm, the first row of the table: id 0 (page 0, element 0), a dot of the layer's colour.
  const stockholm = await pixelOf(page, [18.059188123, 59.330213292]);
  assertColor(await pixelAt(page, stockholm), FIRST_COLOUR, "Stockholm's dot");
  const rows = await clickAndRead(page, stockholm, 'places · id 0');
  const row = record(tileset, 0);
  assert.equal(row.name, 'Stockholm');
  assert.deepEqual(rows, rowsOf(row));
  assert.deepEqual(rows, ['nameStockholm', 'kindnull', 'area_km2null', 'length_kmnull', 'population984748', 'countyStockholm', 'capitaltrue', 'geomPoint']);
  assert.ok(watch.requests.includes(`${server.url}attr/0000.json`));
  assert.deepEqual(watch.problems, []);
  await page.context().close();
  assert.equal(await server.stop('SIGINT'), 0);
});

// Two zones, one per year, far apart: each year's tree draws one of them.
const ZONES = [
  { name: 'North zone', year: '2023', depth: 4.5, open: true, centre: [520000, 6900000] },
  { name: 'South zone', year: '2024', depth: null, open: false, centre: [650000, 6600000] },
];

function publishZones(name: string, scheme: string): string {
  const square = ([x, y]: number[], h: number) => [[[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]]];
  const config = writeDimensionConfig(dir, name, ZONES.map(({ centre, ...p }) => ({ properties: p, geometry: { type: 'Polygon', coordinates: square(centre, 60000) } })), {
    target: 'zones', maxzoom: 6, scheme, dimensions: '  - {name: year, type: values, default: "2024", property: year}\n',
  });
  const r = runCli(['publish', config, '--destdir', join(dir, 'web', name), '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).directory as string;
}

/** The ids of the one tile of zoom 0 of a year's tree. */
function treeIds(tileset: string, year: string): number[] {
  const layer = new VectorTile(new PbfReader(readFileSync(join(tileset, year, '0', '0', '0.pbf')))).layers.zones;
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i).id!);
}

for (const c of [
  { name: 'SWEREF 99 TM grid, OpenLayers', scheme: 'EPSG:3006,-1200000,8500000,4194304', renderer: 'openlayers' },
  { name: 'Web Mercator, MapLibre GL', scheme: 'WebMercatorQuad', renderer: 'maplibre' },
]) {
  test(`the dimension picker (${c.name}): the default drawn, another year drawn instead, tiles asked with ?year=, a click shows the row`, { skip }, async () => {
    const tileset = publishZones(c.renderer === 'maplibre' ? 'zones_wm' : 'zones_se', c.scheme);
    const server = await serveCli([tileset]);
    const { page, watch } = await openPreview(browser!, server.url);
    assert.equal(await page.evaluate(() => window.__preview!.renderer), c.renderer);
    const select = page.locator('select[data-dimension="year"]');
    assert.deepEqual(await select.locator('option').allTextContents(), ['2023', '2024'], 'the values as metadata.json lists them');
    assert.equal(await select.inputValue(), '2024', 'the default selected');

    const at = await Promise.all(ZONES.map((z) => pixelOf(page, proj4(SWEREF, 'EPSG:4326', z.centre))));
    /** The ids the map holds, from the library's own API. */
    const drawnIds = () => page.evaluate(() => {
      const p = window.__preview!;
      const ids = p.renderer === 'maplibre'
        ? p.map.querySourceFeatures('tileset', { sourceLayer: 'zones' }).map((f) => f.id)
        : p.map.getLayers().item(0).getFeaturesInExtent(p.map.getView().calculateExtent()).map((f) => f.getId());
      return [...new Set(ids)];
    });
    const [ids2023, ids2024] = [treeIds(tileset, '2023'), treeIds(tileset, '2024')];
    assert.equal(ids2023.length, 1);
    assert.equal(ids2024.length, 1);
    assert.notDeepEqual(ids2023, ids2024);

    // 2024, the default: the south zone filled, the north one not drawn.
    assert.deepEqual(await drawnIds(), ids2024);
    assertColor(await pixelAt(page, at[1]), blend(FIRST_COLOUR), '2024: the south zone');
    assertColor(await pixelAt(page, at[0]), BACKGROUND, '2024: no north zone');

    await select.selectOption('2023');
    await page.waitForFunction(() => window.__preview!.query() === '?year=2023');
    await page.evaluate(() => window.__preview!.idle());
    assertColor(await pixelAt(page, at[0]), blend(FIRST_COLOUR), '2023: the north zone');
    assertColor(await pixelAt(page, at[1]), BACKGROUND, '2023: no south zone');
    assert.deepEqual(await drawnIds(), ids2023);
    const tiles = watch.requests.filter((u) => /\/\d+\/\d+\/\d+\.pbf/.test(u));
    assert.ok(tiles.some((u) => u.endsWith('.pbf?year=2023')), 'tiles asked with the chosen year');
    assert.ok(tiles.every((u) => u.endsWith('.pbf') || u.endsWith('.pbf?year=2023')), tiles.join(' '));

    // A click on the north zone: exactly its row, from the attribute files.
    const rows = await clickAndRead(page, at[0], `zones · id ${ids2023[0]}`);
    const row = record(tileset, ids2023[0]);
    assert.equal(row.name, 'North zone');
    assert.deepEqual(rows, rowsOf(row));
    assert.deepEqual(rows.slice(0, 4), ['nameNorth zone', 'year2023', 'depth4.5', 'opentrue']);
    assert.deepEqual(watch.problems, []);
    await page.context().close();
    assert.equal(await server.stop('SIGINT'), 0);
  });
}

test('the picker of a time dimension: a text field, an interval drawn stacked, a refused value shown and the map kept', { skip }, async () => {
  const points = [
    { n: 0, observed: '2024-01-15T12:00:00Z', at: [520000, 6900000] },
    { n: 1, observed: '2024-06-01T00:00:00Z', at: [650000, 6600000] },
    { n: 2, observed: '2023-05-01T00:00:00Z', at: [600000, 6750000] },
  ];
  const config = writeDimensionConfig(dir, 'obs', points.map(({ at, ...p }) => ({ properties: p, geometry: { type: 'Point', coordinates: at } })), {
    target: 'obs', maxzoom: 5, scheme: 'EPSG:3006,-1200000,8500000,4194304', dimensions: '  - {name: time, type: time, default: "2024", property: observed}\n',
  });
  const r = runCli(['publish', config, '--destdir', join(dir, 'web', 'obs'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const tileset = JSON.parse(r.stdout).directory as string;
  const server = await serveCli([tileset]);
  const { page, watch } = await openPreview(browser!, server.url);
  const field = page.locator('input[data-dimension="time"]');
  assert.equal(await field.inputValue(), '2024', 'the default in the field');
  const drawn = () => page.evaluate(() => {
    const p = window.__preview!;
    return [...new Set(p.map.getLayers().item(0).getFeaturesInExtent(p.map.getView().calculateExtent()).map((f) => f.getId() as number))];
  });
  const rowsOf = async () => (await drawn()).map((id) => record(tileset, id).n as number).sort();
  assert.deepEqual(await rowsOf(), [0, 1], '2024: two instants, stacked');
  const at = await Promise.all(points.map((p) => pixelOf(page, proj4(SWEREF, 'EPSG:4326', p.at))));
  assertColor(await pixelAt(page, at[0]), FIRST_COLOUR, "January's point");
  assertColor(await pixelAt(page, at[2]), BACKGROUND, 'no 2023 point');

  await field.fill('2023-01-01/2024-03-01');
  await field.press('Enter');
  await page.waitForFunction(() => window.__preview!.query() !== '');
  assert.equal(await page.evaluate(() => window.__preview!.query()), `?time=${encodeURIComponent('2023-01-01/2024-03-01')}`);
  await page.evaluate(() => window.__preview!.idle());
  assert.deepEqual(await rowsOf(), [0, 2], 'the interval: May 2023 and January 2024');
  assertColor(await pixelAt(page, at[2]), FIRST_COLOUR, 'the 2023 point');
  assertColor(await pixelAt(page, at[1]), BACKGROUND, 'no June point');

  // A value the server refuses: its message, and the map as it was.
  await field.fill('soon');
  await field.press('Enter');
  await page.locator('#dimension-error', { hasText: 'dimension time' }).waitFor();
  assert.equal(await page.locator('#dimension-error').textContent(), 'dimension time: "soon" is not an ISO 8601 instant, period or start/end interval');
  assert.equal(await page.evaluate(() => window.__preview!.query()), `?time=${encodeURIComponent('2023-01-01/2024-03-01')}`);
  assert.deepEqual(await rowsOf(), [0, 2]);
  // The refusal is the one 400 the page saw (and Chromium logged); nothing else went wrong.
  assert.deepEqual(watch.problems, [`HTTP 400: ${server.url}tilejson.json?time=soon`, 'console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  await page.context().close();
  assert.equal(await server.stop('SIGINT'), 0);
});
