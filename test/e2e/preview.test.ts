// The preview page of `mvt-build serve` in a real browser: Debian's Chromium, headless, driven by
// playwright-core. For an ETRS-TM35FIN tileset, a Web Mercator one (MapLibre GL, and OpenLayers when
// asked) and PMTiles archives (one re-rooted), it reads pixels off the screen: a polygon's fill
// where a known interior point is drawn, the background in its lake's hole, a layer toggled off;
// then the feature panel on a click, the pointer's coordinates, the zoom, the tile-boundary labels;
// and that MapLibre and OpenLayers were given our tilejson.json / tileset.json URLs as they are,
// that nothing was asked of any other host, and that the console stayed free of errors.
// Skipped without /usr/bin/chromium, unless REQUIRE_BROWSER=1 (CI sets it).
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import proj4 from 'proj4';
import { startServer, type RunningServer } from '../../dist/serve/server.js';
import { fixture, runCli, tempDir } from '../helpers.js';
import { assertColor, BACKGROUND, blend, launchBrowser, openPreview, pixelAt, skip } from './browser-helpers.js';
import { buildLake, LAND_FEATURE, POINTS, serveCli, stopCliServers } from './serve-helpers.js';

const LAND = [0x4e, 0x79, 0xa7];
const ISLAND = [0xf2, 0x8e, 0x2b];

let browser: Browser | undefined;
const servers: RunningServer[] = [];
const seen: string[] = [];
before(async () => {
  if (skip) return;
  browser = await launchBrowser();
});
after(async () => {
  await stopCliServers();
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  if (seen.length) console.log(`# pixels seen: ${seen.join('; ')}`);
});

const open = (server: RunningServer, query = '') => openPreview(browser!, server.url, query);

const pixelOf = (page: Page, [lon, lat]: readonly number[]) => page.evaluate(([a, b]) => window.__preview!.pixel(a, b), [lon, lat]);
const idle = (page: Page) => page.evaluate(() => window.__preview!.idle());

const dir = !skip ? tempDir('mvt-build-preview-') : '';
const built = new Map<string, string>();
/** A tileset of the fixture, built once for the cases that share it. */
const tileset = (name: string, args: string[]) => () => {
  if (!built.has(name)) built.set(name, buildLake(dir, name, args));
  return built.get(name)!;
};

interface Case {
  name: string;
  path: () => string;
  query?: string;
  renderer: 'openlayers' | 'maplibre';
  crs: string;
}

const CASES: Case[] = [
  { name: 'ETRS-TM35FIN directory, OpenLayers', path: tileset('tm35', ['--tiling-scheme', 'ETRS-TM35FIN', '-z', '8']), renderer: 'openlayers', crs: 'EPSG:3067' },
  { name: 'Web Mercator directory, MapLibre GL (the default there)', path: tileset('wm', ['-z', '8']), renderer: 'maplibre', crs: 'EPSG:3857' },
  { name: 'Web Mercator directory, OpenLayers (?renderer=openlayers)', path: tileset('wm', ['-z', '8']), query: '?renderer=openlayers', renderer: 'openlayers', crs: 'EPSG:3857' },
  { name: 'ETRS-TM35FIN PMTiles archive, OpenLayers', path: tileset('tm35.pmtiles', ['--tiling-scheme', 'ETRS-TM35FIN', '-z', '8']), renderer: 'openlayers', crs: 'EPSG:3067' },
  { name: 'WorldCRS84Quad PMTiles archive (re-rooted), OpenLayers', path: tileset('crs84.pmtiles', ['--tiling-scheme', 'WorldCRS84Quad', '-z', '7']), renderer: 'openlayers', crs: 'EPSG:4326' },
];

