// GeoPackage input: the feature tables of a .gpkg as layers, each a stream of rows with the raw geometry blob.
//
// Geometry blobs are not decoded here: the main thread only reads, and wkb.ts decodes each blob on the
// worker thread that tiles it. better-sqlite3 (native) is loaded on the first .gpkg opened, not before.
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { describeCell, exactInteger, fieldReader, ValueError, type FieldReader, type GpkgField, type GpkgValue } from './gpkg-fields.js';

export type { GpkgField, GpkgValue } from './gpkg-fields.js';

export interface GpkgOptions {
  /** Tables to read (gpkg_contents order is kept). Default: every table whose data_type is 'features'. */
  layers?: string[];
  /** An SQL condition on the table's columns, as ogr2ogr -where. */
  where?: string;
  /**
   * [minX, minY, maxX, maxY] in the layer's CRS. With an R-tree index (rtree_<table>_<column>) only rows
   * whose envelope meets it are read; without one every row is. A pre-filter: the tiler clips exactly.
   */
  bbox?: [number, number, number, number];
  /** Per layer: the area to read, in the layer's CRS (given its CRS), e.g. from lon/lat --bounds. */
  bboxFor?: (srs: string) => [number, number, number, number] | undefined;
  /** CRS of every layer, instead of the file's (--s-srs). Needed for srs_id -1, "undefined Cartesian". */
  srs?: string;
}

export interface GpkgItem {
  /** 0-based position in the layer's stream. */
  index: number;
  feature: { type: 'Feature'; id?: number; properties: Record<string, GpkgValue>; geometry: null };
  /** The GeoPackage geometry blob, for parseGpkgGeometry (wkb.ts); absent when the geometry is NULL. */
  wkb?: Uint8Array;
  /** Why the row could not be read (table and row named); the feature is then incomplete. */
  error?: string;
}

export interface GpkgLayer {
  /** The table name, which GDAL uses as the layer name. */
  name: string;
  description?: string;
  /** `EPSG:NNNN` when the CRS's organization is EPSG, else its WKT definition. */
  srs: string;
  geometryColumn: string;
  /** Property columns in table order: not the primary key (the feature id), not the geometry. */
  fields: GpkgField[];
  skippedFields: { name: string; why: string }[];
  /** Rows in the table, when known without counting (gpkg_ogr_contents) and no where/bbox applies. */
  count?: number;
  /** Streams the rows in primary-key order; each call opens its own read-only connection. */
  features(): AsyncGenerator<GpkgItem>;
}

// better-sqlite3 has no bundled types and @types/better-sqlite3 is not a dependency: this is the part we use.
type Row = unknown[];
interface Statement {
  raw(on: boolean): Statement;
  safeIntegers(on: boolean): Statement;
  all(...params: unknown[]): Row[];
  get(...params: unknown[]): Row | undefined;
  iterate(...params: unknown[]): IterableIterator<Row>;
}
interface Database {
  prepare(sql: string): Statement;
  close(): void;
}
type DatabaseConstructor = new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => Database;

let sqlite: Promise<DatabaseConstructor> | undefined;
function loadSqlite(): Promise<DatabaseConstructor> {
  // A string-typed specifier keeps tsc from demanding the missing declarations; the module is typed above.
  const specifier: string = 'better-sqlite3';
  return (sqlite ??= import(specifier).then((m: { default: DatabaseConstructor }) => m.default));
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Opens a GeoPackage and describes its feature layers. Throws InputError (bad file) or UsageError (bad options). */
export async function openGeoPackage(path: string, opts: GpkgOptions = {}): Promise<GpkgLayer[]> {
  checkBbox(opts.bbox);
  checkSqliteHeader(path);
  const Database = await loadSqlite();
  const db = open(Database, path);
  try {
    return describeLayers(db, path, opts).map((info) => {
      const { sql, params } = query(info, opts);
      // Prepared now, so that a bad `where` is reported when the file is opened, not mid-build.
      try {
        db.prepare(sql);
      } catch (e) {
        throw new UsageError(`${path}: layer "${info.name}": bad where clause ${JSON.stringify(opts.where)}: ${(e as Error).message}`);
      }
      return layer(info, () => readRows(Database, path, info, sql, params));
    });
  } catch (e) {
    throw e instanceof InputError || e instanceof UsageError ? e : new InputError((e as Error).message, path);
  } finally {
    db.close();
  }
}

function checkBbox(bbox: GpkgOptions['bbox']): void {
  if (bbox === undefined) return;
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(Number.isFinite) || bbox[0] > bbox[2] || bbox[1] > bbox[3]) {
    throw new UsageError(`bbox must be [minX, minY, maxX, maxY] with min <= max, got ${JSON.stringify(bbox)}`);
  }
}

