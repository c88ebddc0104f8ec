// GeoPackage column types → MVT field types, and SQLite cell values → property values, as GDAL reads them.
//
// The declared types are GPKG 1.x Table 1 (§1.1.1.1.3). Dates and times come out as the text GDAL's MVT
// writer stores for OFTDate / OFTDateTime fields (OGRGetXMLDateTime), checked against ogr2ogr 3.6.
import type { FieldType } from '../model/attributes.js';

export type GpkgValue = string | number | boolean | null;

export interface GpkgField {
  name: string;
  type: FieldType;
  /** A floating-point column (GDAL's OFTReal): the encoder writes its integral values as MVT int (mvt/values.ts). */
  real: boolean;
  /** The column's declared type, as in the CREATE TABLE statement. */
  declared: string;
}

/** How to read one column's cells; `read` throws a ValueError for a cell it cannot take. */
export interface FieldReader {
  field: GpkgField;
  read(v: unknown): GpkgValue;
}

/** A cell that does not fit its column; the caller names the table and row. */
export class ValueError extends Error {}

type Kind = 'integer' | 'real' | 'boolean' | 'text' | 'date' | 'datetime';

const KINDS: Record<string, Kind> = {
  BOOLEAN: 'boolean', TINYINT: 'integer', SMALLINT: 'integer', MEDIUMINT: 'integer', INT: 'integer', INTEGER: 'integer',
  FLOAT: 'real', DOUBLE: 'real', REAL: 'real', TEXT: 'text', DATE: 'date', DATETIME: 'datetime',
};

const GEOMETRY_TYPES = /^(GEOMETRY|POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|GEOMETRYCOLLECTION|CIRCULARSTRING|COMPOUNDCURVE|CURVEPOLYGON|MULTICURVE|MULTISURFACE|CURVE|SURFACE)$/;

/** A reader for a column, or the reason the column is left out of the tiles. */
export function fieldReader(name: string, declared: string): FieldReader | { skip: string } {
  // TEXT(20), BLOB(1024): the maximum length does not change how a value is read.
  const base = declared.trim().toUpperCase().replace(/\s*\(\s*\d+\s*\)$/, '');
  if (base === 'BLOB') return { skip: `BLOB column: binary values have no MVT type` };
  if (GEOMETRY_TYPES.test(base)) return { skip: `${base} column: only the geometry column of gpkg_geometry_columns is read` };
  // Types outside the GeoPackage list are read as text, as GDAL does ("Interpreted as TEXT").
  const kind = KINDS[base] ?? 'text';
  const type: FieldType = kind === 'integer' || kind === 'real' ? 'Number' : kind === 'boolean' ? 'Boolean' : 'String';
  const field: GpkgField = { name, type, real: kind === 'real', declared };
  return { field, read: READERS[kind] };
}

/** What a cell holds, in SQLite's terms, for messages. Integers arrive as bigint (safeIntegers mode). */
export function describeCell(v: unknown): string {
  if (typeof v === 'bigint') return `integer ${v}`;
  if (typeof v === 'number') return `real ${v}`;
  if (typeof v === 'string') return `text ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  if (v instanceof Uint8Array) return `a ${v.length}-byte blob`;
  return String(v);
}

/** An integer cell as a JS number, refusing the ones a double cannot hold exactly. */
export function exactInteger(v: bigint): number | undefined {
  return v >= -Number.MAX_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : undefined;
}

const READERS: Record<Kind, (v: unknown) => GpkgValue> = {
  integer(v) {
    if (v === null || typeof v === 'number') return v; // SQLite keeps 1.5 as a real even in an INTEGER column
    if (typeof v === 'bigint') {
      const n = exactInteger(v);
      if (n === undefined) throw new ValueError(`integer ${v} is beyond ±2^53 and has no exact JavaScript number`);
      return n;
    }
    throw unexpected(v);
  },
  real(v) {
    if (v === null || typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v); // a double column: rounding is what the column means
    throw unexpected(v);
  },
  boolean(v) {
    if (v === null) return null;
    if (v === 0n || v === 0) return false;
    if (v === 1n || v === 1) return true;
    throw new ValueError(`${describeCell(v)} is not a BOOLEAN (0 or 1)`);
  },
  text(v) {
    if (v === null || typeof v === 'string') return v;
    if (typeof v === 'bigint' || typeof v === 'number') return String(v); // what SQLite's text conversion gives
    throw unexpected(v);
  },
  date(v) {
    if (v === null) return null;
    const d = typeof v === 'string' ? parseDateTime(v) : undefined;
    if (!d) throw new ValueError(`${describeCell(v)} is not a DATE (YYYY-MM-DD)`);
    return d.date;
  },
  datetime(v) {
    if (v === null) return null;
    const d = typeof v === 'string' ? parseDateTime(v) : undefined;
    if (!d) throw new ValueError(`${describeCell(v)} is not a DATETIME (YYYY-MM-DDTHH:MM:SS.SSSZ)`);
    return d.date + 'T' + d.time;
  },
};

function unexpected(v: unknown): ValueError {
  return new ValueError(`unexpected ${describeCell(v)}`);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// GPKG writes YYYY-MM-DDTHH:MM:SS.SSSZ; GDAL also takes a space for T, no seconds, no zone, ±HH[:MM].
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses a GeoPackage date or date-time and formats it as GDAL's MVT writer does: date
 * `YYYY-MM-DD`; time `HH:MM:SS`, with `.sss` only when the milliseconds round to non-zero, then
 * `Z` for UTC or `±HH:MM` (GDAL keeps offsets in quarter hours, and an offset of zero is `Z`).
 */
export function parseDateTime(text: string): { date: string; time: string } | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const num = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  const year = num(m[1]), month = num(m[2]), day = num(m[3]), hour = num(m[4]), minute = num(m[5]);
  // GDAL holds seconds in a float; rounding happens on that value.
  const sec = Math.fround(num(m[6]));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec >= 61) return undefined;
  const ms = Math.trunc((sec % 1) * 1000 + 0.5);
  let time = `${pad(hour)}:${pad(minute)}:${ms !== 0 ? sec.toFixed(3).padStart(6, '0') : pad(Math.trunc(sec))}`;
  const zone = m[7];
  if (zone === 'Z') time += 'Z';
  else if (zone) {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const quarters = Math.trunc((Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) / 15);
    if (quarters === 0) time += 'Z';
    else time += `${sign < 0 ? '-' : '+'}${pad(Math.trunc(quarters / 4))}:${pad((quarters % 4) * 15)}`;
  }
  return { date: `${pad(year, 4)}-${pad(month)}-${pad(day)}`, time };
}
