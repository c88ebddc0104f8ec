// The publish config (JSON or YAML, with the keys of the GDAL publishing job it replaces, so that its
// configs carry over): read, checked whole, and normalized. Every problem is reported with its path
// and line (`config.yml:12: layers.roads.publish.main.where: …`), as maplibre's style validator does,
// not only the first; keys that look like a misspelt one of ours are warned about.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap as isMapNode, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { checkDimensions, type DimensionSpec, type Problem } from '../dimensions/dimension.js';
import { DEFAULT_TEMPLATE, parsePathTemplate, type PathTemplate } from '../dimensions/template.js';
import { wherePlaceholders } from '../dimensions/where.js';
import { DEFAULTS } from '../defaults.js';
import { UsageError } from '../errors.js';
import { resolveCrs } from '../projection/crs.js';
import { MAX_ZOOM, parseTilingScheme } from '../scheme/tiling-scheme.js';

export type { Problem } from '../dimensions/dimension.js';

/** One output layer a source layer feeds, with its own condition and zooms. */
export interface PublishTarget {
  name: string;
  where?: string;
  minzoom?: number;
  maxzoom?: number;
}

export interface SourceLayer {
  /** The source layer: a GeoPackage table, or the GeoJSON file's one layer. */
  name: string;
  /** Condition on every row the layer publishes (GeoPackage SQL), ANDed with a target's own. */
  where?: string;
  targets: PublishTarget[];
}

/** The `vector-tiles` defaults, as the build's options (the seed's keys mapped onto GDAL's MVT options). */
export interface VectorTileOptions {
  minzoom?: number;
  maxzoom?: number;
  maxSize?: number;
  maxFeatures?: number;
  simplification?: number;
  simplificationMaxZoom?: number;
  /** A preset or GDAL's `CRS,ULX,ULY,DIM0[,W0,H0]` (a list in the config is joined with commas). */
  tilingScheme?: string;
  extent?: number;
  buffer?: number;
}

export interface PublishConfig {
  /** The config file (messages name it). */
  file: string;
  /** The source: a GeoPackage or a GeoJSON file, its path resolved from the config's directory. */
  dataset: { path: string; srs?: string };
  /** Target SRS of the attribute files' geometry, of `extent` and of the features given to the tiler. */
  srs?: string;
  /** Features are cut to it, `[minx, miny, maxx, maxy]` in the target SRS. */
  extent?: [number, number, number, number];
  vectorTiles: VectorTileOptions;
  /** Every source layer of the config, in its order. */
  layers: SourceLayer[];
  groups: Record<string, string[]>;
  /** Attributes also written into the tiles: none (false, the default), all (true), or these columns. */
  tileAttributes: boolean | string[];
  dimensions: DimensionSpec[];
  /** Where each dimension value's tree goes; set when there are dimensions. */
  pathTemplate?: PathTemplate;
  /** Unknown keys that look like misspelt ones: reported, not fatal. */
  warnings: (Problem & { line?: number })[];
  /** The line of the file a path points at, for problems found later (against the dataset). */
  lineOf?: (path: string) => number | undefined;
}

/** A config with problems: all of them, each with its path (and line). */
export class ConfigError extends UsageError {
  constructor(readonly file: string, readonly problems: (Problem & { line?: number })[]) {
    super(`${file}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  ${formatProblem(file, p)}`).join('\n')}`);
  }
}

/** A ConfigError for problems found after parsing (against the dataset): located like the others. */
export function configError(config: PublishConfig, problems: Problem[]): ConfigError {
  const lined = problems.map((p) => ({ ...p, line: config.lineOf?.(p.path) }));
  return new ConfigError(config.file, lined.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
}

export function formatProblem(file: string, p: Problem & { line?: number }): string {
  return `${file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** Reads and checks a config file; throws ConfigError listing every problem. */
export async function loadConfig(file: string): Promise<PublishConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(file, [{ path: '', message: err.code === 'ENOENT' ? 'no such file' : `cannot read: ${err.message}` }]);
  }
  return parseConfig(text, file);
}

