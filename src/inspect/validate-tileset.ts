// `validate`: every tile of a tileset (or one tile file) through validateTile, plus what only the
// tileset can tell — its metadata, tiles outside the matrix or the zoom range, layers the metadata
// does not list. Findings are counted in full; the list keeps the first `maxFindings`.
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { matrixSize } from '../scheme/tiling-scheme.js';
import { openTileset, type Tileset } from '../tileset/tileset.js';
import { finding, type Finding, type RuleId, type Severity } from './rules.js';
import { validateTile, type TileCheck } from './validate-tile.js';

export interface ValidateOptions {
  /** Only this zoom level. */
  zoom?: number;
  /** Findings listed (all are counted); default 1000. */
  maxFindings?: number;
  /** Called after each tile, for progress. */
  onTile?: (checked: number) => void;
}

export interface RuleCount {
  severity: Severity;
  fatal: boolean;
  /** Findings of the rule (each located once: a feature, a layer, a tile). */
  findings: number;
}

export interface ValidationReport {
  path: string;
  kind: 'directory' | 'mbtiles' | 'pmtiles' | 'tile';
  tiles: number;
  layers: number;
  features: number;
  /** Polygon features whose geometry was checked (OGC validity included). */
  polygons: number;
  /** Findings by severity; `fatal` counts the errors that are fatal too. */
  errors: number;
  fatal: number;
  warnings: number;
  tilesWithErrors: number;
  /** No errors (warnings allowed): what exit code 0 means. */
  valid: boolean;
  byRule: Partial<Record<RuleId, RuleCount>>;
  findings: Finding[];
  /** More findings were counted than listed. */
  truncated: boolean;
}

class Collector {
  readonly report: ValidationReport;
  constructor(path: string, kind: ValidationReport['kind'], private readonly max: number) {
    this.report = { path, kind, tiles: 0, layers: 0, features: 0, polygons: 0, errors: 0, fatal: 0, warnings: 0, tilesWithErrors: 0, valid: true, byRule: {}, findings: [], truncated: false };
  }

  add(f: Finding): void {
    const r = this.report;
    if (f.severity === 'error') {
      r.errors++;
      if (f.fatal) r.fatal++;
      r.valid = false;
    } else r.warnings++;
    const c = (r.byRule[f.rule] ??= { severity: f.severity, fatal: f.fatal, findings: 0 });
    c.findings++;
    if (r.findings.length < this.max) r.findings.push(f);
    else r.truncated = true;
  }

  tile(bytes: Uint8Array, name: string): TileCheck {
    const check = validateTile(bytes, { tile: name });
    const r = this.report;
    r.tiles++;
    r.layers += check.layers;
    r.features += check.features;
    r.polygons += check.polygons;
    if (check.findings.some((f) => f.severity === 'error')) r.tilesWithErrors++;
    for (const f of check.findings) this.add(f);
    return check;
  }
}

/** Validates a tileset directory, an .mbtiles or .pmtiles file, or one tile file (raw or gzip). */
export async function validatePath(path: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'no such file or directory' : e.message, path);
  });
  if (st.isDirectory() || /\.(?:mbtiles|pmtiles)$/i.test(path)) {
    const tileset = await openTileset(path);
    try {
      return { ...(await validateTileset(tileset, options)), path };
    } finally {
      await tileset.close();
    }
  }
  const c = new Collector(path, 'tile', options.maxFindings ?? 1000);
  c.tile(await readFile(path), path);
  return c.report;
}

export async function validateTileset(tileset: Tileset, options: ValidateOptions = {}): Promise<ValidationReport> {
  const c = new Collector(tileset.path, tileset.format, options.maxFindings ?? 1000);
  const info = tileset.info;
  for (const p of info.problems) c.add(finding('metadata', p));
  const listed = new Set(info.layers.map((l) => l.id));
  const unlisted = new Map<string, { tiles: number; first: string }>();
  const offZoom = new Map<number, { tiles: number; first: string }>();
  let outside = 0, firstOutside = '';
  const { minzoom, maxzoom } = info;
  for await (const t of tileset.tiles({ zoom: options.zoom })) {
    const name = `${t.z}/${t.x}/${t.y}`;
    const m = matrixSize(info.scheme, t.z);
    if (t.x >= m.width || t.y >= m.height || t.y < 0) {
      if (outside++ === 0) firstOutside = name;
    }
    if ((minzoom !== undefined && t.z < minzoom) || (maxzoom !== undefined && t.z > maxzoom)) {
      const o = offZoom.get(t.z);
      if (o) o.tiles++;
      else offZoom.set(t.z, { tiles: 1, first: name });
    }
    const check = c.tile(t.data, name);
    if (listed.size) {
      for (const layer of check.layerNames) {
        if (listed.has(layer)) continue;
        const u = unlisted.get(layer);
        if (u) u.tiles++;
        else unlisted.set(layer, { tiles: 1, first: name });
      }
    }
    options.onTile?.(c.report.tiles);
  }
  if (outside) c.add(finding('tile-outside-matrix', `${outside} tile${outside > 1 ? 's lie' : ' lies'} outside the tile matrix of ${info.scheme.name ?? info.scheme.crs} (first ${firstOutside})`, { tile: firstOutside, count: outside }));
  for (const [z, o] of offZoom) c.add(finding('tile-zoom', `${o.tiles} tile${o.tiles > 1 ? 's' : ''} at zoom ${z}, outside the metadata zooms ${minzoom ?? '?'}–${maxzoom ?? '?'}`, { tile: o.first, count: o.tiles }));
  for (const [layer, u] of unlisted) c.add(finding('layer-not-in-metadata', `layer "${layer}" (in ${u.tiles} tile${u.tiles > 1 ? 's' : ''}) is not in the metadata vector_layers`, { tile: u.first, layer, count: u.tiles }));
  return c.report;
}

