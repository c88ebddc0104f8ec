// The publish job (`mvt-build publish`): a GeoPackage's layers become a web map's tileset, built while
// the site is live. In order: the locks (the destination for the whole run, --lockfile while tiling),
// a fresh random directory DESTDIR/xx built under a hidden temporary name — tiles with ids only,
// attribute side files, with --compress brotli siblings — renamed into place whole, then the layer
// map pointed at it under its own lock, then --keep's cleanup. A failure, Ctrl-C or kill leaves the
// live tileset and the layer map as they were; a later run removes what a killed one left.
import { mkdir, rename, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { buildTileset, type BuildSummary } from '../build.js';
import { RESERVED_ENTRIES, treeDirectory } from '../dimensions/template.js';
import { substituteWhere } from '../dimensions/where.js';
import type { Dimension } from '../dimensions/dimension.js';
import { InputError, UsageError } from '../errors.js';
import type { LayerConf, LayerInput } from '../options.js';
import { resolveCrs } from '../projection/crs.js';
import { parseTilingScheme } from '../scheme/tiling-scheme.js';
import { DEFAULTS } from '../defaults.js';
import { ownedName, releaseName, removeStaleTemporaries, removeTree } from '../temporaries.js';
import { lockPathOf, type OutputLock } from '../writers/output-lock.js';
import { AttributePages, centimetreDecimals, reservedColumn, RESERVED_COLUMNS } from './attributes.js';
import { sizeAndCompress, type FileStats } from './compress.js';
import { configError, key, loadConfig, selectLayers, type Problem, type PublishConfig, type SourceLayer } from './config.js';
import { publishFeatures, type PairCounts } from './features.js';
import { updateLayerMap } from './layer-map.js';
import { waitForLock } from './locks.js';
import { combine, describeDimensions, dimensionValues, propertyFilter, type Unassigned } from './dimension-trees.js';
import { openSourceLayer, type SourceLayerHandle } from './source.js';
import { freeTilesetName, removeOldTilesets } from './tileset-dir.js';

export interface PublishOptions {
  /** The config file, or a config already read. */
  config: string | PublishConfig;
  /** Groups to publish (default: every layer). */
  groups?: string[];
  /** Where the tileset's directories go (made if missing; its parent must exist). */
  destdir: string;
  /** The layer map's key (default: DESTDIR's last component). */
  name?: string;
  /** The web server's root: the layer map holds paths from it (default: absolute paths). */
  webroot?: string;
  /** The layer map file (default: DESTDIR/../metadata.json). */
  metadata?: string;
  /** Its lock file (default: `.NAME.lock` beside it); every run that updates the map must use the same. */
  metadataLockfile?: string;
  /** Held while tiling, so that heavy jobs do not overlap. */
  lockfile?: string;
  /** Brotli siblings of every tile and JSON file. */
  compress?: boolean;
  /** Remove this tileset's directories beyond the N most recent (never the one the map points to). */
  keep?: number;
  threads?: number;
  signal?: AbortSignal;
  /** Lines for the operator: locks waited for, what was published, sizes. */
  log?: (line: string) => void;
}

/** One tile tree (one per combination of dimension values; one in all without dimensions). */
export interface TreeSummary {
  /** The dimension values of this tree ({} without dimensions). */
  values: Record<string, string>;
  /** Its directory in the tileset ('' without dimensions). */
  directory: string;
  build: BuildSummary;
  layers: PairCounts[];
}

export interface PublishSummary {
  name: string;
  /** The published directory, and the path the layer map now holds for it. */
  directory: string;
  mapPath: string;
  layerMap: string;
  trees: TreeSummary[];
  /** Features published (each has an entry in the attribute files). */
  features: number;
  attributes: { files: number; bytes: number };
  stats: FileStats;
  /** Columns left out of the attribute files, by layer. */
  skippedColumns: { layer: string; column: string; why: string }[];
  dimensions: Dimension[];
  /** Rows in no tree, their dimension column being empty. */
  unassigned: Unassigned[];
  /** Directories --keep removed. */
  removed: string[];
  warnings: string[];
  /** Temporaries of killed runs removed. */
  staleTemporaries: number;
}

/** Hidden temporaries of a run in DESTDIR: `.publish.tmp-PID@HOST-RANDOM`. */
const STAGING_PREFIX = '.publish.tmp-';
const TILE_EXTENSION = 'pbf';

export async function publish(o: PublishOptions): Promise<PublishSummary> {
  const log = o.log ?? (() => undefined);
  const config = typeof o.config === 'string' ? await loadConfig(o.config) : o.config;
  const layers = selectLayers(config, o.groups ?? []);
  if (o.keep !== undefined && (!Number.isInteger(o.keep) || o.keep < 1)) throw new UsageError(`--keep must be an integer >= 1, got ${o.keep}`);
  const destdir = resolve(o.destdir);
  const name = o.name ?? basename(destdir);
  if (!name) throw new UsageError('cannot tell the layer map name from --destdir: give --name');
  const layerMap = resolve(o.metadata ?? join(dirname(destdir), 'metadata.json'));
  const mapDir = mapPathOf(destdir, o.webroot);
  const scheme = parseTilingScheme(config.vectorTiles.tilingScheme ?? DEFAULTS.tilingScheme);
  const targetSrs = config.srs ?? scheme.crs;
  const waitLog = (what: string) => (h: { pid?: number }) => log(`waiting for ${what}${h.pid ? ` (held by pid ${h.pid})` : ''}`);

  try {
    await mkdir(destdir, { mode: 0o755 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw new InputError(`cannot make the destination directory: ${(e as Error).message}`, destdir);
  }
  let destLock: OutputLock | undefined, tileLock: OutputLock | undefined;
  let staging: string | undefined;
  try {
    // The destination for the whole run: two runs never build the same tileset at once (a second waits).
    destLock = await waitForLock(lockPathOf(destdir), destdir, { signal: o.signal, onWait: waitLog(`the destination ${destdir}`) });
    const staleTemporaries = await removeStaleTemporaries(destdir, STAGING_PREFIX);

    // Everything checked against the dataset before anything is built, every problem at once.
    const sources = await openSources(config, layers);
    const { dimensions, unassigned } = await dimensionValues(config, sources);
    for (const u of unassigned) log(`${u.layer}: ${u.rows} row${u.rows > 1 ? 's' : ''} without a value of dimension ${u.dimension} (column "${u.column}" empty): in no tree`);
    const combinations = combine(dimensions);

    // Taken second, and only while tiling: a run waiting for its destination holds up no other job.
    if (o.lockfile) tileLock = await waitForLock(resolve(o.lockfile), resolve(o.lockfile), { signal: o.signal, onWait: waitLog(`the lock ${o.lockfile}`) });

    const dirName = await freeTilesetName(destdir);
    staging = join(destdir, ownedName(STAGING_PREFIX));
    await mkdir(staging, { mode: 0o755 });
    const tileset = join(staging, dirName);
    await mkdir(tileset, { mode: 0o755 });
    const attributes = new AttributePages(join(staging, 'attr'));
    await attributes.open();
    const decimals = centimetreDecimals(resolveCrs(targetSrs));
    const skippedColumns = [...sources.values()].flatMap((s) => s.skipped.map((c) => ({ layer: s.name, column: c.name, why: c.why })));

    const trees: TreeSummary[] = [];
    for (const values of combinations) {
      const directory = config.pathTemplate && dimensions.length ? treeDirectory(config.pathTemplate, values) : '';
      if (RESERVED_ENTRIES.includes(directory.split('/')[0])) throw new UsageError(`dimension values ${JSON.stringify(values)} would make a tree named "${directory.split('/')[0]}", which the tileset uses itself`);
      const output = directory ? join(tileset, ...directory.split('/')) : tileset;
      if (directory) await mkdir(dirname(output), { recursive: true });
      const counts: PairCounts[] = [];
      const inputs: LayerInput[] = [];
      const conf: LayerConf = {};
      for (const layer of layers) {
        for (const target of layer.targets) {
          const c: PairCounts = { source: layer.name, target: target.name, total: sources.get(layer.name)?.count, read: 0, published: 0, outsideExtent: 0, noGeometry: 0, bad: 0, messages: [] };
          counts.push(c);
          const where = whereFor(layer, target.where, values, dimensions);
          // A where with dimension values, or none: opened again for each tree (the check ran on the first).
          const handle = await openSourceLayer(config.dataset, layer.name, { where, extent: config.extent, extentSrs: targetSrs });
          const id = `${layer.name}→${target.name}`;
          conf[id] = { target_name: target.name, minzoom: target.minzoom, maxzoom: target.maxzoom };
          inputs.push({
            name: id,
            source: config.dataset.path,
            srs: targetSrs,
            features: publishFeatures({
              dataset: config.dataset.path, layer: handle, targetSrs, extent: config.extent, attributes, decimals,
              tileAttributes: config.tileAttributes, keep: propertyFilter(config.dimensions, values, handle), counts: c,
            }),
          });
        }
      }
      const vt = config.vectorTiles;
      const build = await buildTileset({
        inputs, output, conf, name, tilingScheme: scheme, compress: false, tileExtension: config.pathTemplate?.extension ?? TILE_EXTENSION,
        minzoom: vt.minzoom, maxzoom: vt.maxzoom, maxSize: vt.maxSize, maxFeatures: vt.maxFeatures, extent: vt.extent, buffer: vt.buffer,
        simplification: vt.simplification, simplificationMaxZoom: vt.simplificationMaxZoom, threads: o.threads, signal: o.signal,
      });
      trees.push({ values, directory, build, layers: counts });
      for (const c of counts) log(`${directory ? `${directory}: ` : ''}${describeCounts(c)}`);
    }
    await attributes.close();
    await rename(join(staging, 'attr'), join(tileset, 'attr'));
    if (dimensions.length) await describeDimensions(tileset, dimensions, config.pathTemplate!.text, trees);
    // The heavy part is done: another job may tile now.
    await tileLock?.release();

    const stats = await sizeAndCompress(tileset, { compress: !!o.compress, tileExtension: config.pathTemplate?.extension ?? TILE_EXTENSION, signal: o.signal });
    o.signal?.throwIfAborted();
    const finalDir = join(destdir, dirName);
    try {
      await rename(tileset, finalDir);
    } catch (e) {
      throw new InputError(`cannot move the finished tileset into place: ${(e as Error).message}`, finalDir);
    }
    await removeTree(staging);
    releaseName(staging);
    staging = undefined;
    for (const t of trees) t.build.output = t.directory ? join(finalDir, ...t.directory.split('/')) : finalDir;

    const mapPath = `${mapDir}/${dirName}`;
    const map = await updateLayerMap(layerMap, name, mapPath, {
      compress: !!o.compress, lockPath: o.metadataLockfile && resolve(o.metadataLockfile), signal: o.signal, onWait: waitLog(`the layer map ${layerMap}`),
    });
    let removed: string[] = [];
    if (o.keep !== undefined) {
      // Never the directory the map points to (a page loading now is told to use it), whatever wrote the map.
      const protect = new Set([dirName]);
      const live = map[name];
      if (typeof live === 'string' && live.startsWith(`${mapDir}/`)) protect.add(live.slice(mapDir.length + 1).toLowerCase());
      removed = await removeOldTilesets(destdir, o.keep, protect, STAGING_PREFIX);
    }
    return {
      name, directory: finalDir, mapPath, layerMap, trees,
      features: attributes.stats.features, attributes: { files: attributes.stats.pages, bytes: attributes.stats.bytes },
      stats, skippedColumns, dimensions, unassigned, removed, staleTemporaries,
      warnings: config.warnings.map((w) => `${config.file}${w.line ? `:${w.line}` : ''}: ${w.path}: ${w.message}`),
    };
  } finally {
    if (staging) {
      await removeTree(staging);
      releaseName(staging);
    }
    await tileLock?.release();
    await destLock?.release();
  }
}

/** What the layer map says of DESTDIR: its path from the web root, or its absolute path. */
function mapPathOf(destdir: string, webroot: string | undefined): string {
  if (webroot === undefined) return destdir.split(sep).join('/');
  const rel = relative(resolve(webroot), destdir);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`--destdir ${destdir} is not inside --webroot ${resolve(webroot)}`);
  return '/' + rel.split(sep).join('/');
}

/** `lakes → water: 28 of 40 rows published (11 left out by where/extent, 1 outside the extent)`. */
function describeCounts(c: PairCounts): string {
  const parts: string[] = [];
  if (c.total !== undefined && c.total > c.read) parts.push(`${c.total - c.read} left out by where/extent`);
  if (c.outsideExtent) parts.push(`${c.outsideExtent} outside the extent`);
  if (c.noGeometry) parts.push(`${c.noGeometry} without geometry`);
  if (c.bad) parts.push(`${c.bad} unreadable`);
  return `${c.source} → ${c.target}: ${c.published} of ${c.total ?? c.read} rows published${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * Opens every selected source layer, and each condition it will run, and checks what the config asks
 * of them: the layer exists and has a CRS, its conditions compile, no column shadows a computed one,
 * the attributes kept in tiles and the dimensions' columns exist. Every problem is reported at once.
 * Returns each layer opened without conditions (its schema, its row count).
 */
async function openSources(config: PublishConfig, layers: SourceLayer[]): Promise<Map<string, SourceLayerHandle>> {
  const problems: Problem[] = [];
  const out = new Map<string, SourceLayerHandle>();
  const st = await stat(config.dataset.path).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error || !st.isFile()) {
    const why = st instanceof Error ? (st.code === 'ENOENT' ? 'no such file' : st.message) : 'not a file';
    throw configError(config, [{ path: 'dataset.path', message: `${config.dataset.path}: ${why}` }]);
  }
  // Placeholders take each dimension's first value here: enough to see whether the SQL compiles.
  const sample = Object.fromEntries(config.dimensions.flatMap((d) => [[d.name, d.values?.[0] ?? d.default], ['dim', d.values?.[0] ?? d.default]]));
  const open = async (layer: SourceLayer, where: string | undefined, at: string): Promise<SourceLayerHandle | undefined> => {
    try {
      const h = await openSourceLayer(config.dataset, layer.name, { where: where && substituteWhere(where, sample) });
      resolveCrs(h.srs);
      return h;
    } catch (e) {
      if (!(e instanceof UsageError) && !(e instanceof InputError)) throw e;
      problems.push({ path: at, message: (e as Error).message.replace(`${config.dataset.path}: `, '') });
      return undefined;
    }
  };
  for (const layer of layers) {
    const path = `layers${key(layer.name)}`;
    const h = await open(layer, undefined, path);
    if (!h) continue;
    out.set(layer.name, h);
    if (layer.where && !(await open(layer, layer.where, `${path}.where`))) continue;
    for (const t of layer.targets) if (t.where) await open(layer, whereFor(layer, t.where, {}, []), `${path}.publish${key(t.name)}.where`);
    for (const f of h.fields) {
      const reserved = reservedColumn(f.name);
      if (reserved) problems.push({ path, message: `layer "${layer.name}": the column "${f.name}" must be renamed: ${reserved}` });
    }
  }
  const known = (c: string) => RESERVED_COLUMNS.includes(c) || [...out.values()].some((h) => h.fields.length === 0 || h.fields.some((f) => f.name === c));
  if (Array.isArray(config.tileAttributes)) {
    config.tileAttributes.forEach((c, i) => {
      if (!known(c)) problems.push({ path: `tile-attributes[${i}]`, message: `no selected layer has a column "${c}"` });
    });
  }
  config.dimensions.forEach((d, i) => {
    if (d.property && !known(d.property)) problems.push({ path: `dimensions[${i}].property`, message: `no selected layer has a column "${d.property}"` });
  });
  if (problems.length) throw configError(config, problems);
  return out;
}

/** The layer's condition ANDed with the target's, dimension placeholders replaced by this tree's values. */
function whereFor(layer: SourceLayer, targetWhere: string | undefined, values: Record<string, string>, dimensions: readonly Dimension[]): string | undefined {
  const parts = [layer.where, targetWhere].filter((w): w is string => !!w);
  if (!parts.length) return undefined;
  const withDim = dimensions.length === 1 ? { ...values, dim: values[dimensions[0].name] } : values;
  const substituted = Object.keys(withDim).length ? parts.map((w) => substituteWhere(w, withDim)) : parts;
  return substituted.length === 1 ? substituted[0] : substituted.map((w) => `(${w})`).join(' AND ');
}