const TOP = ['dataset', 'SRS', 'extent', 'vector-tiles', 'layers', 'groups', 'tile-attributes', 'dimensions', 'path-template'];
const LAYER = ['publish', 'where'];
const TARGET = ['where', 'minzoom', 'maxzoom'];
/** The seed's `vector-tiles` keys and the build option each sets. */
const VECTOR_TILES: Record<string, keyof VectorTileOptions> = {
  'min-zoom': 'minzoom',
  'max-zoom': 'maxzoom',
  'max-size': 'maxSize',
  'max-features': 'maxFeatures',
  simplification: 'simplification',
  'simplification-max-zoom': 'simplificationMaxZoom',
  'tiling-scheme': 'tilingScheme',
  extent: 'extent',
  buffer: 'buffer',
};

/** Parses config text (JSON is YAML too; a .json file is held to JSON) and checks it. */
export function parseConfig(text: string, file: string): PublishConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, ...(/\.json$/i.test(file) ? { schema: 'json' as const } : {}) });
  if (doc.errors.length) {
    throw new ConfigError(file, doc.errors.map((e) => ({ path: '', message: `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`, line: e.linePos?.[0].line })));
  }
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const config = check(raw, dirname(resolve(file)), file, problems, warnings);
  // In the order of the file, which is how one reads and fixes them.
  const lined = (ps: Problem[]) => ps.map((p) => ({ ...p, line: lineOf(doc, lineCounter, p.path) })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (problems.length) throw new ConfigError(file, lined(problems));
  config.warnings = lined(warnings);
  config.lineOf = (path) => lineOf(doc, lineCounter, path);
  return config;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);
/** A key as it goes into a path: `.roads`, or `["roads.v2"]` for a key a dot would split. */
export const key = (k: string | number) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z0-9_-]+$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
const join = (path: string, k: string | number) => (path ? path + key(k) : key(k).replace(/^\./, ''));

