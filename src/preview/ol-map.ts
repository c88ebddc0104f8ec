// The OpenLayers renderer, for every tiling scheme: the grid comes from the server's tileset.json
// through ol/source/OGCVectorTile (no grid code here), the CRS is registered with proj4 from
// metadata.json's crs_proj4, and the view's zoom levels are the scheme's (its cell sizes), so the
// zoom shown is the tileset's.
import Feature, { type FeatureLike } from 'ol/Feature.js';
import OlMap from 'ol/Map.js';
import View from 'ol/View.js';
import MVT from 'ol/format/MVT.js';
import { fromExtent } from 'ol/geom/Polygon.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import { fromLonLat, get as getProjection, toLonLat, transformExtent } from 'ol/proj.js';
import { register } from 'ol/proj/proj4.js';
import type RenderFeature from 'ol/render/Feature.js';
import OGCVectorTile from 'ol/source/OGCVectorTile.js';
import VectorSource from 'ol/source/Vector.js';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style.js';
import type WMTSTileGrid from 'ol/tilegrid/WMTS.js';
import proj4 from 'proj4';
import type { MapEvents, PreviewContext, PreviewMap } from './context.js';
import { darker, FILL_OPACITY, rgba } from './style.js';

/** Most tile outlines drawn at once: past it (a zoomed-out view of a deep zoom) the overlay waits. */
const MAX_OUTLINES = 1500;

function registerCrs(ctx: PreviewContext): void {
  const { code, proj4: definition } = ctx.scheme;
  if (getProjection(code)) return; // EPSG:3857 and EPSG:4326 are OpenLayers' own
  if (!definition) throw new Error(`the CRS ${ctx.scheme.crs} has no proj4 definition in metadata.json (crs_proj4): it cannot be drawn`);
  proj4.defs(code, definition);
  register(proj4);
}

/** Per layer, a style for each kind; zIndex draws polygons under lines under points, as the MapLibre style does. */
function layerStyles(ctx: PreviewContext): Map<string, Record<'polygon' | 'line' | 'point', Style>> {
  return new Map(ctx.layers.map((l) => [l.id, {
    polygon: new Style({ zIndex: 0, fill: new Fill({ color: rgba(l.color, FILL_OPACITY) }), stroke: new Stroke({ color: darker(l.color), width: 1 }) }),
    line: new Style({ zIndex: 1, stroke: new Stroke({ color: l.color, width: 2 }) }),
    point: new Style({ zIndex: 2, image: new Circle({ radius: 4, fill: new Fill({ color: l.color }), stroke: new Stroke({ color: '#fff', width: 1 }) }) }),
  }]));
}

