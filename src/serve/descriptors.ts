// The documents `serve` answers with beside the tiles: the three descriptors (tilejson.json,
// tilematrixset.json, tileset.json) and metadata.json, as the tileset stores them — files beside a
// directory's metadata.json, MBTiles metadata rows, PMTiles metadata keys — with their URLs pointed at
// the server. A tileset without them (built by GDAL, or by an older mvt-build) gets them made from its
// metadata, as the build would have written them (without tileset.json's per-zoom limits, which only
// the list of tiles could give).
import { crsDefinitionKeys } from '../describe/crs-keys.js';
import { describeTileset, DESCRIPTOR_FILES } from '../describe/descriptors.js';
import type { FieldType } from '../model/attributes.js';
import { LayerSchema } from '../model/layer-schema.js';
import { isWebMercatorQuad } from '../scheme/tiling-scheme.js';
import type { TilesetInfo } from '../tileset/metadata.js';

export type JsonObject = Record<string, unknown>;

export interface StoredDocuments {
  tileJson: JsonObject;
  tileMatrixSet: JsonObject;
  tileset: JsonObject;
  metadata: JsonObject;
  /** Which descriptors were made here rather than read from the tileset. */
  made: string[];
}

/** The descriptor names as files and as the MBTiles rows / PMTiles keys that hold the same documents. */
export const DOCUMENT_KEYS = [
  ['tileJson', DESCRIPTOR_FILES.tileJson, 'tilejson'],
  ['tileMatrixSet', DESCRIPTOR_FILES.tileMatrixSet, 'tilematrixset'],
  ['tileset', DESCRIPTOR_FILES.tileset, 'tileset'],
] as const;

const FIELD_TYPES = new Set(['String', 'Number', 'Boolean']);

/** The descriptors of a tileset, made from what its metadata says (see the file comment). */
export function describeFromMetadata(info: TilesetInfo, extension: string): Pick<StoredDocuments, 'tileJson' | 'tileMatrixSet' | 'tileset'> {
  const minzoom = info.minzoom ?? 0;
  const maxzoom = info.maxzoom ?? Math.max(minzoom, ...info.layers.map((l) => l.maxzoom ?? 0));
  const layers = info.layers.map((l) => {
    const s = new LayerSchema(l.id, l.description ?? '', l.minzoom ?? minzoom, l.maxzoom ?? maxzoom);
    for (const [name, type] of Object.entries(l.fields)) s.declare(name, FIELD_TYPES.has(type) ? (type as FieldType) : 'String');
    return s;
  });
  const d = describeTileset({
    name: info.name ?? '',
    description: info.description ?? '',
    minzoom,
    maxzoom,
    bounds: info.bounds ?? [-180, -85.0511287798066, 180, 85.0511287798066],
    center: info.center,
    scheme: info.scheme,
    layers,
  }, { extension });
  return { tileJson: d.tileJson as unknown as JsonObject, tileMatrixSet: d.tileMatrixSet as unknown as JsonObject, tileset: d.tileset as unknown as JsonObject };
}

/**
 * metadata.json as served: the stored keys, less the descriptors (they have URLs of their own), plus
 * `crs_proj4` and `crs_wkt` for a grid other than Web Mercator when the tileset lacks them (GDAL's
 * output, older archives), so that a client registers the CRS from here alone.
 */
export function servedMetadata(stored: JsonObject, info: TilesetInfo): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(stored)) if (!DOCUMENT_KEYS.some(([, , key]) => key === k)) out[k] = v;
  if (!isWebMercatorQuad(info.scheme) && out.crs_proj4 === undefined) {
    try {
      Object.assign(out, Object.fromEntries(Object.entries(crsDefinitionKeys(info.scheme)).filter(([, v]) => v !== undefined)));
    } catch {
      // A CRS the EPSG index does not know: the client gets what the tileset has.
    }
  }
  return out;
}

/** `{z}/{x}/{y}.pbf`-style templates and our descriptor file names: what our URLs end with. */
const OUR_TAIL = /(?:\{z\}\/\{x\}\/\{y\}|\{tileMatrix\}\/\{tileCol\}\/\{tileRow\})[^/]*$|[^/{}]+\.json$/;

/**
 * A descriptor URL pointed at `base` (the server's root, ending in /). Relative URLs are relative to the
 * tileset's root, which the server's root is. An absolute one (a build with --base-url) keeps its last
 * part when it is one of ours (a tile template or a descriptor name) and gets the server's address in
 * front; anything else (a registry URI) is left as it is. Plain string work: URL() would percent-encode
 * the braces of the templates.
 */
export function rebaseUrl(url: string, base: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('/')) return base + url;
  const tail = OUR_TAIL.exec(url);
  return tail ? base + tail[0] : url;
}

/**
 * The descriptors with their URLs (TileJSON `tiles`, OGC `links[].href`) pointed at `base`; tile
 * templates get `tileQuery` (a tileset's dimension values, `?year=2023`) after them.
 */
export function rewriteDocuments(docs: StoredDocuments, base: string, tileQuery = ''): { tileJson: JsonObject; tileMatrixSet: JsonObject; tileset: JsonObject } {
  const tileJson = { ...docs.tileJson };
  if (Array.isArray(tileJson.tiles)) tileJson.tiles = tileJson.tiles.map((t) => (typeof t === 'string' ? rebaseUrl(t, base) + tileQuery : t));
  const tileset = { ...docs.tileset };
  if (Array.isArray(tileset.links)) {
    tileset.links = tileset.links.map((l) => {
      if (!l || typeof l !== 'object' || typeof (l as JsonObject).href !== 'string') return l;
      const href = rebaseUrl((l as JsonObject).href as string, base);
      return { ...(l as JsonObject), href: (l as JsonObject).templated ? href + tileQuery : href };
    });
  }
  return { tileJson, tileMatrixSet: docs.tileMatrixSet, tileset };
}

/** The tile file extension a stored TileJSON's template uses (`{z}/{x}/{y}.mvt` → mvt). */
export function templateExtension(tileJson: JsonObject | undefined): string | undefined {
  const t = Array.isArray(tileJson?.tiles) ? tileJson.tiles[0] : undefined;
  return typeof t === 'string' ? /\{y\}\.([A-Za-z0-9]{1,16})$/.exec(t)?.[1] : undefined;
}
