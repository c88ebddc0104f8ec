// The preview page: reads the tileset's descriptors from the server, fills the panel (layers with
// their colours and toggles, tile boundaries, the clicked feature) and the status line (zoom, the
// pointer in the CRS and in lon/lat), and mounts a renderer. OpenLayers draws every scheme; MapLibre
// GL is the default for Web Mercator, and the Renderer select (or ?renderer=openlayers|maplibre)
// switches. A tileset with dimensions gets a picker (dimensions.ts); one published with attribute
// side files has a clicked feature's attributes fetched from them (attributes.ts).
// window.__preview is the tests' hook: the map, pixels of coordinates, the colours.
import { attributeLookup } from './attributes.js';
import type { MapEvents, PickedFeature, PreviewContext, PreviewLayer, PreviewMap, PreviewScheme, TileJson } from './context.js';
import { fillDimensionPicker, initialQuery } from './dimensions.js';
import { BACKGROUND, colorOf, FILL_OPACITY } from './style.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const base = new URL('./', location.href).href;

async function getJson<T>(name: string): Promise<T> {
  const r = await fetch(base + name);
  if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** The scheme from tilejson's tileGrid (absent: Web Mercator) and the CRS definition from metadata.json. */
function schemeOf(tj: TileJson, metadata: Record<string, unknown>): PreviewScheme {
  const g = tj.tileGrid;
  if (!g) return { webMercator: true, crs: 'EPSG:3857', code: 'EPSG:3857', origin: [-20037508.342789244, 20037508.342789244], extentAtZoom0: 40075016.68557849 };
  // A CRS given as WKT or a proj4 string has no code: register it under a name of ours.
  const code = /^[A-Za-z]+:\d+$/.test(g.crs) ? g.crs.toUpperCase() : 'MVT-BUILD:SCHEME';
  const proj4 = typeof metadata.crs_proj4 === 'string' ? metadata.crs_proj4 : undefined;
  return { webMercator: false, crs: g.crs, code, proj4, origin: g.origin, extentAtZoom0: g.extentAtZoom0 };
}

const KINDS = ['points', 'lines', 'polygons'];

function fillLayerList(layers: PreviewLayer[], toggle: (id: string, on: boolean) => void): void {
  const list = $('layers');
  for (const l of layers) {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: true });
    box.dataset.layer = l.id;
    box.addEventListener('change', () => toggle(l.id, box.checked));
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = l.color;
    const kind = Object.assign(document.createElement('span'), { className: 'kind', textContent: l.kind });
    label.append(box, swatch, document.createTextNode(l.id), kind);
    li.append(label);
    list.append(li);
  }
}

function showPicked(features: PickedFeature[]): void {
  const box = $('feature');
  box.replaceChildren();
  if (!features.length) {
    box.append(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'No feature here.' }));
    return;
  }
  for (const f of features) {
    box.append(Object.assign(document.createElement('h3'), { textContent: `${f.layer} · id ${f.id ?? '(none)'}` }));
    const table = document.createElement('table');
    for (const [k, v] of Object.entries(f.properties)) {
      const row = table.insertRow();
      row.append(Object.assign(document.createElement('th'), { textContent: k }), Object.assign(document.createElement('td'), { textContent: String(v) }));
    }
    box.append(table);
  }
}

const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function statusEvents(scheme: PreviewScheme, lookup: ((f: PickedFeature) => Promise<PickedFeature>) | undefined): MapEvents {
  let clicks = 0;
  return {
    zoom: (z) => ($('zoom').textContent = `z ${fmt(z, 2)}`),
    pointer(at) {
      if (!at) {
        $('coords').textContent = $('lonlat').textContent = '';
        return;
      }
      const [lon, lat] = at.lonLat;
      const degrees = scheme.crs === 'EPSG:4326';
      $('coords').textContent = `${scheme.crs} ${at.crs.map((v) => fmt(v, degrees ? 6 : 1)).join(', ')}`;
      $('lonlat').textContent = `${fmt(Math.abs(lon), 6)}° ${lon < 0 ? 'W' : 'E'}, ${fmt(Math.abs(lat), 6)}° ${lat < 0 ? 'S' : 'N'}`;
    },
    picked(features) {
      if (!lookup) return showPicked(features);
      // The latest click wins: a slower page fetch of an earlier one does not overwrite it.
      const click = ++clicks;
      Promise.all(features.map(lookup)).then(
        (full) => click === clicks && showPicked(full),
        (e: Error) => click === clicks && $('feature').replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: `attributes: ${e.message}` })),
      );
    },
  };
}

