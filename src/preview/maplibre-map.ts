// The MapLibre GL renderer, for Web Mercator tilesets: the source is the server's tilejson.json URL
// as it is; one fill + outline, line and circle style layer per tileset layer, polygons under lines
// under points. Its web worker is the package's own file, served beside this bundle.
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type FilterSpecification, type LayerSpecification, type MapGeoJSONFeature, type VectorTileSource } from 'maplibre-gl';
import type { MapEvents, PreviewContext, PreviewMap } from './context.js';
import { BACKGROUND, darker, FILL_OPACITY } from './style.js';

const R = 6378137;
/** lon/lat to EPSG:3857 metres, for the pointer's CRS coordinates. */
const mercator = (lon: number, lat: number): [number, number] => [(R * lon * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];

const isKind = (...types: string[]): FilterSpecification => ['match', ['geometry-type'], types, true, false];

function styleLayers(ctx: PreviewContext): LayerSpecification[] {
  const common = (id: string) => ({ source: 'tileset', 'source-layer': id });
  return [
    { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
    ...ctx.layers.flatMap((l): LayerSpecification[] => [
      { id: `${l.id}/fill`, type: 'fill', ...common(l.id), filter: isKind('Polygon', 'MultiPolygon'), paint: { 'fill-color': l.color, 'fill-opacity': FILL_OPACITY } },
      { id: `${l.id}/outline`, type: 'line', ...common(l.id), filter: isKind('Polygon', 'MultiPolygon'), paint: { 'line-color': darker(l.color), 'line-width': 1 } },
    ]),
    ...ctx.layers.map((l): LayerSpecification => ({ id: `${l.id}/line`, type: 'line', ...common(l.id), filter: isKind('LineString', 'MultiLineString'), paint: { 'line-color': l.color, 'line-width': 2 } })),
    ...ctx.layers.map((l): LayerSpecification => ({
      id: `${l.id}/point`, type: 'circle', ...common(l.id), filter: isKind('Point', 'MultiPoint'),
      paint: { 'circle-color': l.color, 'circle-radius': 4, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
    })),
  ];
}

export function mountMapLibre(container: HTMLElement, ctx: PreviewContext, events: MapEvents): { preview: PreviewMap; ready: Promise<void> } {
  setWorkerUrl(new URL('preview/maplibre-gl-worker.mjs', ctx.base).href);
  const layers = styleLayers(ctx);
  const b = ctx.tileJson.bounds;
  const map = new MapLibreMap({
    container,
    style: { version: 8, sources: { tileset: { type: 'vector', url: `${ctx.base}tilejson.json${ctx.query}` } }, layers },
    ...(b ? { bounds: b, fitBoundsOptions: { padding: 24 } } : { center: [0, 0], zoom: ctx.tileJson.minzoom }),
    attributionControl: false,
  });
  map.addControl(new NavigationControl({ showCompass: false }));
  map.on('zoom', () => events.zoom(map.getZoom()));
  events.zoom(map.getZoom());
  map.on('mousemove', (e) => events.pointer({ crs: mercator(e.lngLat.lng, e.lngLat.lat), lonLat: [e.lngLat.lng, e.lngLat.lat] }));
  map.on('mouseout', () => events.pointer(undefined));
  map.on('click', (e) => {
    const seen = new Set<string>();
    const picked = map.queryRenderedFeatures(e.point, { layers: layers.slice(1).map((l) => l.id) }).filter((f: MapGeoJSONFeature) => {
      // A polygon is drawn by its fill and its outline: list it once.
      const key = `${f.sourceLayer}/${f.id}/${JSON.stringify(f.properties)}`;
      return !seen.has(key) && seen.add(key);
    });
    events.picked(picked.map((f) => ({ layer: f.sourceLayer ?? '', id: f.id, properties: f.properties })));
  });
  const idle = () => new Promise<void>((resolve) => {
    map.once('idle', () => resolve());
    map.triggerRepaint();
  });
  const ready = new Promise<void>((resolve, reject) => {
    map.once('load', () => resolve(idle()));
    map.once('error', (e) => reject(e.error ?? new Error('MapLibre could not load the tileset')));
  });
  const preview: PreviewMap = {
    renderer: 'maplibre',
    map,
    setLayerVisible(id, visible) {
      for (const l of layers) if (l.id.startsWith(`${id}/`)) map.setLayoutProperty(l.id, 'visibility', visible ? 'visible' : 'none');
    },
    setTileBoundaries(on) {
      map.showTileBoundaries = on;
    },
    setQuery(query) {
      const done = new Promise<void>((resolve) => map.once('idle', () => resolve()));
      map.getSource<VectorTileSource>('tileset')!.setUrl(`${ctx.base}tilejson.json${query}`);
      return done;
    },
    pixelFor(lon, lat) {
      const p = map.project([lon, lat]);
      const r = container.getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    },
    idle,
  };
  return { preview, ready };
}
