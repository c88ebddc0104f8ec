// Writing GeoPackages for the tests: WKB and GeoPackage geometry blobs by hand (every type, Z/M, either
// byte order), a set of geometries, and a GeoPackage's mandatory tables with better-sqlite3. Shared by
// test/unit/gpkg.test.ts (the decoder and reader) and test/e2e/gpkg-ogr2ogr.test.ts (files GDAL writes).
import { createRequire } from 'node:module';
import type { GpkgItem, GpkgLayer } from '../src/readers/gpkg.js';
import type { GeoJSONGeometry, Position } from '../src/readers/wkb.js';

// ---- A small WKB / GeoPackage geometry writer -------------------------------------------------

type Dims = 'XY' | 'XYZ' | 'XYM' | 'XYZM';
export interface WkbStyle {
  le?: boolean;
  dims?: Dims;
  /** Z/M as EWKB high bits instead of ISO +1000/+2000/+3000. */
  ewkb?: boolean;
  /** Each nested geometry takes the opposite byte order of its parent. */
  flip?: boolean;
}

const CODES = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6, GeometryCollection: 7 };

class Bytes {
  private out: number[] = [];
  private dv = new DataView(new ArrayBuffer(8));
  u8(v: number) {
    this.out.push(v);
  }
  u32(v: number, le: boolean) {
    this.dv.setUint32(0, v, le);
    for (let i = 0; i < 4; i++) this.out.push(this.dv.getUint8(i));
  }
  i32(v: number, le: boolean) {
    this.u32(v >>> 0, le);
  }
  f64(v: number, le: boolean) {
    this.dv.setFloat64(0, v, le);
    for (let i = 0; i < 8; i++) this.out.push(this.dv.getUint8(i));
  }
  bytes(b: Uint8Array) {
    this.out.push(...b);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function wkb(g: GeoJSONGeometry, s: WkbStyle = {}): Uint8Array {
  const w = new Bytes();
  writeGeometry(w, g, s, s.le ?? true);
  return w.done();
}

function writeGeometry(w: Bytes, g: GeoJSONGeometry, s: WkbStyle, le: boolean): void {
  const dims = s.dims ?? 'XY';
  const z = dims.includes('Z'), m = dims.includes('M');
  const base = CODES[g.type];
  w.u8(le ? 1 : 0);
  w.u32(s.ewkb ? (base | (z ? 0x80000000 : 0) | (m ? 0x40000000 : 0)) >>> 0 : base + (z && m ? 3000 : z ? 1000 : m ? 2000 : 0), le);
  // Z and M get values of their own, so that a decoder taking them for x/y would be caught.
  const pos = (p: Position) => {
    w.f64(p[0], le);
    w.f64(p[1], le);
    if (z) w.f64(p[0] + 1000.5, le);
    if (m) w.f64(p[1] - 2000.5, le);
  };
  const list = (ps: Position[]) => {
    w.u32(ps.length, le);
    ps.forEach(pos);
  };
  const inner = s.flip ? !le : le;
  switch (g.type) {
    case 'Point':
      return pos(g.coordinates);
    case 'LineString':
      return list(g.coordinates);
    case 'Polygon':
      w.u32(g.coordinates.length, le);
      return g.coordinates.forEach(list);
    case 'MultiPoint':
      w.u32(g.coordinates.length, le);
      return g.coordinates.forEach((c) => writeGeometry(w, { type: 'Point', coordinates: c }, s, inner));
    case 'MultiLineString':
      w.u32(g.coordinates.length, le);
      return g.coordinates.forEach((c) => writeGeometry(w, { type: 'LineString', coordinates: c }, s, inner));
    case 'MultiPolygon':
      w.u32(g.coordinates.length, le);
      return g.coordinates.forEach((c) => writeGeometry(w, { type: 'Polygon', coordinates: c }, s, inner));
    case 'GeometryCollection':
      w.u32(g.geometries.length, le);
      return g.geometries.forEach((c) => writeGeometry(w, c, s, inner));
  }
}

const ENVELOPE_DOUBLES = [0, 4, 6, 6, 8];

/** The GPKG header (magic, version, flags, srs_id, envelope) in front of a WKB body. */
export function gp(body: Uint8Array, h: { le?: boolean; srsId?: number; envelope?: number; empty?: boolean; flags?: number; version?: number } = {}): Uint8Array {
  const le = h.le ?? true;
  const envelope = h.envelope ?? 0;
  const w = new Bytes();
  w.u8(0x47);
  w.u8(0x50);
  w.u8(h.version ?? 0);
  w.u8(h.flags ?? ((le ? 1 : 0) | (envelope << 1) | (h.empty ? 0x10 : 0)));
  w.i32(h.srsId ?? 4326, le);
  for (let i = 0; i < (ENVELOPE_DOUBLES[envelope] ?? 0); i++) w.f64(-i, le);
  w.bytes(body);
  return w.done();
}

export const blob = (g: GeoJSONGeometry, s: WkbStyle = {}) => gp(wkb(g, s));

// ---- Geometries used throughout the GeoPackage tests ------------------------------------------

export const square: Position[] = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
export const hole: Position[] = [[2, 2], [2, 4], [4, 4], [2, 2]];
export const ALL: GeoJSONGeometry[] = [
  { type: 'Point', coordinates: [17.5, -59.25] },
  { type: 'LineString', coordinates: [[1, 2], [3.5, -4], [1e-9, 1e12]] },
  { type: 'Polygon', coordinates: [square, hole] },
  { type: 'MultiPoint', coordinates: [[1, 1], [-2, -2.5]] },
  { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 2]]] },
  { type: 'MultiPolygon', coordinates: [[square, hole], [[[20, 20], [30, 20], [30, 30], [20, 20]]]] },
  {
    type: 'GeometryCollection',
    geometries: [
      { type: 'Point', coordinates: [5, 6] },
      { type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [[0, 0], [7, 7]] }, { type: 'MultiPoint', coordinates: [[8, 9]] }] },
      { type: 'MultiPolygon', coordinates: [[square]] },
    ],
  },
];

