// The tileset behind `serve`, opened for answering requests: its metadata, its stored documents and
// one tile at a time. A directory is read here through safe-path (a symlink out of it is not
// followed); an .mbtiles or .pmtiles file through tileset/'s readers (a PMTiles re-rooted scheme's
// zoom z read from stored zoom z + zoom_offset there). A rebuild replaces the tileset in place
// (renamed over it): `changed()` notices, and the server opens it again.
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { MAX_ZOOM } from '../scheme/tiling-scheme.js';
import { parseTilesetMetadata, type TilesetInfo } from '../tileset/metadata.js';
import { openTileset, type Tileset } from '../tileset/tileset.js';
import { describeFromMetadata, DOCUMENT_KEYS, servedMetadata, templateExtension, type JsonObject, type StoredDocuments } from './descriptors.js';
import { servedDimensions, type ServedDimensions } from './dimensions.js';
import { OutsideTilesetError, readInside } from './safe-path.js';

export interface TileSource {
  readonly format: 'directory' | 'mbtiles' | 'pmtiles';
  /** The path given, resolved. */
  readonly path: string;
  readonly info: TilesetInfo;
  readonly docs: StoredDocuments;
  /** Zooms a tile may be asked for: the metadata's minzoom..maxzoom. */
  readonly minzoom: number;
  readonly maxzoom: number;
  /** Tile file extensions a request may end with (pbf, mvt, and a directory's own). */
  readonly extensions: ReadonlySet<string>;
  /** For a PMTiles archive: the file, served whole at /NAME with byte ranges. */
  readonly archive?: { path: string; name: string };
  /** The dimensions metadata.json declares (a directory published with dimensions: one tree per value). */
  readonly dimensions?: ServedDimensions;
  /** Has the tileset publish's attribute side files (attr/0000.json…)? */
  readonly attributeFiles: boolean;
  /**
   * A tile's stored bytes, undefined when it was not written. `extension` as requested; `tree` the
   * dimension tree's directory (`2024`, `y2024/base`), checked values only. Throws
   * OutsideTilesetError for a tile file that is a symlink out of a directory tileset.
   */
  readTile(z: number, x: number, y: number, extension: string | undefined, tree?: string): Promise<Uint8Array | undefined>;
  /** An attribute side file (`0000.json`, or its `.br`), undefined when there is none. */
  readAttributes(file: string): Promise<Uint8Array | undefined>;
  /** True once the tileset on disk is another than the one opened (rebuilt). */
  changed(): Promise<boolean>;
  close(): Promise<void>;
}

