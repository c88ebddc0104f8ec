#!/usr/bin/env node
// mvt-build command line: parse arguments, run buildTileset, show progress, print a summary.
// Only commander is loaded up front: the pipeline (worker pool, readers, proj4, SQLite) and the
// progress bar are imported once a build is to run, so that --version and --help answer at once.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { BuildSummary } from '../build.js';
import { DEFAULTS as D } from '../defaults.js';
import { InputError, UsageError } from '../errors.js';
import type { AsNeeded, AttributeType, BuildOptions, LayerConf, OrderField } from '../options.js';
import { watchInterrupts } from './interrupts.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const int = (name: string) => (v: string) => {
  if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
  return Number(v);
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];
/** A number, or `g`: guess it (tippecanoe's -rg, -Bg, -zg). */
const orGuess = <T>(parse: (v: string) => T) => (v: string): T | 'g' => (v.trim() === 'g' ? 'g' : parse(v));
/** -r / -B: a number, `g` (guess), or tippecanoe's `fN`: guess for a densest tile of at most N features. */
const guessable = (parse: (v: string) => number) => (v: string): number | 'g' | { f: number } => {
  const f = /^f(\d+)$/.exec(v.trim());
  return f ? { f: Number(f[1]) } : orGuess(parse)(v);
};
const numbers = (name: string, n: number) => (v: string) => {
  const parts = v.split(',').map((p) => Number(p.trim()));
  if (parts.length !== n || parts.some((p) => !Number.isFinite(p))) throw new InvalidArgumentError(`${name} must be ${n} comma-separated numbers, got "${v}"`);
  return parts;
};

/** -T NAME:TYPE, repeatable: the last colon splits, so a name may hold colons. */
const attributeType = (v: string, prev: Record<string, AttributeType> = {}) => {
  const at = v.lastIndexOf(':');
  const type = v.slice(at + 1) as AttributeType;
  if (at <= 0 || !['string', 'float', 'int', 'bool'].includes(type)) throw new InvalidArgumentError(`--attribute-type must be NAME:TYPE with TYPE string, float, int or bool, got "${v}"`);
  return { ...prev, [v.slice(0, at)]: type };
};

