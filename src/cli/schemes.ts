// `mvt-build schemes`: the tiling-scheme presets, and with --table SCHEME the zooms of any scheme —
// matrix size, tile side, cell size and OGC scale denominator (256-pixel tiles, 0.28 mm pixels, the
// figures of tilematrixset.json and of --min-scale / --max-scale).
import { parseArguments } from './parse.js';
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { resolveCrs } from '../projection/crs.js';
import { crsAreaOf, crsFacts, metersPerUnit } from '../projection/crs-info.js';
import { cellSize, readTilingScheme, scaleDenominator } from '../scheme/ogc-tms.js';
import { formatTilingScheme, MAX_ZOOM, matrixSize, PRESETS, tileDimension, type TilingScheme } from '../scheme/tiling-scheme.js';
import { stdoutWriter, table, thousands } from './table.js';

const zoom = (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > MAX_ZOOM) throw new InvalidArgumentError(`--maxzoom must be a zoom 0..${MAX_ZOOM}, got "${v}"`);
  return n;
};

export function makeSchemesProgram(): Command {
  return new Command('mvt-build schemes')
    .description('List the tiling-scheme presets; with --table, the zooms of a scheme and their map scales.')
    .option('--table <scheme>', 'a preset, CRS,ULX,ULY,DIM0[,W0,H0] or an OGC tile matrix set FILE.json: one row per zoom')
    .option('-z, --maxzoom <z>', 'last zoom of the table', zoom, 24)
    .option('--json', 'print the rows as JSON')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

export interface ZoomRow {
  zoom: number;
  matrixWidth: number;
  matrixHeight: number;
  /** A tile's side in CRS units. */
  tileSize: number;
  /** A 256-pixel tile's pixel in CRS units (OGC cellSize). */
  cellSize: number;
  /** OGC scale denominator: the cell size in metres over 0.28 mm. */
  scaleDenominator: number;
}

/** The table's rows for zooms 0..maxzoom. */
export function zoomRows(s: TilingScheme, maxzoom: number): ZoomRow[] {
  const mpu = metersPerUnit(resolveCrs(s.crs));
  return Array.from({ length: maxzoom + 1 }, (_, z) => {
    const m = matrixSize(s, z);
    return { zoom: z, matrixWidth: m.width, matrixHeight: m.height, tileSize: tileDimension(s, z), cellSize: cellSize(s, z), scaleDenominator: scaleDenominator(s, z, mpu) };
  });
}

/** A length in CRS units, to about four significant figures. */
const units = (v: number) => (v >= 1000 ? thousands(Math.round(v)) : Number(v.toPrecision(4)).toString());

export async function run(argv: string[]): Promise<number> {
  const program = makeSchemesProgram();
  const exit = parseArguments(program, argv);
  if (exit !== undefined) return exit;
  const o = program.opts<{ table?: string; maxzoom: number; json?: boolean }>();
  const write = stdoutWriter();
  if (o.table === undefined) {
    const rows = Object.entries(PRESETS).map(([name, s]) => [name, s.crs, formatTilingScheme(s)]);
    if (o.json) await write(JSON.stringify(Object.fromEntries(rows.map(([n, , g]) => [n, g]))) + '\n');
    else await write(table([['preset', 'CRS', 'GDAL TILING_SCHEME'], ...rows], []) + '\n');
    return 0;
  }
  let scheme: TilingScheme;
  let rows: ZoomRow[];
  try {
    const text = /\.json$/i.test(o.table.trim()) ? readFileSync(o.table.trim(), 'utf8') : o.table;
    scheme = readTilingScheme(text, { crsArea: crsAreaOf, crsFacts });
    rows = zoomRows(scheme, o.maxzoom);
  } catch (e) {
    process.stderr.write(`mvt-build schemes: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  if (o.json) {
    await write(JSON.stringify({ scheme: formatTilingScheme(scheme), crs: scheme.crs, zooms: rows }) + '\n');
    return 0;
  }
  await write(`${scheme.name ?? o.table}: ${formatTilingScheme(scheme)} (256-pixel tiles, 0.28 mm pixels)\n`);
  const head = ['zoom', 'matrix', 'tile side', 'cell size', 'scale'];
  const body = rows.map((r) => [String(r.zoom), `${r.matrixWidth} × ${r.matrixHeight}`, units(r.tileSize), units(r.cellSize), `1:${thousands(Math.round(r.scaleDenominator))}`]);
  await write(table([head, ...body], [0, 2, 3, 4]) + '\n');
  return 0;
}