function check(raw: unknown, baseDir: string, file: string, problems: Problem[], warnings: Problem[]): PublishConfig {
  const bad = (path: string, message: string) => problems.push({ path, message });
  const config: PublishConfig = { file, dataset: { path: '' }, vectorTiles: {}, layers: [], groups: {}, tileAttributes: false, dimensions: [], warnings: [] };
  if (!isMap(raw)) {
    bad('', `must be a mapping with dataset, layers, … at the top, got ${describe(raw)}`);
    return config;
  }
  unknownKeys(raw, TOP, '', warnings, true);

  // dataset
  const ds = raw.dataset;
  if (!isMap(ds)) bad('dataset', `is required: a mapping with the source's path, got ${describe(ds)}`);
  else {
    if (typeof ds.path !== 'string' || !ds.path) bad('dataset.path', `is required: the GeoPackage or GeoJSON file to publish, got ${describe(ds.path)}`);
    else if (!/\.(gpkg|geojson|json)$/i.test(ds.path)) bad('dataset.path', `"${ds.path}" is neither a GeoPackage (.gpkg) nor a GeoJSON file (.geojson, .json)`);
    else config.dataset.path = resolve(baseDir, ds.path);
    if (ds.srs !== undefined) {
      if (crsProblem(ds.srs)) bad('dataset.srs', crsProblem(ds.srs)!);
      else config.dataset.srs = ds.srs as string;
    }
    unknownKeys(ds, ['path', 'srs', 'open-options', 'open-options-publish'], 'dataset', warnings, false);
  }

  // SRS and extent
  if (raw.SRS !== undefined) {
    if (crsProblem(raw.SRS)) bad('SRS', crsProblem(raw.SRS)!);
    else config.srs = raw.SRS as string;
  }
  if (raw.extent !== undefined) {
    const e = raw.extent;
    if (!Array.isArray(e) || e.length !== 4 || !e.every((n) => typeof n === 'number' && Number.isFinite(n))) bad('extent', `must be [minx, miny, maxx, maxy] in the target SRS, got ${JSON.stringify(e)}`);
    else if (e[0] >= e[2] || e[1] >= e[3]) bad('extent', `must have minx < maxx and miny < maxy, got ${JSON.stringify(e)}`);
    else config.extent = e as [number, number, number, number];
  }

  // vector-tiles
  const vt = raw['vector-tiles'];
  if (vt !== undefined && !isMap(vt)) bad('vector-tiles', `must be a mapping of tile options, got ${describe(vt)}`);
  else if (vt) {
    for (const [k, v] of Object.entries(vt)) {
      const path = join('vector-tiles', k);
      const option = VECTOR_TILES[k];
      if (!option) {
        warnings.push({ path, message: `unknown key, ignored (the keys are ${Object.keys(VECTOR_TILES).join(', ')})` });
        continue;
      }
      if (option === 'tilingScheme') {
        const text = Array.isArray(v) ? v.map(String).join(',') : v;
        if (typeof text !== 'string') {
          bad(path, `must be a preset name or CRS,ULX,ULY,DIM0[,W0,H0] (a string or a list), got ${describe(v)}`);
          continue;
        }
        try {
          parseTilingScheme(text);
          config.vectorTiles.tilingScheme = text;
        } catch (e) {
          bad(path, (e as Error).message);
        }
        continue;
      }
      const float = option === 'simplification' || option === 'simplificationMaxZoom';
      const range: [number, number] = option === 'minzoom' || option === 'maxzoom' ? [0, MAX_ZOOM] : option === 'extent' ? [1, 2 ** 24] : option === 'maxSize' ? [100, Number.MAX_SAFE_INTEGER] : option === 'maxFeatures' ? [1, Number.MAX_SAFE_INTEGER] : [0, float ? Infinity : 2 ** 24];
      if (typeof v !== 'number' || !Number.isFinite(v) || (!float && !Number.isInteger(v)) || v < range[0] || v > range[1]) {
        bad(path, `must be ${float ? 'a number' : 'an integer'} ${range[1] === Infinity ? `>= ${range[0]}` : `${range[0]}..${range[1]}`}, got ${describe(v)}`);
        continue;
      }
      config.vectorTiles[option] = v as never;
    }
    const { minzoom, maxzoom } = config.vectorTiles;
    if (minzoom !== undefined && maxzoom !== undefined && minzoom > maxzoom) bad('vector-tiles', `min-zoom (${minzoom}) must not be greater than max-zoom (${maxzoom})`);
  }

  // dimensions first: `where` placeholders refer to them
  const dims = checkDimensions(raw.dimensions, 'dimensions', problems);
  config.dimensions = dims.specs;
  const dimNames = dims.names;
  if (raw['path-template'] !== undefined) {
    if (typeof raw['path-template'] !== 'string') bad('path-template', `must be a string such as ${DEFAULT_TEMPLATE}, got ${describe(raw['path-template'])}`);
    else if (raw.dimensions === undefined) bad('path-template', 'places dimension values, but there are no dimensions');
  }
  if (dimNames.length) {
    const text = typeof raw['path-template'] === 'string' ? raw['path-template'] : DEFAULT_TEMPLATE;
    config.pathTemplate = parsePathTemplate(text, dimNames, 'path-template', problems);
  }
  const checkWhere = (v: unknown, path: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !v.trim()) {
      bad(path, `must be an SQL condition (a non-empty string), got ${describe(v)}`);
      return undefined;
    }
    for (const name of wherePlaceholders(v)) {
      const isDim = dimNames.some((d) => d.toLowerCase() === name.toLowerCase()) || (name.toLowerCase() === 'dim' && dimNames.length === 1);
      if (!isDim) {
        bad(path, `:${name} names no dimension (${dimNames.length ? `the dimensions are ${dimNames.join(', ')}${dimNames.length === 1 ? '; :dim stands for it too' : ''}` : 'there are none'})`);
      }
    }
    return v.trim();
  };
  const zoom = (v: unknown, path: string): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_ZOOM) {
      bad(path, `must be an integer 0..${MAX_ZOOM}, got ${describe(v)}`);
      return undefined;
    }
    const { minzoom = DEFAULTS.minzoom, maxzoom = Math.max(DEFAULTS.maxzoom, minzoom) } = config.vectorTiles;
    if (v < minzoom || v > maxzoom) bad(path, `${v} is outside the tileset's zooms ${minzoom}..${maxzoom} (vector-tiles.min-zoom/max-zoom)`);
    return v;
  };

  // layers
  const layers = raw.layers;
  if (!isMap(layers) || !Object.keys(layers).length) bad('layers', `is required: a mapping of source layers to what they publish, got ${describe(layers)}`);
  else {
    for (const [name, def] of Object.entries(layers)) {
      const path = join('layers', name);
      if (!isMap(def)) {
        bad(path, `must be a mapping with publish (and where), got ${describe(def)}`);
        continue;
      }
      unknownKeys(def, LAYER, path, warnings, true);
      const layer: SourceLayer = { name, where: checkWhere(def.where, join(path, 'where')), targets: [] };
      const pub = def.publish;
      const pubPath = join(path, 'publish');
      const target = (t: string, spec: unknown, at: string) => {
        if (!t.trim()) return bad(at, 'a target layer needs a name');
        if (layer.targets.some((o) => o.name === t)) return bad(at, `"${t}" is listed twice`);
        const entry: PublishTarget = { name: t };
        if (spec !== undefined && spec !== null) {
          if (!isMap(spec)) return bad(at, `must be a mapping with where, minzoom, maxzoom (or nothing), got ${describe(spec)}`);
          for (const k of Object.keys(spec)) if (!TARGET.includes(k)) bad(join(at, k), `unknown key (a target has ${TARGET.join(', ')})`);
          entry.where = checkWhere(spec.where, join(at, 'where'));
          entry.minzoom = zoom(spec.minzoom, join(at, 'minzoom'));
          entry.maxzoom = zoom(spec.maxzoom, join(at, 'maxzoom'));
          if (entry.minzoom !== undefined && entry.maxzoom !== undefined && entry.minzoom > entry.maxzoom) bad(at, `minzoom (${entry.minzoom}) must not be greater than maxzoom (${entry.maxzoom})`);
        }
        layer.targets.push(entry);
      };
      // The seed's three forms: a name, a list of names, or a mapping of names to their settings.
      if (pub === undefined || pub === null) layer.targets = []; // checked when the layer is selected
      else if (typeof pub === 'string') target(pub, undefined, pubPath);
      else if (Array.isArray(pub)) {
        if (!pub.length) bad(pubPath, 'is an empty list: name at least one target layer');
        pub.forEach((t, i) => (typeof t === 'string' ? target(t, undefined, join(pubPath, i)) : bad(join(pubPath, i), `must be a target layer name, got ${describe(t)}`)));
      } else if (isMap(pub)) {
        if (!Object.keys(pub).length) bad(pubPath, 'is empty: name at least one target layer');
        for (const [t, spec] of Object.entries(pub)) target(t, spec, join(pubPath, t));
      } else bad(pubPath, `must be a target layer name, a list of names, or a mapping of names to {where, minzoom, maxzoom}, got ${describe(pub)}`);
      config.layers.push(layer);
    }
  }

  // groups
  const groups = raw.groups;
  if (groups !== undefined && !isMap(groups)) bad('groups', `must be a mapping of group names to lists of source layers, got ${describe(groups)}`);
  else if (groups) {
    for (const [g, members] of Object.entries(groups)) {
      const path = join('groups', g);
      const list = typeof members === 'string' ? [members] : members;
      if (!Array.isArray(list) || !list.length) {
        bad(path, `must be a list of source layers, got ${describe(members)}`);
        continue;
      }
      config.groups[g] = [];
      list.forEach((m, i) => {
        const at = Array.isArray(members) ? join(path, i) : path;
        if (typeof m !== 'string') return bad(at, `must be a source layer name, got ${describe(m)}`);
        if (isMap(layers) && !Object.hasOwn(layers, m)) return bad(at, `"${m}" is not a layer of this config (layers: ${Object.keys(layers).join(', ')})`);
        config.groups[g].push(m);
      });
    }
  }

  // tile-attributes
  const ta = raw['tile-attributes'];
  if (ta !== undefined) {
    if (typeof ta === 'boolean') config.tileAttributes = ta;
    else if (Array.isArray(ta) && ta.every((c) => typeof c === 'string' && c)) config.tileAttributes = ta as string[];
    else bad('tile-attributes', `must be true, false or a list of column names, got ${describe(ta)}`);
  }
  return config;
}