/** Checked before SQLite sees the file, so that a wrong file gets a clear message, not "file is not a database". */
function checkSqliteHeader(path: string): void {
  const head = Buffer.alloc(16);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(err.code === 'ENOENT' ? 'no such file' : err.message, path);
  }
  try {
    readSync(fd, head, 0, 16, 0);
  } catch (e) {
    throw new InputError((e as Error).message, path); // EISDIR and the like
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== 'SQLite format 3\0') throw new InputError('not a GeoPackage (not an SQLite database)', path);
}

function open(Database: DatabaseConstructor, path: string): Database {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new InputError((e as Error).message, path);
  }
}

interface LayerInfo {
  name: string;
  description?: string;
  srs: string;
  geometryColumn: string;
  /** The INTEGER PRIMARY KEY column (GDAL's FID), if the table has one. */
  fid?: string;
  readers: FieldReader[];
  skippedFields: { name: string; why: string }[];
  rtree?: string;
  count?: number;
}

function describeLayers(db: Database, path: string, opts: GpkgOptions): LayerInfo[] {
  const table = (name: string) => db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`).raw(true).get(name)?.[0] as string | undefined;
  // application_id 'GPKG'/'GP10'/'GP11' is not required: files written by older tools lack it, GDAL reads them.
  if (!table('gpkg_contents')) throw new InputError('not a GeoPackage (no gpkg_contents table)', path);
  if (!table('gpkg_geometry_columns')) throw new InputError('not a GeoPackage (no gpkg_geometry_columns table)', path);
  const rows = db
    .prepare(
      `SELECT c.table_name, c.description, g.column_name, g.srs_id FROM gpkg_contents c
       LEFT JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name)
       WHERE lower(c.data_type) = 'features' ORDER BY c.rowid`,
    )
    .raw(true)
    .safeIntegers(true)
    .all() as [string, string | null, string | null, bigint | null][];
  let chosen = rows;
  if (opts.layers) {
    const names = rows.map((r) => r[0]);
    for (const want of opts.layers) {
      if (!names.some((n) => n.toLowerCase() === want.toLowerCase())) {
        throw new UsageError(`${path}: no layer "${want}"; the layers are: ${names.map((n) => `"${n}"`).join(', ') || 'none'}`);
      }
    }
    chosen = rows.filter((r) => opts.layers!.some((w) => w.toLowerCase() === r[0].toLowerCase()));
  }
  const counts = table('gpkg_ogr_contents') && !opts.where && !opts.bbox ? db.prepare('SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)').raw(true).safeIntegers(true) : undefined;
  return chosen.map(([name, description, geometryColumn, srsId]) => {
    const where = `layer "${name}"`;
    if (!table(name)) throw new InputError(`${where} is listed in gpkg_contents but has no table`, path);
    if (geometryColumn === null || srsId === null) throw new InputError(`${where} has no row in gpkg_geometry_columns`, path);
    const info: LayerInfo = {
      name,
      description: description || undefined,
      srs: opts.srs ?? layerSrs(db, Number(srsId), path, name),
      geometryColumn,
      readers: [],
      skippedFields: [],
    };
    describeColumns(db, info);
    const rtree = `rtree_${name}_${geometryColumn}`;
    if (table(rtree)) info.rtree = rtree;
    const count = counts?.get(name)?.[0];
    if (typeof count === 'bigint') info.count = exactInteger(count);
    return info;
  });
}

/**
 * The layer's CRS from gpkg_spatial_ref_sys. GPKG §1.1.2.1.1 reserves srs_id 0, "undefined geographic"
 * (read as WGS 84: longitude/latitude is all it promises) and -1, "undefined Cartesian" (nothing to assume).
 */
function layerSrs(db: Database, srsId: number, path: string, layer: string): string {
  const fail = (why: string) => new InputError(`layer "${layer}": ${why}; give it with --s-srs`, path);
  if (srsId === 0) return 'EPSG:4326';
  if (srsId === -1) throw fail('the CRS is undefined (srs_id -1, undefined Cartesian)');
  const row = db.prepare('SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?').raw(true).get(srsId) as
    | [string, number, string]
    | undefined;
  if (!row) throw fail(`srs_id ${srsId} is not in gpkg_spatial_ref_sys`);
  const [organization, code, definition] = row;
  // Some writers spell the organization 'epsg'; GDAL compares without case too.
  if (organization?.toUpperCase() === 'EPSG') return `EPSG:${code}`;
  if (!definition || definition.trim().toLowerCase() === 'undefined') {
    throw fail(`srs_id ${srsId} (${organization}:${code}) has no CRS definition`);
  }
  return definition;
}

function describeColumns(db: Database, info: LayerInfo): void {
  // cid, name, type, notnull, dflt_value, pk
  const columns = db.prepare('SELECT name, type, pk FROM pragma_table_info(?)').raw(true).all(info.name) as [string, string, number][];
  const pk = columns.filter((c) => c[2] > 0);
  // Only an INTEGER PRIMARY KEY is the rowid, which GDAL takes as the FID (GPKG requires one, Req 29).
  if (pk.length === 1 && pk[0][1].toUpperCase() === 'INTEGER') info.fid = pk[0][0];
  for (const [name, declared] of columns) {
    if (name === info.fid || name.toLowerCase() === info.geometryColumn.toLowerCase()) continue;
    const r = fieldReader(name, declared);
    if ('skip' in r) info.skippedFields.push({ name, why: r.skip });
    else info.readers.push(r);
  }
}

function layer(info: LayerInfo, features: () => AsyncGenerator<GpkgItem>): GpkgLayer {
  return {
    name: info.name,
    description: info.description,
    srs: info.srs,
    geometryColumn: info.geometryColumn,
    fields: info.readers.map((r) => r.field),
    skippedFields: info.skippedFields,
    count: info.count,
    features,
  };
}

/** Columns: [fid?, geometry, ...fields]. The bbox goes through the R-tree as a subquery so `where` sees only the table. */
function query(info: LayerInfo, opts: GpkgOptions): { sql: string; params: number[] } {
  const cols = [...(info.fid ? [info.fid] : []), info.geometryColumn, ...info.readers.map((r) => r.field.name)].map(q);
  const conditions: string[] = [];
  const params: number[] = [];
  const bbox = opts.bbox ?? opts.bboxFor?.(info.srs);
  if (bbox && info.rtree && info.fid) {
    conditions.push(`${q(info.fid)} IN (SELECT id FROM ${q(info.rtree)} WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)`);
    const [minX, minY, maxX, maxY] = bbox;
    params.push(maxX, minX, maxY, minY);
  }
  if (opts.where) conditions.push(`(${opts.where})`);
  const sql =
    `SELECT ${cols.join(', ')} FROM ${q(info.name)}` +
    (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '') +
    (info.fid ? ` ORDER BY ${q(info.fid)}` : '');
  return { sql, params };
}

async function* readRows(Database: DatabaseConstructor, path: string, info: LayerInfo, sql: string, params: number[]): AsyncGenerator<GpkgItem> {
  const db = open(Database, path);
  let index = 0;
  try {
    // Integers as bigint, so that one beyond 2^53 is caught instead of silently rounded.
    const rows = db.prepare(sql).raw(true).safeIntegers(true).iterate(...params);
    const first = info.fid ? 1 : 0;
    for (const row of rows) {
      const fid = info.fid ? exactInteger(row[0] as bigint) : undefined;
      const item: GpkgItem = { index, feature: { type: 'Feature', properties: {}, geometry: null } };
      if (fid !== undefined) item.feature.id = fid;
      const problems: string[] = [];
      const blob = row[first];
      if (blob instanceof Uint8Array) item.wkb = blob;
      else if (blob !== null) problems.push(`geometry column "${info.geometryColumn}" holds ${describeCell(blob)}, not a GeoPackage geometry blob`);
      for (let i = 0; i < info.readers.length; i++) {
        const { field, read } = info.readers[i];
        let value: GpkgValue = null;
        try {
          value = read(row[first + 1 + i]);
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
          problems.push(`column "${field.name}" (${field.declared}): ${e.message}`);
        }
        item.feature.properties[field.name] = value;
      }
      if (problems.length) {
        const rowName = info.fid ? `${info.fid} ${row[0]}` : `row #${index}`;
        item.error = `table "${info.name}", ${rowName}: ${problems.join('; ')}`;
      }
      index++;
      yield item;
    }
  } catch (e) {
    // SQLite failing mid-table (a corrupt page, the file replaced) makes the file unreadable, not one row.
    if (e instanceof InputError) throw e;
    throw new InputError(`layer "${info.name}", after row #${index}: ${(e as Error).message}`, path);
  } finally {
    db.close();
  }
}