for (const c of CASES) {
  test(`preview (${c.name}): fills, the lake's hole, toggles, a click, coordinates, zoom, tile boundaries, our URLs, no errors`, { skip }, async () => {
    const server = await startServer({ path: c.path(), port: 0 });
    servers.push(server);
    const { page, watch } = await open(server, c.query);
    assert.equal(await page.evaluate(() => window.__preview!.renderer), c.renderer);
    assert.deepEqual(await page.evaluate(() => window.__preview!.colors.layers), { land: '#4e79a7', islands: '#f28e2b' });

    // Pixels where the page's own map API says the points are drawn.
    const at = { land: await pixelOf(page, POINTS.land), lake: await pixelOf(page, POINTS.lake), island: await pixelOf(page, POINTS.island) };
    const box = (await page.locator('#map').boundingBox())!;
    for (const [k, [x, y]] of Object.entries(at)) assert.ok(x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height, `${k} is in view`);
    const land = await pixelAt(page, at.land), lake = await pixelAt(page, at.lake), island = await pixelAt(page, at.island);
    seen.push(`${c.name}: land ${land}, lake ${lake}, island ${island}`);
    assertColor(land, blend(LAND), 'the land polygon');
    assertColor(lake, BACKGROUND, "the lake's hole");
    assertColor(island, blend(ISLAND), 'the island polygon');

    // The layer list: land off shows the background there, the island stays; on again.
    await page.locator('input[data-layer="land"]').uncheck();
    await idle(page);
    assertColor(await pixelAt(page, at.land), BACKGROUND, 'land hidden');
    assertColor(await pixelAt(page, at.island), blend(ISLAND), 'the island while land is hidden');
    await page.locator('input[data-layer="land"]').check();
    await idle(page);
    assertColor(await pixelAt(page, at.land), blend(LAND), 'land shown again');

    // A click on the land: its layer, id and properties.
    await page.mouse.click(at.land[0], at.land[1]);
    await page.locator('#feature h3').first().waitFor();
    assert.equal(await page.locator('#feature h3').first().textContent(), `land · id ${LAND_FEATURE.id}`);
    const cells = await page.locator('#feature table').first().locator('tr').allTextContents();
    assert.deepEqual(cells, Object.entries(LAND_FEATURE.properties).map(([k, v]) => `${k}${v}`));

    // The pointer: lon/lat within a pixel of the point, and the CRS coordinates of that same lon/lat.
    await page.mouse.move(at.land[0] + 1, at.land[1]);
    await page.mouse.move(at.land[0], at.land[1]);
    await page.waitForFunction(() => document.getElementById('lonlat')!.textContent !== '');
    const lonLatText = (await page.locator('#lonlat').textContent())!;
    const m = /^([\d.]+)° E, ([\d.]+)° N$/.exec(lonLatText);
    assert.ok(m, lonLatText);
    const [lon, lat] = [Number(m[1]), Number(m[2])];
    const degreesPerPixel = await page.evaluate(([a, b]) => {
      const p = window.__preview!.pixel(a, b), q = window.__preview!.pixel(a + 0.1, b);
      return 0.1 / Math.abs(q[0] - p[0]);
    }, POINTS.land as unknown as number[]);
    assert.ok(Math.abs(lon - POINTS.land[0]) <= degreesPerPixel && Math.abs(lat - POINTS.land[1]) <= degreesPerPixel, `${lonLatText} is within a pixel (${degreesPerPixel.toFixed(4)}°) of ${POINTS.land}`);
    const coordsText = (await page.locator('#coords').textContent())!;
    assert.ok(coordsText.startsWith(`${c.crs} `), coordsText);
    const shown = coordsText.slice(c.crs.length + 1).split(', ').map((v) => Number(v.replace(/,/g, '')));
    const meta = (await (await fetch(`${server.url}metadata.json`)).json()) as { crs_proj4?: string };
    const expected = c.crs === 'EPSG:3857' || c.crs === 'EPSG:4326' ? proj4('EPSG:4326', c.crs, [lon, lat]) : proj4('EPSG:4326', meta.crs_proj4!, [lon, lat]);
    // The lon/lat shown is rounded to 6 decimals (≤ 0.06 m), the CRS coordinates to 0.1 m or 1e-6°.
    const slack = c.crs === 'EPSG:4326' ? 2e-6 : 0.2;
    assert.ok(Math.abs(shown[0] - expected[0]) <= slack && Math.abs(shown[1] - expected[1]) <= slack, `${coordsText} against ${expected}`);

    // The zoom shown is the renderer's: for OpenLayers the scheme's own (a 256-pixel tile of zoom z at its size).
    const zoom = await page.evaluate(() => {
      const p = window.__preview!;
      return p.renderer === 'maplibre' ? p.map.getZoom() : p.map.getView().getZoom();
    });
    assert.equal(await page.locator('#zoom').textContent(), `z ${zoom.toFixed(2)}`);
    if (c.renderer === 'openlayers') {
      const [resolution, dim] = await page.evaluate(async () => {
        const tj = await (await fetch('tilejson.json')).json();
        return [window.__preview!.map.getView().getResolution(), tj.tileGrid?.extentAtZoom0 ?? 40075016.68557849];
      });
      assert.ok(Math.abs(zoom - Math.log2(dim / 256 / resolution)) < 1e-9);
    }

    // Tile boundaries: MapLibre's own; OpenLayers' labels name the tile under the land point.
    await page.locator('#boundaries').check();
    await idle(page);
    if (c.renderer === 'maplibre') assert.equal(await page.evaluate(() => window.__preview!.map.showTileBoundaries), true);
    else {
      const labels: string[] = await page.evaluate(() => window.__preview!.map.getLayers().item(1).getSource().getFeatures().map((f) => f.get('label') as string));
      assert.ok(labels.length > 0);
      const z = Number(labels[0].split('/')[0]);
      assert.ok(labels.every((l) => l.startsWith(`${z}/`)), 'one zoom at a time');
      const tj = (await (await fetch(`${server.url}tilejson.json`)).json()) as { tileGrid?: { origin: number[]; extentAtZoom0: number } };
      const grid = tj.tileGrid ?? { origin: [-20037508.342789244, 20037508.342789244], extentAtZoom0: 40075016.68557849 };
      const [e, n] = c.crs === 'EPSG:3857' || c.crs === 'EPSG:4326' ? proj4('EPSG:4326', c.crs, [...POINTS.land]) : proj4('EPSG:4326', meta.crs_proj4!, [...POINTS.land]);
      const side = grid.extentAtZoom0 / 2 ** z;
      const under = `${z}/${Math.floor((e - grid.origin[0]) / side)}/${Math.floor((grid.origin[1] - n) / side)}`;
      assert.ok(labels.includes(under), `${under} among ${labels.join(' ')}`);
    }

    // Our URLs as they are: MapLibre's source is tilejson.json, OpenLayers' tileset.json; tiles from their templates.
    if (c.renderer === 'maplibre') assert.equal(await page.evaluate(() => window.__preview!.map.getStyle().sources.tileset.url), `${server.url}tilejson.json`);
    assert.ok(watch.requests.includes(`${server.url}${c.renderer === 'maplibre' ? 'tilejson.json' : 'tileset.json'}`));
    const tiles = watch.requests.filter((u) => /\/\d+\/\d+\/\d+\.pbf$/.test(u));
    assert.ok(tiles.length > 0, 'tiles were asked for');
    for (const u of tiles) assert.match(u, new RegExp(`^${server.url.replace(/[.]/g, '\\.')}\\d+/\\d+/\\d+\\.pbf$`));
    const elsewhere = watch.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(elsewhere, [], 'nothing asked of another host');
    assert.deepEqual(watch.problems, []);
    await page.context().close();
  });
}