/** What a file or metadata.json is, to tell a rebuilt tileset: inode, size, mtime. */
async function versionOf(path: string): Promise<string> {
  const s = await stat(path).catch(() => undefined);
  return s ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}` : 'none';
}

function parseJsonObject(text: unknown): JsonObject | undefined {
  if (text && typeof text === 'object' && !Array.isArray(text)) return text as JsonObject;
  if (typeof text !== 'string') return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** The stored descriptors (or made ones), given how to find each by its file name and its key. */
function documents(info: TilesetInfo, stored: JsonObject, find: (file: string, key: string) => JsonObject | undefined, extension: string): StoredDocuments {
  const made: string[] = [];
  const found = Object.fromEntries(DOCUMENT_KEYS.map(([name, file, key]) => [name, find(file, key)])) as Record<(typeof DOCUMENT_KEYS)[number][0], JsonObject | undefined>;
  const fallback = DOCUMENT_KEYS.some(([name]) => !found[name]) ? describeFromMetadata(info, extension) : undefined;
  for (const [name, file] of DOCUMENT_KEYS) {
    if (!found[name]) {
      found[name] = fallback![name];
      made.push(file);
    }
  }
  return { tileJson: found.tileJson!, tileMatrixSet: found.tileMatrixSet!, tileset: found.tileset!, metadata: servedMetadata(stored, info), made };
}

const zoomRange = (info: TilesetInfo) => ({ minzoom: info.minzoom ?? 0, maxzoom: info.maxzoom ?? MAX_ZOOM });

async function openDirectory(path: string): Promise<TileSource> {
  const root = await realpath(path);
  const problems: string[] = [];
  let raw: JsonObject = {};
  const meta = await readInside(root, ['metadata.json']);
  if (meta.ok) {
    raw = parseJsonObject(meta.data.toString('utf8')) ?? {};
    if (!Object.keys(raw).length) problems.push('metadata.json does not hold a JSON object');
  } else if (meta.why === 'outside') {
    throw new InputError('metadata.json leads outside the tileset (a symlink): not served', path);
  } else problems.push('no metadata.json: WebMercatorQuad assumed');
  const info = parseTilesetMetadata(raw, problems);
  const files = new Map<string, JsonObject | undefined>();
  for (const [, file] of DOCUMENT_KEYS) {
    const r = await readInside(root, [file]);
    files.set(file, r.ok ? parseJsonObject(r.data.toString('utf8')) : undefined);
  }
  const own = templateExtension(files.get('tilejson.json'));
  const extensions = new Set(['pbf', 'mvt', ...(own ? [own] : [])]);
  const version = await versionOf(join(root, 'metadata.json'));
  let dimensions: ServedDimensions | undefined;
  try {
    dimensions = servedDimensions(raw);
  } catch (e) {
    throw new InputError(`metadata.json declares dimensions that do not check out: ${(e as Error).message}`, path);
  }
  const dimensionExtension = dimensions?.template.extension;
  if (dimensionExtension) extensions.add(dimensionExtension);
  const attributeFiles = (await readInside(root, ['attr', '0000.json'])).ok;
  return {
    format: 'directory',
    path: resolve(path),
    info,
    docs: documents(info, raw, (file) => files.get(file), own ?? dimensionExtension ?? 'pbf'),
    ...zoomRange(info),
    extensions,
    dimensions,
    attributeFiles,
    async readTile(z, x, y, extension, tree) {
      // Only the extension asked for: the URL names the file. A tree's directory is of checked values (dimensions.ts).
      const r = await readInside(root, [...(tree ? tree.split('/') : []), String(z), String(x), `${y}.${extension ?? own ?? dimensionExtension ?? 'pbf'}`]);
      if (!r.ok && r.why === 'outside') throw new OutsideTilesetError(`/${z}/${x}/${y} leads outside the tileset (a symlink): not served`);
      return r.ok ? r.data : undefined;
    },
    async readAttributes(file) {
      const r = await readInside(root, ['attr', file]);
      if (!r.ok && r.why === 'outside') throw new OutsideTilesetError(`/attr/${file} leads outside the tileset (a symlink): not served`);
      return r.ok ? r.data : undefined;
    },
    async changed() {
      return (await versionOf(join(root, 'metadata.json'))) !== version;
    },
    async close() {},
  };
}

async function openFile(tileset: Tileset): Promise<TileSource> {
  const info = tileset.info;
  // A PMTiles archive keeps zooms, bounds and center in its header: metadata.json gets them as GDAL writes them.
  // Degrees to 7 decimals, a center's zoom whole.
  const f7 = (v: number[] | undefined) => v?.map((n, i) => (i < 2 || v.length === 4 ? n.toFixed(7) : String(Math.trunc(n)))).join(',');
  const stored = tileset.format === 'pmtiles'
    ? { ...info.raw, minzoom: info.minzoom, maxzoom: info.maxzoom, bounds: f7(info.bounds), center: f7(info.center) }
    : info.raw;
  // MBTiles rows hold text; PMTiles keys hold JSON values.
  const docs = documents(info, stored, (_file, key) => parseJsonObject(info.raw[key]), 'pbf');
  const version = await versionOf(tileset.path);
  return {
    format: tileset.format,
    path: tileset.path,
    info,
    docs,
    ...zoomRange(info),
    extensions: new Set(['pbf', 'mvt']),
    archive: tileset.format === 'pmtiles' ? { path: tileset.path, name: basename(tileset.path) } : undefined,
    attributeFiles: false,
    readTile: (z, x, y) => tileset.readTile(z, x, y),
    readAttributes: async () => undefined,
    async changed() {
      return (await versionOf(tileset.path)) !== version;
    },
    close: () => tileset.close(),
  };
}

/**
 * A `publish --destdir` directory (no metadata.json of its own) as the tileset its layer map points
 * to: the map is publish's default one, `DESTDIR/../metadata.json`, and the entry the one whose path
 * ends in `/DESTDIR-NAME/xx` with `DESTDIR/xx` there. Undefined when the directory is no such thing.
 */
async function publishedTileset(path: string): Promise<{ directory: string; layerMap: string } | undefined> {
  if ((await stat(join(path, 'metadata.json')).catch(() => undefined)) !== undefined) return undefined;
  const layerMap = join(dirname(resolve(path)), 'metadata.json');
  let map: unknown;
  try {
    map = (JSON.parse(await readFile(layerMap, 'utf8')) as { layermap?: unknown }).layermap;
  } catch {
    return undefined;
  }
  if (!map || typeof map !== 'object') return undefined;
  const name = basename(resolve(path));
  for (const v of Object.values(map)) {
    const m = typeof v === 'string' ? /\/([^/]+)\/([0-9a-f]{2})$/.exec(v) : null;
    if (m && m[1] === name && (await stat(join(path, m[2])).catch(() => undefined))?.isDirectory()) return { directory: join(path, m[2]), layerMap };
  }
  return undefined;
}

/**
 * Opens what `serve PATH` names: a tileset directory, a `publish` destination (the tileset its layer
 * map points to, followed again when a run publishes another), an .mbtiles or a .pmtiles file.
 */
export async function openTileSource(path: string): Promise<TileSource> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'no such file or directory' : e.message, path);
  });
  if (st.isDirectory()) {
    const published = await publishedTileset(path);
    if (!published) return openDirectory(path);
    const mapVersion = await versionOf(published.layerMap);
    const source = await openDirectory(published.directory);
    return { ...source, changed: async () => (await versionOf(published.layerMap)) !== mapVersion || source.changed() };
  }
  if (!/\.(?:mbtiles|pmtiles)$/i.test(path)) throw new UsageError(`${path}: not a tileset (a directory of {z}/{x}/{y} tiles, an .mbtiles or a .pmtiles file)`);
  return openFile(await openTileset(path));
}