/** --conf takes JSON text or a file holding it (as GDAL's CONF). */
function readConf(v: string): LayerConf {
  let text = v.trim();
  if (!text.startsWith('{')) {
    try {
      text = readFileSync(v, 'utf8');
    } catch (e) {
      throw new UsageError(`--conf: cannot read "${v}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  let conf: unknown;
  try {
    conf = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--conf: invalid JSON: ${(e as Error).message}`);
  }
  if (!conf || typeof conf !== 'object' || Array.isArray(conf)) throw new UsageError('--conf must be a JSON object keyed by layer name');
  return conf as LayerConf;
}

/** --tiling-scheme FILE.json: an OGC Tile Matrix Set document, passed on as its text. */
function readSchemeOption(v: string | undefined): string | undefined {
  if (v === undefined || !/\.json$/i.test(v.trim())) return v;
  try {
    return readFileSync(v.trim(), 'utf8');
  } catch (e) {
    throw new UsageError(`--tiling-scheme: cannot read "${v}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

export function makeProgram(): Command {
  return new Command('mvt-build')
    .description('Build a Mapbox Vector Tile tileset ({z}/{x}/{y}.pbf + metadata.json) from GeoJSON, in any CRS and tiling scheme.')
    .version(pkg.version, '-v, --version')
    .argument('<input...>', 'GeoJSON / GeoJSONSeq files (one layer each) and GeoPackages (one layer per feature table)')
    .requiredOption('-o, --output <path>', 'output tileset: a directory, an .mbtiles or a .pmtiles file')
    .addOption(new Option('--format <format>', 'directory, mbtiles or pmtiles (GDAL FORMAT; default: from the output name, .mbtiles / .pmtiles, else directory)').choices(['directory', 'mbtiles', 'pmtiles']))
    .option('-Z, --minzoom <z>', `minimum zoom, 0..30 (GDAL MINZOOM; default ${D.minzoom})`, int('minzoom'))
    .option('-z, --maxzoom <z|g>', `maximum zoom, 0..30, or g: guessed from the spacing of features (tippecanoe -zg; reads the input twice) (GDAL MAXZOOM; default ${D.maxzoom}, or minzoom if higher)`, orGuess(int('maxzoom')))
    .option('--min-scale <1:N>', 'the least detailed view: minzoom is the last zoom whose scale denominator is at least N (instead of --minzoom)')
    .option('--max-scale <1:N>', 'the most detailed view: maxzoom is the first zoom whose scale denominator is at most N (instead of --maxzoom)')
    .option('--tiling-scheme <scheme>', `preset (WebMercatorQuad, WorldCRS84Quad, ETRS-TM35FIN, EuropeanETRS89_LAEAQuad, NZTM2000Quad, …), CRS,ULX,ULY,DIM0[,W0,H0] (GDAL TILING_SCHEME) or an OGC tile matrix set FILE.json (default ${D.tilingScheme})`)
    .option('--s-srs <crs>', "CRS of the input: EPSG:NNNN, proj4 string or WKT (default: the file's crs member, else EPSG:4326)")
    .option('--extent <n>', `tile extent in units (GDAL EXTENT; default ${D.extent})`, int('extent'))
    .option('--buffer <n>', `buffer around tiles in tile units (GDAL BUFFER; default 5·extent/256 = ${D.buffer(D.extent)})`, int('buffer'))
    .option('--simplification <tol>', `Douglas–Peucker tolerance in tile units, 0 = none as GDAL (GDAL SIMPLIFICATION; default ${D.simplification})`, num('simplification'))
    .option('--simplification-max-zoom <tol>', 'tolerance at the max zoom only (GDAL SIMPLIFICATION_MAX_ZOOM)', num('simplification-max-zoom'))
    .option('-l, --layer <name>', 'layer name for the GeoJSON input at the same position; for a GeoPackage, a table to read (repeatable; default: file name / every table)', collect)
    .option('--where <sql>', 'SQL condition on GeoPackage rows (ogr2ogr -where)')
    .option('--name <name>', 'tileset name in metadata (GDAL NAME; default: output directory name)')
    .option('--description <text>', 'tileset description (GDAL DESCRIPTION)')
    .option('--attribution <text>', 'credit for the data, in tilejson.json, tileset.json (and MBTiles metadata)')
    .option('--base-url <url>', 'absolute URL the tileset will be served from, for the tile URLs in tilejson.json and tileset.json (default: relative URLs)')
    .addOption(new Option('--type <type>', `metadata type (GDAL TYPE; default ${D.type})`).choices(['overlay', 'baselayer']))
    .option('--no-compress', 'write tiles without gzip (GDAL COMPRESS=NO)')
    .option('--compress-level <1-9>', `zlib level of the gzip: 1 fastest, 9 smallest (default ${D.compressLevel}; 6 is zlib's own level, which GDAL writes)`, int('compress-level'))
    .option('--tile-extension <ext>', `tile file extension (GDAL TILE_EXTENSION; default ${D.tileExtension})`)
    .option('-f, --force', 'replace an existing output (a non-empty directory, an .mbtiles or .pmtiles file)')
    .option('--no-tiny-polygon-reduction', 'keep polygon rings under 2 tile units² (tippecanoe --no-tiny-polygon-reduction; GDAL keeps them)')
    .option('--no-polygon-repair', 'write polygons as rounded, without making them OGC-valid (faster on detailed coastlines; GDAL repairs)')
    .option('--skip-invalid', 'skip malformed features (counted in the summary) instead of failing')
    .option('--max-size <bytes>', `largest tile, after compression: tiles over it are drawn coarser, then lose their smallest features (GDAL MAX_SIZE; default ${D.maxSize})`, int('max-size'))
    .option('--max-features <n>', `most features in a tile; the smallest go first (GDAL MAX_FEATURES; default ${D.maxFeatures})`, int('max-features'))
    .option('--conf <json|file>', "GDAL's layer configuration: {\"layer\": {\"target_name\", \"description\", \"minzoom\", \"maxzoom\"}} (GDAL CONF)")
    .option('--bounds <minlon,minlat,maxlon,maxlat>', 'metadata bounds instead of the data extent (GDAL BOUNDS)', numbers('bounds', 4))
    .option('--center <lon,lat,zoom>', 'metadata center instead of the middle of bounds at minzoom (GDAL CENTER)', numbers('center', 3))
    .option('-y, --include <name>', 'keep only this property (repeatable; tippecanoe -y)', collect)
    .option('-x, --exclude <name>', 'leave this property out (repeatable; tippecanoe -x)', collect)
    .option('-X, --exclude-all', 'leave every property out but those of --include (tippecanoe -X)')
    .option('-T, --attribute-type <name:type>', 'coerce a property to string, float, int or bool (repeatable; tippecanoe -T)', attributeType)
    .option('--use-attribute-for-id <name>', 'the property whose value becomes the feature id (tippecanoe --use-attribute-for-id)')
    .option('--generate-ids', 'give features without an id their input position + 1 (tippecanoe -ai)')
    .option('--maximum-string-attribute-length <n>', 'cut string values to n UTF-8 bytes (tippecanoe --maximum-string-attribute-length; default: no limit)', int('maximum-string-attribute-length'))
    .option('--minzoom-property <name>', "the property holding each feature's first zoom (as a tippecanoe.minzoom member)")
    .option('--maxzoom-property <name>', "the property holding each feature's last zoom (as a tippecanoe.maxzoom member)")
    .option('-r, --drop-rate <rate|g|fN>', `below the base zoom, keep one in rate^(base − z) points, evenly over space; g guesses one that keeps the densest tile under ${D.guessFeatures} features, fN under N (tippecanoe -r; default: no thinning, ${D.dropRate} with --base-zoom alone)`, guessable(num('drop-rate')))
    .option('-B, --base-zoom <zoom|g|fN>', `first zoom with every point; g: the first whose densest tile holds under ${D.guessFeatures} features, fN under N (tippecanoe -B; default: maxzoom, with --drop-rate)`, guessable(int('base-zoom')))
    .option('--drop-lines', 'thin lines too (tippecanoe -al)')
    .option('--drop-polygons', 'thin polygons too (tippecanoe -ap)')
    .option('--order-by <name>', 'order the features of each tile by this property, ascending (repeatable, the first given first; tippecanoe --order-by)')
    .option('--order-descending-by <name>', 'order by this property, descending (tippecanoe --order-descending-by)')
    .option('--order-smallest-first', 'order by size as drawn, smallest first (tippecanoe --order-smallest-first)')
    .option('--order-largest-first', 'order by size as drawn, largest first (tippecanoe --order-largest-first)')
    .option('--drop-densest-as-needed', 'tiles over --max-size/--max-features give up features in the densest places, the same ones across the zoom and every shallower zoom, at full detail (tippecanoe -as; default: GDAL\'s way, drawn coarser, then the smallest go)')
    .option('--drop-fraction-as-needed', 'tiles over the limits give up an even share of features, per zoom (tippecanoe -ad)')
    .option('--drop-smallest-as-needed', 'tiles over the limits give up the smallest features, per zoom, at full detail (tippecanoe -an)')
    .option('--cluster-densest-as-needed', 'tiles over the limits merge points in the densest places into clusters with point_count, per zoom (tippecanoe -aC)')
    .option('--coalesce-smallest-as-needed', 'tiles over the limits merge the smallest features into the kept feature before them, per zoom (tippecanoe -aN)')
    .option('--coalesce-densest-as-needed', 'tiles over the limits merge features in the densest places into the kept feature before them, per zoom (tippecanoe -aS)')
    .option('--shard <I/N|auto|auto/N>', 'build shard I of N (0-based): its subtrees of the tile tree, plus OUTPUT.shard.json for mvt-build merge; auto: I from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX, N from auto/N, MVT_BUILD_SHARDS or AWS_BATCH_JOB_ARRAY_SIZE (docs/scale-out.md)')
    .option('--shard-zoom <z>', 'the zoom whose tiles\' subtrees are shared out (default: chosen from N and the data)', int('shard-zoom'))
    .option('-j, --threads <n>', 'worker threads for tiling and encoding (default: available cores; 1 = no workers)', int('threads'))
    .option('--memory-budget <MB>', `MiB of tile fragments kept in memory before spilling to --temp-dir (default ${D.memoryBudget / 2 ** 20})`, num('memory-budget'))
    .option('--temp-dir <dir>', 'directory for the temporary store (GDAL TEMPORARY_DB; default: the OS temporary directory)')
    .option('--no-parent-watch', 'keep building when the process that started mvt-build exits (default: stop, as for SIGTERM)')
    .option('-q, --quiet', 'no progress and no summary')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nOther commands (mvt-build COMMAND --help):\n  inspect TILESET [z/x/y]   a summary, a tile or a zoom as GeoJSON, --stats\n  validate TILESET|TILE     MVT 2.1 rules and OGC polygon validity, every finding located\n  serve TILESET             tiles, descriptors and a preview map over HTTP (127.0.0.1:8080)\n  schemes [--table SCHEME]  the presets; a scheme\'s zooms with cell sizes and scale denominators\n  publish CONFIG [GROUP...] --destdir DIR   publish a web map\'s tilesets: attribute files, atomic swap, layer map\n  merge SHARD... -o OUTPUT  the shards of a --shard build as one tileset (--join: different tilesets, as tile-join)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

interface CliOptions {
  output: string;
  format?: 'directory' | 'mbtiles' | 'pmtiles';
  minzoom?: number;
  maxzoom?: number | 'g';
  minScale?: string;
  maxScale?: string;
  tilingScheme?: string;
  attribution?: string;
  baseUrl?: string;
  sSrs?: string;
  extent?: number;
  buffer?: number;
  simplification?: number;
  simplificationMaxZoom?: number;
  layer?: string[];
  where?: string;
  name?: string;
  description?: string;
  type?: 'overlay' | 'baselayer';
  compress: boolean;
  compressLevel?: number;
  tileExtension?: string;
  force?: boolean;
  skipInvalid?: boolean;
  tinyPolygonReduction: boolean;
  polygonRepair: boolean;
  maxSize?: number;
  maxFeatures?: number;
  conf?: string;
  bounds?: number[];
  center?: number[];
  include?: string[];
  exclude?: string[];
  excludeAll?: boolean;
  attributeType?: Record<string, AttributeType>;
  useAttributeForId?: string;
  generateIds?: boolean;
  maximumStringAttributeLength?: number;
  minzoomProperty?: string;
  maxzoomProperty?: string;
  dropRate?: number | 'g' | { f: number };
  baseZoom?: number | 'g' | { f: number };
  dropLines?: boolean;
  dropPolygons?: boolean;
  dropDensestAsNeeded?: boolean;
  dropFractionAsNeeded?: boolean;
  dropSmallestAsNeeded?: boolean;
  clusterDensestAsNeeded?: boolean;
  coalesceSmallestAsNeeded?: boolean;
  coalesceDensestAsNeeded?: boolean;
  shard?: string;
  shardZoom?: number;
  threads?: number;
  memoryBudget?: number;
  tempDir?: string;
  parentWatch: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** Commands besides building, each loaded only when named (a build never loads them). */
const SUBCOMMANDS = new Set(['inspect', 'validate', 'serve', 'schemes', 'publish', 'merge']);

export async function main(argv: string[]): Promise<number> {
  if (SUBCOMMANDS.has(argv[0])) {
    const { run } = (await import(`./${argv[0]}.js`)) as { run: (args: string[]) => Promise<number> };
    return run(argv.slice(1));
  }
  const program = makeProgram();
  // The --order-* keys in the order they are given, whichever the option (the first is the primary key).
  const orderBy: OrderField[] = [];
  program.on('option:order-by', (v: string) => orderBy.push({ attribute: v }));
  program.on('option:order-descending-by', (v: string) => orderBy.push({ attribute: v, descending: true }));
  program.on('option:order-smallest-first', () => orderBy.push({ size: true }));
  program.on('option:order-largest-first', () => orderBy.push({ size: true, descending: true }));
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // help/version print and exit 0
    throw e;
  }
  const o = program.opts<CliOptions>();
  let conf: LayerConf | undefined;
  let tilingScheme: string | undefined;
  let asNeeded: AsNeeded | undefined;
  try {
    asNeeded = asNeededFlag(o);
    conf = o.conf === undefined ? undefined : readConf(o.conf);
    tilingScheme = readSchemeOption(o.tilingScheme);
  } catch (e) {
    process.stderr.write(`mvt-build: ${(e as Error).message}\n`);
    return 2;
  }
  const [{ buildTileset }, { createProgress }] = await Promise.all([import('../build.js'), import('./progress.js')]);
  const progress = o.quiet || o.json ? undefined : createProgress(process.stderr);
  // Ctrl-C, kill, a closed terminal (HUP) or the death of whoever started us: stop, remove the
  // temporaries, leave any previous output as it was.
  const interrupts = watchInterrupts({ parentWatch: o.parentWatch });
  const options: BuildOptions = {
    inputs: program.args,
    output: o.output,
    format: o.format,
    layerNames: o.layer,
    where: o.where,
    minzoom: o.minzoom,
    maxzoom: o.maxzoom,
    minScale: o.minScale,
    maxScale: o.maxScale,
    tilingScheme,
    sourceSrs: o.sSrs,
    extent: o.extent,
    buffer: o.buffer,
    simplification: o.simplification,
    simplificationMaxZoom: o.simplificationMaxZoom,
    name: o.name,
    description: o.description,
    attribution: o.attribution,
    baseUrl: o.baseUrl,
    type: o.type,
    compress: o.compress,
    compressLevel: o.compressLevel,
    tileExtension: o.tileExtension,
    force: o.force,
    skipInvalid: o.skipInvalid,
    tinyPolygonReduction: o.tinyPolygonReduction,
    polygonRepair: o.polygonRepair,
    maxSize: o.maxSize,
    maxFeatures: o.maxFeatures,
    conf,
    bounds: o.bounds as BuildOptions['bounds'],
    center: o.center as BuildOptions['center'],
    include: o.include,
    exclude: o.exclude,
    excludeAll: o.excludeAll,
    attributeTypes: o.attributeType,
    useAttributeForId: o.useAttributeForId,
    generateIds: o.generateIds,
    maxStringLength: o.maximumStringAttributeLength,
    minzoomProperty: o.minzoomProperty,
    maxzoomProperty: o.maxzoomProperty,
    ...guesses(o.dropRate, o.baseZoom),
    orderBy: orderBy.length ? orderBy : undefined,
    asNeeded,
    dropLines: o.dropLines,
    dropPolygons: o.dropPolygons,
    shard: o.shard,
    shardZoom: o.shardZoom,
    threads: o.threads,
    memoryBudget: o.memoryBudget === undefined ? undefined : Math.round(o.memoryBudget * 2 ** 20),
    tempDir: o.tempDir,
    onProgress: progress?.update,
    signal: interrupts.signal,
  };
  try {
    const summary = await buildTileset(options);
    progress?.stop();
    if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else if (!o.quiet) process.stderr.write(formatSummary(summary) + '\n');
    return 0;
  } catch (e) {
    progress?.stop();
    if (interrupts.signal.aborted) {
      process.stderr.write(`mvt-build: ${interrupts.why}; stopped, nothing was written\n`);
      return 130;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`mvt-build: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`mvt-build: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`mvt-build: ${err.message ?? String(e)}\n`);
    if (process.env.MVT_BUILD_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  } finally {
    interrupts.dispose();
  }
}

export function formatSummary(s: BuildSummary): string {
  const mb = (n: number) => (n / 1048576).toFixed(1);
  const zooms = Object.keys(s.tilesPerZoom).map(Number);
  const parts = [
    `${s.tiles} tiles (z${Math.min(...zooms)}–${Math.max(...zooms)})`,
    // The tile payload and what du shows differ a lot for small tiles (a 4 KiB block each).
    s.diskBytes === undefined ? `${mb(s.bytes)} MB of tiles` : `${mb(s.bytes)} MB of tiles (${mb(s.diskBytes)} MB on disk)`,
    `${s.featuresWritten}/${s.features} features`,
    `${(s.elapsedMs / 1000).toFixed(1)} s (CPU ${(s.cpuMs / 1000).toFixed(1)} s, ${s.threads} thread${s.threads > 1 ? 's' : ''})`,
    `peak ${mb(s.peakRssBytes)} MB RSS`,
  ];
  if (s.tiles === 0) parts[0] = '0 tiles';
  if (s.spilledBytes) parts.push(`${mb(s.spilledBytes)} MB through the temporary store`);
  if (s.staleTemporaries) parts.push(`removed ${s.staleTemporaries} stale temporar${s.staleTemporaries > 1 ? 'ies' : 'y'} of earlier builds`);
  const dropped: string[] = [];
  if (s.invalid) dropped.push(`${s.invalid} invalid (skipped)`);
  if (s.noGeometry) dropped.push(`${s.noGeometry} without geometry`);
  if (s.outside) dropped.push(`${s.outside} outside the tiling scheme`);
  if (s.outOfZoomRange) dropped.push(`${s.outOfZoomRange} outside their own zoom range (tippecanoe.minzoom/maxzoom, zoom properties)`);
  if (s.elsewhere) dropped.push(`${s.elsewhere} only in other shards' tiles`);
  if (s.collapsed) dropped.push(`${s.collapsed} collapsed (nothing to draw at any zoom: degenerate or too small)`);
  let text = `mvt-build: wrote ${s.output}: ${parts.join(', ')}`;
  if (dropped.length) text += `\n  not written: ${dropped.join(', ')}`;
  const polygons: string[] = [];
  if (s.repairedPolygons) polygons.push(`${s.repairedPolygons} made valid again after rounding`);
  if (s.tinyRings) polygons.push(`${s.tinyRings} rings under 2 tile units² left out (their area kept as squares)`);
  if (polygons.length) text += `\n  polygons in tiles: ${polygons.join(', ')}`;
  if (s.maxzoomGuess) text += `\n  ${formatMaxzoomGuess(s.maxzoomGuess)}`;
  if (s.thinning) text += `\n  ${formatThinning(s.thinning, s.featuresPerZoom)}`;
  for (const [z, l] of Object.entries(s.limited)) {
    const what = [`${l.tiles} tile${l.tiles > 1 ? 's' : ''} ${s.asNeeded ? `cut by --${s.asNeeded.strategy}-as-needed` : 'over --max-size/--max-features'}`];
    if (l.reducedExtent) what.push(`drawn at extent down to ${l.reducedExtent}`);
    if (l.droppedForSize) what.push(`${l.droppedForSize} feature${l.droppedForSize > 1 ? 's' : ''} dropped for size`);
    if (l.droppedForCount) what.push(`${l.droppedForCount} feature${l.droppedForCount > 1 ? 's' : ''} dropped for count`);
    if (l.droppedAsNeeded) what.push(`${l.droppedAsNeeded} feature${l.droppedAsNeeded > 1 ? 's' : ''} dropped`);
    if (l.clustered) what.push(`${l.clustered} point${l.clustered > 1 ? 's' : ''} clustered`);
    if (l.coalesced) what.push(`${l.coalesced} feature${l.coalesced > 1 ? 's' : ''} coalesced`);
    what.push(`${s.featuresPerZoom[Number(z)] ?? 0} kept`);
    text += `\n  zoom ${z}: ${what.join(', ')}`;
  }
  for (const m of s.invalidMessages) text += `\n  skipped ${m}`;
  for (const c of s.skippedColumns) text += `\n  column not written: ${c.file}: layer "${c.layer}", column "${c.column}" (${c.why})`;
  return text;
}

/** The one --*-as-needed flag given, if any. */
function asNeededFlag(o: CliOptions): AsNeeded | undefined {
  const given = (['drop-densest', 'drop-fraction', 'drop-smallest', 'cluster-densest', 'coalesce-smallest', 'coalesce-densest'] as const).filter((s) => o[`${s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}AsNeeded` as keyof CliOptions]);
  if (given.length > 1) throw new UsageError(`give one of --${given.map((s) => `${s}-as-needed`).join(', --')}`);
  return given[0];
}

/** -r and -B: `fN` is a guess (`g`) for a densest tile of N features (the last fN given wins). */
function guesses(rate: CliOptions['dropRate'], base: CliOptions['baseZoom']): Pick<BuildOptions, 'dropRate' | 'baseZoom' | 'guessFeatures'> {
  const f = [rate, base].filter((v): v is { f: number } => typeof v === 'object').pop()?.f;
  const plain = (v: CliOptions['dropRate']) => (typeof v === 'object' ? 'g' : v);
  return { dropRate: plain(rate), baseZoom: plain(base), guessFeatures: f };
}

/** One line on the guessed max zoom and what it was guessed from. */
function formatMaxzoomGuess(g: NonNullable<BuildSummary['maxzoomGuess']>): string {
  const m = (v: number) => (v >= 10 ? `${Math.round(v)} m` : `${Number(v.toPrecision(2))} m`);
  const from: string[] = [];
  if (g.typicalMeters !== undefined) from.push(`features typically ${m(g.typicalMeters)} apart, at least ${m(g.nearbyMeters!)}`);
  if (g.withinMeters !== undefined) from.push(`vertices ${m(g.withinMeters)} apart within features`);
  const why = { precision: ', the deepest the grid tells apart', tiles: ', to keep polygons under 2M tiles', minzoom: ', the min zoom' };
  const limit = g.limitedBy ? why[g.limitedBy] : '';
  return `maxzoom guessed: ${g.maxzoom}${limit} (${from.join('; ')})`;
}

/** One line on thinning: what it chose, and per zoom below the base what it kept and left out. */
function formatThinning(t: NonNullable<BuildSummary['thinning']>, features: Record<number, number>): string {
  const guessed = [t.rateGuessed && 'rate', t.baseZoomGuessed && 'base zoom'].filter(Boolean).join(' and ');
  const zooms = Object.keys(t.thinned).map(Number).filter((z) => t.thinned[z] > 0);
  const per = zooms.map((z) => `z${z} ${features[z] ?? 0} kept, ${t.thinned[z]} left out`).join('; ');
  return `thinning: drop rate ${t.rate} below base zoom ${t.baseZoom}${guessed ? ` (${guessed} guessed)` : ''}, ${t.features} features thinned${per ? `; tile features ${per}` : ''}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // After an interruption a read may still be pending on a pipe or FIFO, and it would keep the process
    // alive: everything is cleaned up by now, so leave at once.
    if (code === 130) process.exit(code);
  },
  (e) => {
    process.stderr.write(`mvt-build: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