test('the issue\'s first run: a GeoPackage in SWEREF 99 TM by GDAL\'s scheme string, `mvt-build serve t/`, and Stockholm on the map', { skip }, async () => {
  const out = `${dir}/se`;
  const b = runCli([fixture('sweden-sample.gpkg'), '-o', out, '--tiling-scheme', 'EPSG:3006,-1200000,8500000,4194304', '-z', '8', '-q']);
  assert.equal(b.status, 0, b.stderr);
  const server = await serveCli([out]);
  const { page, watch } = await open({ url: server.url } as RunningServer);
  assert.equal(await page.evaluate(() => window.__preview!.renderer), 'openlayers');
  assert.equal(await page.locator('#scheme').textContent(), 'EPSG:3006, zooms 0–8');
  // Stockholm, the layer's point with id 1 (18.059188, 59.330213): a dot of the layer's colour, drawn over the polygons.
  const stockholm = await pixelOf(page, [18.059188123, 59.330213292]);
  const dot = await pixelAt(page, stockholm);
  seen.push(`SWEREF 99 TM GeoPackage: Stockholm's dot ${dot}`);
  assertColor(dot, LAND, 'the point of the first layer, at full colour');
  await page.mouse.click(stockholm[0], stockholm[1]);
  await page.locator('#feature h3').first().waitFor();
  const headings = await page.locator('#feature h3').allTextContents();
  assert.ok(headings.includes('places · id 1'), headings.join(' | '));
  assert.match((await page.locator('#feature').textContent())!, /nameStockholm/);
  assert.ok(watch.requests.includes(`${server.url}tileset.json`));
  assert.deepEqual(watch.problems, []);
  await page.context().close();
  assert.equal(await server.stop('SIGINT'), 0);
});
