// What the preview knows about the tileset before it draws anything, read from the server's
// tilejson.json, tileset.json and metadata.json, and the interface both renderers implement.

/** The parts of our tilejson.json the page reads (src/describe/tilejson.ts writes it). */
export interface TileJson {
  name?: string;
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds?: [number, number, number, number];
  center?: [number, number, number];
  vector_layers: { id: string; fields?: Record<string, string> }[];
  /** The tileset's dimensions (serve's extension key, as metadata.json declares them). */
  dimensions?: PreviewDimension[];
  /** martin's key, for a grid other than Web Mercator. */
  tileGrid?: { crs: string; origin: [number, number]; extentAtZoom0: number; matrixAtZoom0?: [number, number] };
}

/** A dimension as serve lists it (src/dimensions/dimension.ts): what the picker offers. */
export interface PreviewDimension {
  name: string;
  type: 'values' | 'regex' | 'time';
  default: string;
  values: string[];
  regex?: string;
}

export interface PreviewLayer {
  id: string;
  color: string;
  /** 'polygons', 'lines', 'points', or '' when mixed or unknown (tileset.json's geometryDimension). */
  kind: string;
}

/** The tiling scheme: Web Mercator, or a grid in a CRS the page registers with proj4. */
export interface PreviewScheme {
  webMercator: boolean;
  /** The CRS as the tileset names it (EPSG:3067), and the code the page registers it under. */
  crs: string;
  code: string;
  /** The proj4 definition from metadata.json's crs_proj4, when the CRS needs registering. */
  proj4?: string;
  origin: [number, number];
  extentAtZoom0: number;
}

export interface PreviewContext {
  /** The server's root URL, ending in / (the page is served at it). */
  base: string;
  tileJson: TileJson;
  scheme: PreviewScheme;
  layers: PreviewLayer[];
  /** The dimension values asked for, as a query (`?year=2023`, '' for the defaults): added to the descriptors' URLs. */
  query: string;
}

export interface PickedFeature {
  layer: string;
  id: number | string | undefined;
  properties: Record<string, unknown>;
}

/** What a renderer tells the page as the user moves around. */
export interface MapEvents {
  /** The pointer in the scheme's CRS and in lon/lat, or undefined when it leaves the map. */
  pointer(at: { crs: [number, number]; lonLat: [number, number] } | undefined): void;
  zoom(z: number): void;
  picked(features: PickedFeature[]): void;
}

/** One renderer's map, as the page and the test hook (window.__preview) drive it. */
export interface PreviewMap {
  readonly renderer: 'openlayers' | 'maplibre';
  /** The library's own map object (ol/Map or maplibre-gl's Map). */
  readonly map: unknown;
  setLayerVisible(id: string, visible: boolean): void;
  setTileBoundaries(on: boolean): void;
  /** The page pixel (CSS pixels from the viewport's top left) where lon/lat is drawn. */
  pixelFor(lon: number, lat: number): [number, number];
  /** Draws the tiles of other dimension values: the descriptors asked with `query` (`?year=2023`); resolves once the new descriptor is read. */
  setQuery(query: string): Promise<void>;
  /** Resolves once everything in view is drawn, tiles loaded. */
  idle(): Promise<void>;
}
