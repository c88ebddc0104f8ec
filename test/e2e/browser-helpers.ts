// What the browser tests share: Debian's Chromium driven by playwright-core (skipped without it,
// unless REQUIRE_BROWSER=1), the page's colours as numbers, one pixel read off the screen, and the
// preview opened and waited for until it has drawn, every request and error recorded.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
export const skip = !haveBrowser && `Chromium (${CHROMIUM}) is not installed`;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** The page's colours (src/preview/style.ts): asserted here as numbers, not read back from the page. */
export const BACKGROUND = [0xf4, 0xf3, 0xef];
export const FILL_OPACITY = 0.6;
export const blend = (c: number[]) => c.map((v, i) => Math.round(FILL_OPACITY * v + (1 - FILL_OPACITY) * BACKGROUND[i]));
/** Renderers round and blend on 8 bits, OpenLayers on a 2D canvas, MapLibre in WebGL: a unit or two apart. */
const TOLERANCE = 2;

/**
 * One pixel of the page as the screen shows it: a 1 × 1 screenshot. Its PNG holds one scanline of one
 * pixel, where every PNG filter (none, sub, up, average, Paeth) predicts 0: the bytes after the filter
 * byte are the pixel itself.
 */
export async function pixelAt(page: Page, [x, y]: [number, number]): Promise<number[]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const chunks: Buffer[] = [];
  let colorType = 0;
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at), type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IHDR') colorType = png[at + 8 + 9];
    if (type === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  assert.ok(colorType === 2 || colorType === 6, `PNG colour type ${colorType}`);
  return [...raw.subarray(1, 4)];
}

export function assertColor(actual: number[], expected: number[], what: string): void {
  assert.ok(actual.every((v, i) => Math.abs(v - expected[i]) <= TOLERANCE), `${what}: rgb(${actual}) on screen, rgb(${expected}) expected`);
}

export interface Watch {
  requests: string[];
  problems: string[];
}

/** Opens the preview and waits until it has drawn; records every request and every error. */
export async function openPreview(browser: Browser, url: string, query = ''): Promise<{ page: Page; watch: Watch }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const watch: Watch = { requests: [], problems: [] };
  page.on('request', (r) => watch.requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && watch.problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => watch.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && watch.problems.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.goto(url + query);
  // A guard against a hang, not a measure: the page says when it has drawn (or why it cannot).
  await page.waitForFunction(() => window.__preview?.ready || window.__preview?.error, undefined, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => window.__preview!.error), undefined);
  return { page, watch };
}

/** The calls the tests make on the libraries' own map objects (ol/Map, maplibre-gl's Map). */
export interface LibraryMap {
  getZoom(): number;
  showTileBoundaries: boolean;
  getStyle(): { sources: Record<string, { url?: string }> };
  getLayers(): { item(i: number): { getSource(): { getFeatures(): { get(key: string): unknown }[] }; getFeaturesInExtent(extent: number[]): { getId(): unknown }[] } };
  querySourceFeatures(source: string, o: { sourceLayer: string }): { id?: unknown }[];
  getView(): { getZoom(): number; getResolution(): number; calculateExtent(): number[] };
}

declare global {
  interface Window {
    __preview?: { renderer: string; map: LibraryMap; ready: boolean; error?: string; idle(): Promise<void>; pixel(lon: number, lat: number): [number, number]; colors: { background: string; fillOpacity: number; layers: Record<string, string> }; query(): string };
  }
}