// ---- GeoPackages ------------------------------------------------------------------------------

const WKT_3006 = 'PROJCS["SWEREF99 TM",GEOGCS["SWEREF99",DATUM["SWEREF99",SPHEROID["GRS 1980",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",15],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]';
export const WKT_CUSTOM = 'PROJCS["Local grid",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",18],PARAMETER["scale_factor",1],PARAMETER["false_easting",150000],PARAMETER["false_northing",0],UNIT["metre",1]]';

// better-sqlite3 ships no types and @types/better-sqlite3 is not a dependency: the writing side used here.
export interface Db {
  exec(sql: string): Db;
  prepare(sql: string): { run(...params: unknown[]): unknown };
  pragma(statement: string): unknown;
  transaction(fn: () => void): () => void;
  close(): void;
}
export const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => Db;

/** An empty GeoPackage with the mandatory tables (GPKG 1.2 §1.1) and a few CRSs. */
export function createGpkg(path: string): Db {
  const db = new Database(path);
  db.pragma('application_id = 0x47504B47');
  db.pragma('user_version = 10200');
  db.exec(`
    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
      organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
    CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
      description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
    CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
      srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
  `);
  const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
  srs.run('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system');
  srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
  srs.run('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]', null);
  srs.run('SWEREF99 TM', 3006, 'epsg', 3006, WKT_3006, 'organization in lower case, as some writers do');
  srs.run('Local grid', 100000, 'MYORG', 7, WKT_CUSTOM, null);
  return db;
}

export function addLayer(db: Db, name: string, srsId: number, columns: string, opts: { dataType?: string; geometry?: string; description?: string } = {}): void {
  db.exec(`CREATE TABLE "${name}" (${columns})`);
  db.prepare('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, ?, ?, ?, ?)').run(
    name, opts.dataType ?? 'features', name, opts.description ?? '', srsId,
  );
  if (opts.dataType !== 'attributes') {
    db.prepare('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)').run(name, opts.geometry ?? 'geom', 'GEOMETRY', srsId);
  }
}

export const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Every item of a layer, read to the end. */
export async function collect(layer: GpkgLayer): Promise<GpkgItem[]> {
  const out: GpkgItem[] = [];
  for await (const item of layer.features()) out.push(item);
  return out;
}
