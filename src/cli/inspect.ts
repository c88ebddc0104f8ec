// `mvt-build inspect`: a tileset's summary, one tile or a zoom decoded to GeoJSON, or statistics.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { decodeTile, type Coords, type InspectedFeature } from '../inspect/decode.js';
import { GEOMETRY_TYPES, tilesetStats, type TilesetStats } from '../inspect/stats.js';
import { resolveCrs } from '../projection/crs.js';
import { formatTilingScheme, matrixSize, parseTilingScheme, WEB_MERCATOR, type TilingScheme } from '../scheme/tiling-scheme.js';
import type { TilesetInfo } from '../tileset/metadata.js';
import { openTileset, type Tileset } from '../tileset/tileset.js';
import { stdoutWriter, table, thousands } from './table.js';
import { parseArguments } from './parse.js';

const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be a zoom level (0 or more), got "${v}"`);
  return Number(v);
};

export function makeInspectProgram(): Command {
  return new Command('mvt-build inspect')
    .description('Show a tileset: its summary, one tile or a zoom as GeoJSON, or --stats.')
    .argument('<tileset>', 'a tileset directory, an .mbtiles or .pmtiles file, or one tile file (raw or gzip)')
    .argument('[z/x/y]', 'a tile to decode to GeoJSON')
    .option('--zoom <z>', 'decode every tile of zoom Z (with --stats: statistics of zoom Z only)', int('--zoom'))
    .addOption(new Option('--coords <coords>', "GeoJSON coordinates: tile (the tile's integers, y down), crs (the tiling scheme's CRS) or lonlat (EPSG:4326) (default: lonlat, tile for a lone tile file without z/x/y)").choices(['tile', 'crs', 'lonlat']))
    .option('-l, --layer <name>', 'only this layer (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--stats', 'per zoom and layer: tiles, features by geometry type, bytes (min/median/max, the 10 largest tiles), fields')
    .option('--tiling-scheme <scheme>', 'the grid of a lone tile file (default WebMercatorQuad); a tileset says its own')
    .option('--json', 'print the summary or the statistics as JSON (GeoJSON is JSON already)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

interface InspectOptions {
  zoom?: number;
  coords?: Coords;
  layer?: string[];
  stats?: boolean;
  tilingScheme?: string;
  json?: boolean;
}

/** Where the tiles come from: a tileset, or one tile file with the place it may be given. */
type Source =
  | { kind: 'tileset'; tileset: Tileset; tile?: [number, number, number] }
  | { kind: 'file'; path: string; tile?: [number, number, number]; scheme: TilingScheme };

export async function run(argv: string[]): Promise<number> {
  const program = makeInspectProgram();
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const o = program.opts<InspectOptions>();
  const [path, tileArg] = program.args as [string, string | undefined];
  let source: Source | undefined;
  try {
    const tile = tileArg === undefined ? undefined : parseTile(tileArg);
    if (tile && o.zoom !== undefined) throw new UsageError('give a tile z/x/y or --zoom, not both');
    if (o.stats && tile) throw new UsageError('--stats covers a tileset or a zoom (--zoom), not one tile');
    source = await openSource(path, tile, o);
    if (source.kind === 'file' && (o.stats || o.zoom !== undefined)) throw new UsageError(`${path} is one tile: --stats and --zoom need a tileset (a directory, an .mbtiles or a .pmtiles file)`);
    const layers = o.layer ? new Set(o.layer) : undefined;
    const write = stdoutWriter();
    if (source.kind === 'tileset' && o.stats) {
      const stats = await tilesetStats(source.tileset, { zoom: o.zoom });
      if (layers) for (const z of stats.zooms) for (const name of Object.keys(z.layers)) if (!layers.has(name)) delete z.layers[name];
      await write(o.json ? JSON.stringify(stats) + '\n' : formatStats(stats) + '\n');
      return 0;
    }
    if (source.kind === 'tileset' && !source.tile && o.zoom === undefined) {
      const summary = await summarize(source.tileset);
      await write(o.json ? JSON.stringify(summary) + '\n' : formatSummary(summary) + '\n');
      return 0;
    }
    const scheme = source.kind === 'tileset' ? source.tileset.info.scheme : source.scheme;
    const coords: Coords = o.coords ?? (source.kind === 'file' && !source.tile ? 'tile' : 'lonlat');
    if (coords !== 'tile') {
      if (source.kind === 'file' && !source.tile) throw new UsageError(`--coords ${coords} needs the tile's z/x/y: give it after the file name`);
      resolveCrs(scheme.crs); // an unknown CRS fails here, before any output
    }
    // One tile is decoded before anything is written: a missing or unreadable one prints no document.
    let single: InspectedFeature[] | undefined;
    if (source.kind === 'file') {
      const [z, x, y] = source.tile ?? [0, 0, 0];
      single = decode(await readFile(source.path), z, x, y, source.path, { coords, scheme, layers, tileName: source.tile ? undefined : source.path });
    } else if (source.tile) {
      const [z, x, y] = source.tile;
      const bytes = await source.tileset.readTile(z, x, y);
      if (!bytes) throw new InputError(`no tile ${z}/${x}/${y}${outsideNote(scheme, z, x, y)}`, source.tileset.path);
      single = decode(bytes, z, x, y, `${z}/${x}/${y}`, { coords, scheme, layers });
    }
    await write(`{"type":"FeatureCollection"${coords === 'crs' ? crsMember(scheme) : ''},"features":[\n`);
    let first = true;
    const emit = async (features: InspectedFeature[]) => {
      for (const f of features) {
        await write((first ? '' : ',\n') + JSON.stringify(f));
        first = false;
      }
    };
    if (single) await emit(single);
    else if (source.kind === 'tileset') {
      let tiles = 0;
      for await (const t of source.tileset.tiles({ zoom: o.zoom })) {
        tiles++;
        await emit(decode(t.data, t.z, t.x, t.y, `${t.z}/${t.x}/${t.y}`, { coords, scheme, layers }));
      }
      if (!tiles) process.stderr.write(`mvt-build inspect: ${source.tileset.path} has no tiles at zoom ${o.zoom}\n`);
    }
    await write('\n]}\n');
    return 0;
  } catch (e) {
    process.stderr.write(`mvt-build inspect: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  } finally {
    if (source?.kind === 'tileset') await source.tileset.close();
  }
}

function parseTile(text: string): [number, number, number] {
  const m = /^(\d+)\/(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`a tile is z/x/y (three integers), got "${text}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * A directory, .mbtiles or .pmtiles is a tileset. A tile file inside a tileset directory (DIR/z/x/y.pbf, with
 * DIR/metadata.json) is that tileset's tile; any other file is a lone tile, placed by the z/x/y
 * argument or its path and georeferenced with --tiling-scheme.
 */
async function openSource(path: string, tile: [number, number, number] | undefined, o: InspectOptions): Promise<Source> {
  if (!existsSync(path)) throw new InputError('no such file or directory', path);
  if (statSync(path).isDirectory() || /\.(?:mbtiles|pmtiles)$/i.test(path)) {
    if (o.tilingScheme) throw new UsageError('--tiling-scheme is for a lone tile file: a tileset gives its own scheme in its metadata');
    return { kind: 'tileset', tileset: await openTileset(path), tile };
  }
  const m = /(?:^|[\\/])(\d+)[\\/](\d+)[\\/](\d+)\.[^\\/.]+$/.exec(path);
  const fromPath = m ? ([Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number]) : undefined;
  const root = dirname(dirname(dirname(path)));
  if (fromPath && !tile && !o.tilingScheme && existsSync(join(root, 'metadata.json'))) {
    return { kind: 'tileset', tileset: await openTileset(root), tile: fromPath };
  }
  const scheme = o.tilingScheme ? parseTilingScheme(o.tilingScheme) : { ...WEB_MERCATOR };
  return { kind: 'file', path, tile: tile ?? fromPath, scheme };
}

function decode(bytes: Uint8Array, z: number, x: number, y: number, name: string, options: Parameters<typeof decodeTile>[4]): InspectedFeature[] {
  try {
    return decodeTile(bytes, z, x, y, options);
  } catch (e) {
    throw new InputError(`tile ${name} cannot be read: ${(e as Error).message} (mvt-build validate says what is wrong)`);
  }
}

function outsideNote(s: TilingScheme, z: number, x: number, y: number): string {
  const m = matrixSize(s, z);
  return x >= m.width || y >= m.height ? `: the tile matrix at zoom ${z} is ${m.width} × ${m.height} tiles` : '';
}

/** The 2008 GeoJSON `crs` member for an EPSG code, so that GDAL reads the coordinates' SRS. */
function crsMember(s: TilingScheme): string {
  const code = /^EPSG:(\d+)$/i.exec(s.crs)?.[1];
  return code ? `,"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::${code}"}}` : '';
}

/** What `inspect TILESET` prints (and `--json` gives): the metadata's own keys, then what was counted. */
export interface TilesetSummary extends Pick<TilesetInfo, 'name' | 'description' | 'minzoom' | 'maxzoom' | 'bounds' | 'center'> {
  path: string;
  format: 'directory' | 'mbtiles' | 'pmtiles';
  /** The grid, and its GDAL TILING_SCHEME string. */
  scheme: TilingScheme & { gdal: string };
  /** False when the metadata did not name a grid and WebMercatorQuad is assumed. */
  schemeGiven: boolean;
  layers: { id: string; description?: string; minzoom?: number; maxzoom?: number; fields: Record<string, string> }[];
  /** Tiles per zoom. */
  tiles: Record<string, number>;
  totalTiles: number;
  /** What the metadata lacks or gets wrong. */
  problems: string[];
}

async function summarize(t: Tileset): Promise<TilesetSummary> {
  const counts = await t.tileCounts();
  const i = t.info;
  return {
    path: t.path,
    format: t.format,
    name: i.name,
    description: i.description,
    minzoom: i.minzoom,
    maxzoom: i.maxzoom,
    bounds: i.bounds,
    center: i.center,
    scheme: { ...i.scheme, gdal: formatTilingScheme(i.scheme) },
    schemeGiven: i.schemeGiven,
    layers: i.layers,
    tiles: Object.fromEntries(counts),
    totalTiles: [...counts.values()].reduce((a, b) => a + b, 0),
    problems: i.problems,
  };
}

function formatSummary(s: TilesetSummary): string {
  const lines = [`${s.path} (${s.format})`];
  if (s.name !== undefined) lines.push(`  name: ${s.name}${s.description ? ` — ${s.description}` : ''}`);
  lines.push(`  tiling scheme: ${s.scheme.name ? `${s.scheme.name} (${s.scheme.gdal})` : s.scheme.gdal}${s.schemeGiven ? '' : ' — the default: the metadata has no tiling-scheme keys'}`);
  if (s.minzoom !== undefined || s.maxzoom !== undefined) lines.push(`  zooms in metadata: ${s.minzoom ?? '?'}–${s.maxzoom ?? '?'}`);
  if (s.bounds) lines.push(`  bounds: ${s.bounds.join(', ')}${s.center ? `; center ${s.center.join(', ')}` : ''}`);
  lines.push(`  tiles: ${thousands(s.totalTiles)}${s.totalTiles ? ` (${Object.entries(s.tiles).map(([z, n]) => `z${z} ${thousands(n)}`).join(', ')})` : ''}`);
  for (const l of s.layers) {
    const fields = Object.entries(l.fields).map(([k, v]) => `${k} (${v})`).join(', ');
    lines.push(`  layer ${l.id}${l.minzoom !== undefined ? ` z${l.minzoom}–${l.maxzoom}` : ''}: ${fields || 'no fields'}`);
  }
  for (const p of s.problems) lines.push(`  note: ${p}`);
  return lines.join('\n');
}

function formatStats(s: TilesetStats): string {
  const lines = [`${s.path}: ${thousands(s.tiles)} tiles, ${thousands(s.bytes)} bytes, ${thousands(s.features)} features`];
  for (const z of s.zooms) {
    const b = z.bytes;
    lines.push('', `zoom ${z.zoom}: ${thousands(z.tiles)} tile${z.tiles === 1 ? '' : 's'}, ${thousands(z.features)} features; bytes min ${thousands(b.min)}, median ${thousands(b.median)}, max ${thousands(b.max)}, total ${thousands(b.total)} (${thousands(z.uncompressedBytes)} uncompressed${z.compressedTiles ? `, ${thousands(z.compressedTiles)} tiles gzip` : ''})`);
    if (z.unreadable) lines.push(`  ${z.unreadable} tile${z.unreadable > 1 ? 's' : ''} could not be read (see mvt-build validate)`);
    lines.push(`  largest: ${z.largest.map((t) => `${t.tile} (${thousands(t.bytes)})`).join(', ')}`);
    const rows = [['layer', 'tiles', 'features', ...GEOMETRY_TYPES.slice(1).map((t) => t.toLowerCase() + 's'), 'unknown', 'bytes']];
    for (const [name, l] of Object.entries(z.layers)) {
      rows.push([name, thousands(l.tiles), thousands(l.features), ...GEOMETRY_TYPES.slice(1).map((t) => thousands(l.geometryTypes[t])), thousands(l.geometryTypes.Unknown), thousands(l.bytes)]);
    }
    lines.push(table(rows, [1, 2, 3, 4, 5, 6, 7]));
    for (const [name, l] of Object.entries(z.layers)) {
      const fields = Object.entries(l.fields).map(([k, f]) => `${k} (${f.types.join('/')}, ${thousands(f.features)})`);
      lines.push(`  fields of ${name}: ${fields.length ? fields.join(', ') : 'none'}`);
    }
  }
  return lines.join('\n');
}
