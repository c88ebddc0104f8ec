// What descriptors say about a CRS: its URI, its axis order, its definitions (proj4, WKT) and its unit.
import { createRequire } from 'node:module';
import proj4 from 'proj4';
import type { AxisOrder, CrsFacts } from '../scheme/ogc-tms.js';
import { crsArea, resolveCrs, type ResolvedCrs } from './crs.js';

const require = createRequire(import.meta.url);

interface EpsgEntry {
  name?: string;
  kind?: string;
  proj4?: string | null;
  wkt?: string | null;
}

function epsgEntry(crs: ResolvedCrs): EpsgEntry | undefined {
  const code = crs.epsg?.slice(5);
  if (!code) return undefined;
  try {
    return require(`epsg-index/s/${code}.json`) as EpsgEntry;
  } catch {
    return undefined;
  }
}

const isCrs84 = (crs: ResolvedCrs) => /CRS:?84$/i.test(crs.input.trim());

/**
 * The CRS as an OGC URI (`http://www.opengis.net/def/crs/EPSG/0/3067`, `…/OGC/1.3/CRS84`), as the
 * Tile Matrix Set standard wants it; a CRS given as a proj4 string or WKT has none and is returned as
 * written.
 */
export function crsUri(crs: ResolvedCrs): string {
  if (isCrs84(crs)) return 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
  if (crs.epsg) return `http://www.opengis.net/def/crs/EPSG/0/${crs.epsg.slice(5)}`;
  return crs.input.trim();
}

/**
 * The order of the CRS's axes as its authority defines them — what a Tile Matrix Set's
 * `orderedAxes` and `pointOfOrigin` follow. EPSG puts latitude first in geographic CRSs (4326) and
 * northing first in many national grids (3006, 3035, 2193, 3879, 31467, …); OGC's CRS84 and most
 * projected CRSs are easting first.
 *
 * epsg-index carries no axis table, so for an EPSG code this reads what its WKT says: GDAL's WKT 1
 * there keeps `AXIS[…EAST],AXIS[…NORTH]` for easting-first CRSs and drops the axes of northing-first
 * ones (and of polar stereographic ones, whose axes run along meridians: those are easting first).
 * A name ending in "(E,N)" or "(N,E)" decides first. A WKT given by the user is read the same way;
 * a proj4 string is easting first unless it says `+axis=neu`.
 */
export function crsAxisOrder(crs: ResolvedCrs): AxisOrder {
  if (isCrs84(crs)) return 'en';
  if (crs.epsg === 'EPSG:3857' || crs.epsg === 'EPSG:900913') return 'en';
  if (crs.epsg === 'EPSG:4326') return 'ne';
  const entry = epsgEntry(crs);
  if (entry) {
    const named = /\((E,N|N,E)\)\s*$/.exec(entry.name ?? '')?.[1];
    if (named) return named === 'E,N' ? 'en' : 'ne';
    const fromWkt = entry.wkt ? wktAxisOrder(entry.wkt) : undefined;
    if (fromWkt) return fromWkt;
    if (crs.geographic || /GEOG/.test(entry.kind ?? '')) return 'ne';
    if (/Polar_Stereographic/i.test(entry.wkt ?? '') || /\+proj=stere\b.*\+lat_0=-?90\b/.test(entry.proj4 ?? '')) return 'en';
    return 'ne';
  }
  const def = crs.definition;
  if (def.startsWith('+')) return /\+axis=n/.test(def) ? 'ne' : 'en';
  return wktAxisOrder(def) ?? 'en';
}

/** From the last two AXIS[…] of a WKT (1 or 2): the CRS's own axes, after any base CRS's. */
function wktAxisOrder(wkt: string): AxisOrder | undefined {
  const dirs = [...wkt.matchAll(/AXIS\[\s*"[^"]*"\s*,\s*(\w+)/gi)].map((m) => m[1].toLowerCase());
  if (dirs.length < 2) return undefined;
  const first = dirs[dirs.length - 2];
  if (first === 'north' || first === 'south') return 'ne';
  if (first === 'east' || first === 'west') return 'en';
  return undefined;
}

/**
 * The CRS's definitions as text, for clients that must register it (proj4js needs the proj4 string):
 * from the EPSG index for a code, else what the user gave (a proj4 string or a WKT, not both).
 */
export function crsDefinitions(crs: ResolvedCrs): { proj4?: string; wkt?: string } {
  const entry = epsgEntry(crs);
  if (isCrs84(crs)) return { proj4: crs.definition, wkt: entry?.wkt ?? undefined };
  if (entry) return { proj4: entry.proj4 ?? (crs.definition.startsWith('+') ? crs.definition : undefined), wkt: entry.wkt ?? undefined };
  if (crs.epsg) return { proj4: crs.definition };
  return crs.definition.startsWith('+') ? { proj4: crs.definition } : { wkt: crs.definition };
}

/** Metres in one unit of the CRS at the equator: OGC's constant for degrees (2π·6378137/360). */
export const METERS_PER_DEGREE = (2 * Math.PI * 6378137) / 360;

export function metersPerUnit(crs: ResolvedCrs): number {
  if (crs.geographic) return METERS_PER_DEGREE;
  const p = proj4.Proj(crs.definition) as unknown as { to_meter?: number };
  return typeof p.to_meter === 'number' && p.to_meter > 0 ? p.to_meter : 1;
}

/** The area of use of a CRS named by a string, for a scheme string without W0,H0; undefined if unknown. */
export function crsAreaOf(crs: string): [number, number, number, number] | undefined {
  try {
    return crsArea(resolveCrs(crs));
  } catch {
    return undefined; // an unknown CRS is reported when the scheme's CRS is resolved
  }
}

/** Axis order and unit of a CRS named by a string, for reading tile matrix sets; undefined if unknown. */
export function crsFacts(crs: string): CrsFacts | undefined {
  let resolved: ResolvedCrs;
  try {
    resolved = resolveCrs(crs);
  } catch {
    return undefined;
  }
  return { axisOrder: crsAxisOrder(resolved), metersPerUnit: metersPerUnit(resolved) };
}