export function mountOpenLayers(target: HTMLElement, ctx: PreviewContext, events: MapEvents): { preview: PreviewMap; ready: Promise<void> } {
  registerCrs(ctx);
  const { code } = ctx.scheme;
  const hidden = new Set<string>();
  const styles = layerStyles(ctx);
  const sourceFor = (query: string) => new OGCVectorTile({ url: `${ctx.base}tileset.json${query}`, format: new MVT(), projection: code, wrapX: false });
  let source = sourceFor(ctx.query);
  const style = (f: FeatureLike) => {
    const s = styles.get(f.get('layer') as string);
    if (!s || hidden.has(f.get('layer') as string)) return undefined;
    const type = (f as RenderFeature).getType();
    return type.endsWith('Polygon') ? s.polygon : type.endsWith('LineString') ? s.line : s.point;
  };
  const layerFor = (src: OGCVectorTile) => new VectorTileLayer({ source: src, style });
  let tiles = layerFor(source);
  const outlines = new VectorSource();
  const outlineLayer = new VectorLayer({
    source: outlines,
    visible: false,
    style: (f) => new Style({
      stroke: new Stroke({ color: 'rgba(60, 60, 60, 0.8)', width: 1 }),
      text: new Text({ text: f.get('label') as string, font: '12px sans-serif', fill: new Fill({ color: '#333' }), stroke: new Stroke({ color: '#fff', width: 3 }) }),
    }),
  });
  // Zoom z of the view is the scheme's zoom z: a 256-pixel tile of z at its own size.
  const res0 = ctx.scheme.extentAtZoom0 / 256;
  const view = new View({ projection: code, resolutions: Array.from({ length: 31 }, (_, z) => res0 / 2 ** z), constrainResolution: false, showFullExtent: true });
  const map = new OlMap({ target, layers: [tiles, outlineLayer], view });
  const b = ctx.tileJson.bounds;
  if (b) view.fit(transformExtent(b, 'EPSG:4326', code), { size: map.getSize(), padding: [24, 24, 24, 24] });
  else view.setZoom(ctx.tileJson.minzoom);

  /** The tiles of the zoom being drawn that cover the view, outlined and labelled z/x/y. */
  function drawOutlines(): void {
    outlines.clear();
    const grid = source.getTileGrid() as WMTSTileGrid | null;
    const size = map.getSize();
    if (!outlineLayer.getVisible() || !grid || !size) return;
    const z = grid.getZForResolution(view.getResolution()!, source.zDirection);
    const extent = view.calculateExtent(size);
    const range = grid.getTileRangeForExtentAndZ(extent, z);
    if (range.getWidth() * range.getHeight() > MAX_OUTLINES) return;
    const features: Feature[] = [];
    grid.forEachTileCoord(extent, z, (c) => {
      const f = new Feature(fromExtent(grid.getTileCoordExtent(c)));
      // The grid counts its own levels from the first matrix the tileset has: the label names the matrix.
      f.set('label', `${grid.getMatrixId(c[0])}/${c[1]}/${c[2]}`);
      features.push(f);
    });
    outlines.addFeatures(features);
  }
  map.on('moveend', drawOutlines);
  view.on('change:resolution', () => events.zoom(view.getZoom() ?? 0));
  events.zoom(view.getZoom() ?? 0);
  map.on('pointermove', (e) => events.pointer({ crs: e.coordinate as [number, number], lonLat: toLonLat(e.coordinate, code) as [number, number] }));
  target.addEventListener('pointerleave', () => events.pointer(undefined));
  map.on('singleclick', async (e) => {
    // Two hit tests: getFeaturesAtPixel takes a tolerance (thin lines) but misses the points of a
    // vector tile layer; the layer's own getFeatures reads its hit canvas, which has them.
    const near = map.getFeaturesAtPixel(e.pixel, { layerFilter: (l) => l === tiles, hitTolerance: 3 });
    const found = [...new Set([...(await tiles.getFeatures(e.pixel)), ...near])];
    events.picked(found.map((f) => {
      const { layer, ...properties } = f.getProperties();
      return { layer: layer as string, id: f.getId(), properties };
    }));
  });
  const idle = () => new Promise<void>((resolve) => {
    map.once('rendercomplete', () => resolve());
    map.render();
  });
  // tileset.json must be read (the source 'ready') before a render can be complete with tiles.
  const whenReady = (s: OGCVectorTile) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (s.getState() === 'ready') resolve(idle());
      else if (s.getState() === 'error') reject(new Error(`OpenLayers could not read ${ctx.base}tileset.json`));
      else s.once('change', check);
    };
    check();
  });
  const ready = whenReady(source);
  const preview: PreviewMap = {
    renderer: 'openlayers',
    map,
    setLayerVisible(id, visible) {
      if (visible) hidden.delete(id);
      else hidden.add(id);
      tiles.changed();
    },
    setTileBoundaries(on) {
      outlineLayer.setVisible(on);
      drawOutlines();
    },
    setQuery(query) {
      // Another tileset.json, whose tile template carries the values: a source and a layer of their own,
      // so that no tile of the other values stays in the layer's render cache (or in its hit tests).
      source = sourceFor(query);
      tiles = layerFor(source);
      map.getLayers().setAt(0, tiles);
      return whenReady(source);
    },
    pixelFor(lon, lat) {
      const [x, y] = map.getPixelFromCoordinate(fromLonLat([lon, lat], code));
      const r = target.getBoundingClientRect();
      return [r.left + x, r.top + y];
    },
    idle,
  };
  return { preview, ready };
}
