// The three descriptors written beside every tileset, for clients that do not read metadata.json:
// tilejson.json (MapLibre, Mapbox GL, OpenLayers' TileJSON source), tilematrixset.json (the grid as
// an OGC Tile Matrix Set) and tileset.json (OpenLayers' OGCVectorTile source, any OGC API client).
import { UsageError } from '../errors.js';
import type { TilesetDescription } from './description.js';
import { ogcTileset, type OgcTilesetJson } from './ogc-tileset.js';
import { tileJson, type TileJson } from './tilejson.js';
import { tileMatrixSetJson, type TileMatrixSetJson } from './tile-matrix-set.js';

/** The descriptors' file names, beside metadata.json (and the names of their MBTiles metadata rows). */
export const DESCRIPTOR_FILES = { tileJson: 'tilejson.json', tileMatrixSet: 'tilematrixset.json', tileset: 'tileset.json' } as const;

export interface Descriptors {
  tileJson: TileJson;
  tileMatrixSet: TileMatrixSetJson;
  tileset: OgcTilesetJson;
}

/**
 * A base URL must be absolute http(s), without query or fragment: tile URLs are made by appending
 * `{z}/{x}/{y}.pbf` to it. Throws a UsageError otherwise.
 */
export function checkBaseUrl(url: string | undefined): void {
  if (url === undefined) return;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`base URL must be an absolute http(s) URL such as https://example.com/tiles/, got "${url}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`base URL must be http or https, got "${url}"`);
  if (u.search || u.hash || /[?#]/.test(url)) throw new UsageError(`base URL must not have a query or fragment (tile paths are appended to it), got "${url}"`);
}

/** `path` under the base URL, or as it is (relative to the descriptor) without one. */
function under(base: string | undefined, path: string): string {
  return base ? `${base.replace(/\/+$/, '')}/${path}` : path;
}

/**
 * The descriptors of a tileset whose tiles are `{z}/{x}/{y}.{extension}` beside them. Their URLs are
 * relative to the descriptor's own location unless `baseUrl` is given: OpenLayers resolves them so,
 * while TileJSON 3.0.0 asks for absolute URLs and MapLibre needs them (give `baseUrl`).
 */
export function describeTileset(m: TilesetDescription, options: { extension?: string } = {}): Descriptors {
  const ext = options.extension ?? 'pbf';
  const url = (path: string) => under(m.baseUrl, path);
  return {
    tileJson: tileJson(m, [url(`{z}/{x}/{y}.${ext}`)]),
    tileMatrixSet: tileMatrixSetJson(m.scheme, { maxzoom: m.maxzoom }),
    tileset: ogcTileset(m, {
      tiles: url(`{tileMatrix}/{tileCol}/{tileRow}.${ext}`),
      tileMatrixSet: url(DESCRIPTOR_FILES.tileMatrixSet),
      tileJson: url(DESCRIPTOR_FILES.tileJson),
    }),
  };
}

/** The descriptor files as [name, text] (2-space JSON with a final newline). */
export function descriptorFiles(m: TilesetDescription, options: { extension?: string } = {}): [string, string][] {
  const d = describeTileset(m, options);
  const text = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return [
    [DESCRIPTOR_FILES.tileJson, text(d.tileJson)],
    [DESCRIPTOR_FILES.tileMatrixSet, text(d.tileMatrixSet)],
    [DESCRIPTOR_FILES.tileset, text(d.tileset)],
  ];
}