/** The test hook (window.__preview): set once the map is mounted; `ready` once it has drawn. */
interface PreviewHook {
  renderer: PreviewMap['renderer'];
  map: unknown;
  ready: boolean;
  error?: string;
  idle(): Promise<void>;
  pixel(lon: number, lat: number): [number, number];
  colors: { background: string; fillOpacity: number; layers: Record<string, string> };
  /** The dimension values the map draws, as a query ('' for the defaults). */
  query(): string;
}
declare global {
  interface Window {
    __preview?: PreviewHook;
  }
}

async function main(): Promise<void> {
  const [tileJson, metadata, tileset] = await Promise.all([
    getJson<TileJson>('tilejson.json'),
    getJson<Record<string, unknown>>('metadata.json'),
    getJson<{ layers?: { id: string; geometryDimension?: number }[] }>('tileset.json'),
  ]);
  const scheme = schemeOf(tileJson, metadata);
  const dims = new Map((tileset.layers ?? []).map((l) => [l.id, l.geometryDimension]));
  const layers = tileJson.vector_layers.map((l, i) => ({ id: l.id, color: colorOf(i), kind: KINDS[dims.get(l.id) ?? -1] ?? '' }));
  const ctx: PreviewContext = { base, tileJson, scheme, layers, query: initialQuery(tileJson.dimensions ?? [], location.search) };
  const attributeFiles = typeof metadata.attribute_files === 'string' ? metadata.attribute_files : undefined;
  document.title = `${tileJson.name ?? 'tileset'} — mvt-build preview`;
  $('title').textContent = tileJson.name ?? 'tileset';
  $('scheme').textContent = `${scheme.crs}, zooms ${tileJson.minzoom}–${tileJson.maxzoom}`;

  const asked = new URLSearchParams(location.search).get('renderer');
  const renderer = scheme.webMercator && asked !== 'openlayers' ? 'maplibre' : 'openlayers';
  const select = $<HTMLSelectElement>('renderer');
  select.value = renderer;
  if (!scheme.webMercator) {
    select.disabled = true;
    select.title = 'MapLibre GL draws Web Mercator tilesets; this one is in another grid';
  }
  select.addEventListener('change', () => {
    location.search = `?renderer=${select.value}${ctx.query.replace('?', '&')}`;
  });

  // Each renderer is its own chunk: a page loads only the library it draws with.
  const mount = renderer === 'maplibre' ? (await import('./maplibre-map.js')).mountMapLibre : (await import('./ol-map.js')).mountOpenLayers;
  const { preview, ready } = mount($('map'), ctx, statusEvents(scheme, attributeFiles ? attributeLookup(base, attributeFiles) : undefined));
  let pending: Promise<void> = Promise.resolve();
  fillDimensionPicker($('dimensions'), tileJson.dimensions ?? [], ctx.query, base, (query) => {
    ctx.query = query;
    pending = preview.setQuery(query);
  });
  fillLayerList(layers, (id, on) => preview.setLayerVisible(id, on));
  $<HTMLInputElement>('boundaries').addEventListener('change', (e) => preview.setTileBoundaries((e.target as HTMLInputElement).checked));
  const hook: PreviewHook = {
    renderer: preview.renderer,
    map: preview.map,
    ready: false,
    idle: async () => {
      await pending;
      await preview.idle();
    },
    pixel: (lon, lat) => preview.pixelFor(lon, lat),
    colors: { background: BACKGROUND, fillOpacity: FILL_OPACITY, layers: Object.fromEntries(layers.map((l) => [l.id, l.color])) },
    query: () => ctx.query,
  };
  window.__preview = hook;
  await ready;
  hook.ready = true;
}

main().catch((e: Error) => {
  const box = $('feature');
  box.replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: `The map cannot be shown: ${e.message}` }));
  window.__preview = { ...(window.__preview as PreviewHook), error: e.message };
  console.error(e);
});