function crsProblem(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim()) return `must be a CRS (EPSG:NNNN, a proj4 string or WKT), got ${describe(v)}`;
  try {
    resolveCrs(v);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Keys we do not know. A config shared with the other steps of a publishing workflow (download,
 * import) carries their keys too, so an unknown key is only warned about where `lenient` is false,
 * or when it is a near miss of one of ours (`were` for `where`), which would otherwise be lost.
 */
function unknownKeys(o: Record<string, unknown>, known: string[], path: string, warnings: Problem[], lenient: boolean): void {
  for (const k of Object.keys(o)) {
    if (known.includes(k)) continue;
    const near = known.find((w) => w.toLowerCase() === k.toLowerCase() || distance(w.toLowerCase(), k.toLowerCase()) <= 2);
    if (near) warnings.push({ path: join(path, k), message: `unknown key, ignored: did you mean ${near}?` });
    else if (!lenient) warnings.push({ path: join(path, k), message: 'unknown key, ignored' });
  }
}

/** Levenshtein distance, for near misses of short key names. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The line a problem's path points at: its key's line (or a list item's), or its nearest ancestor's. */
function lineOf(doc: Document, lc: LineCounter, path: string): number | undefined {
  const keys: (string | number)[] = [];
  for (const m of path.matchAll(/\.?([A-Za-z0-9_-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]) as string)));
  }
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const k of keys) {
    if (isMapNode(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === k);
      if (!pair) break;
      const at = (pair.key as { range?: [number, number, number] }).range;
      if (at) line = lc.linePos(at[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number' && node.items[k]) {
      node = node.items[k];
      const at = (node as { range?: [number, number, number] }).range;
      if (at) line = lc.linePos(at[0]).line;
    } else break;
  }
  return line;
}

/**
 * The source layers one run publishes: those of the groups named (in config order), or every layer.
 * Throws ConfigError for an unknown group and for a selected layer that publishes nothing.
 */
export function selectLayers(config: PublishConfig, groups: readonly string[]): SourceLayer[] {
  const problems: Problem[] = [];
  for (const g of groups) {
    if (!Object.hasOwn(config.groups, g)) {
      const known = Object.keys(config.groups);
      problems.push({ path: 'groups', message: `no group "${g}" (${known.length ? `the groups are ${known.join(', ')}` : 'the config has no groups'})` });
    }
  }
  const wanted = groups.length ? new Set(groups.flatMap((g) => config.groups[g] ?? [])) : undefined;
  const chosen = config.layers.filter((l) => !wanted || wanted.has(l.name));
  for (const l of chosen) if (!l.targets.length) problems.push({ path: join(join('layers', l.name), 'publish'), message: 'is required: the target layer(s) this layer publishes to' });
  if (problems.length) throw configError(config, problems);
  return chosen;
}
