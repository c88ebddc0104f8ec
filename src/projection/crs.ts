// CRS lookup (EPSG codes offline via epsg-index, proj4 strings, WKT) and coordinate transforms via proj4.
import { createRequire } from 'node:module';
import proj4 from 'proj4';
import { InputError } from '../errors.js';

const require = createRequire(import.meta.url);

/** A CRS resolved to something proj4 understands, plus the facts the pipeline needs about it. */
export interface ResolvedCrs {
  /** What the user wrote. */
  input: string;
  /** `EPSG:NNNN` when the CRS is an EPSG code, else undefined. */
  epsg?: string;
  /** Definition handed to proj4 (proj4 string or WKT). */
  definition: string;
  geographic: boolean;
  mercator: boolean;
}

interface EpsgEntry {
  proj4?: string | null;
  wkt?: string | null;
}

const cache = new Map<string, ResolvedCrs>();

/**
 * Resolves `EPSG:NNNN` (also `urn:ogc:def:crs:EPSG::NNNN`, `CRS84`), a proj4 string or WKT.
 * Throws an InputError naming the CRS when it cannot be resolved offline.
 */
export function resolveCrs(input: string): ResolvedCrs {
  const hit = cache.get(input);
  if (hit) return hit;
  const text = input.trim();
  let epsg: string | undefined;
  let definition: string;
  const code = /^(?:EPSG:{1,2}|urn:ogc:def:crs:EPSG:[\d.]*:)(\d+)$/i.exec(text)?.[1];
  if (/^(?:urn:ogc:def:crs:OGC:1\.3:)?CRS:?84$/i.test(text)) {
    epsg = 'EPSG:4326';
    definition = '+proj=longlat +datum=WGS84 +no_defs';
  } else if (code) {
    epsg = `EPSG:${code}`;
    definition = epsgDefinition(code, input);
  } else if (text.startsWith('+') || /^[A-Z_]+\d*\s*\[/i.test(text)) {
    definition = text;
  } else {
    throw new InputError(`unknown CRS "${input}": expected EPSG:NNNN, a proj4 string (+proj=…) or WKT`);
  }
  let parsed: { projName?: string; units?: string };
  try {
    parsed = proj4.Proj(definition) as unknown as { projName?: string; units?: string };
  } catch (e) {
    throw new InputError(`cannot use CRS "${input}": ${(e as Error).message}`);
  }
  if (!parsed?.projName) throw new InputError(`cannot use CRS "${input}": proj4 does not understand it`);
  const resolved: ResolvedCrs = {
    input,
    epsg,
    definition,
    geographic: parsed.projName === 'longlat' || parsed.projName === 'lonlat' || parsed.projName === 'identity' && parsed.units === 'degrees',
    // Normal-aspect Mercator only: transverse (tmerc, etmerc, WKT's Transverse_Mercator) and oblique
    // Mercator have neither Mercator's poles at infinity nor its world width.
    mercator: /merc/i.test(parsed.projName) && !/tmerc|transverse|omerc|oblique/i.test(parsed.projName),
  };
  cache.set(input, resolved);
  return resolved;
}

function epsgDefinition(code: string, input: string): string {
  // proj4's own three (4326, 3857, 4269) need no file read.
  if (code === '4326') return '+proj=longlat +datum=WGS84 +no_defs';
  if (code === '3857' || code === '900913') {
    return '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs';
  }
  let entry: EpsgEntry;
  try {
    entry = require(`epsg-index/s/${code}.json`) as EpsgEntry;
  } catch {
    throw new InputError(`unknown CRS "${input}": EPSG:${code} is not in the EPSG index`);
  }
  const def = entry.proj4 || entry.wkt;
  if (!def) throw new InputError(`unknown CRS "${input}": EPSG:${code} has no proj4 or WKT definition`);
  return def;
}

/** Transforms one point in place: reads arr[i], arr[i+1], writes the result back. */
export type PointTransform = (arr: Float64Array | number[], i: number) => void;

const WGS84_LAT_LIMIT = 85.0511287798066;
const R = 6378137;

/**
 * Builds a transform from `src` to `dst` working in place on flat arrays. Geographic sources going to
 * a Mercator destination have their latitude clamped to the Web Mercator limit first, so poles
 * become the edge of the square instead of Infinity.
 */
export function createTransform(src: ResolvedCrs, dst: ResolvedCrs): PointTransform | null {
  if (src.definition === dst.definition) return null;
  const clamp = src.geographic && dst.mercator;
  if (src.epsg === 'EPSG:4326' && dst.epsg === 'EPSG:3857') {
    // The common case, done without proj4's per-point object churn.
    const k = Math.PI / 180;
    return (arr, i) => {
      const lat = Math.max(-WGS84_LAT_LIMIT, Math.min(WGS84_LAT_LIMIT, arr[i + 1]));
      arr[i] = R * arr[i] * k;
      arr[i + 1] = R * Math.log(Math.tan(Math.PI / 4 + (lat * k) / 2));
    };
  }
  const conv = proj4(src.definition, dst.definition);
  const p: [number, number] = [0, 0];
  return (arr, i) => {
    p[0] = arr[i];
    p[1] = clamp ? Math.max(-WGS84_LAT_LIMIT, Math.min(WGS84_LAT_LIMIT, arr[i + 1])) : arr[i + 1];
    const r = conv.forward(p);
    arr[i] = r[0];
    arr[i + 1] = r[1];
  };
}


const MERCATOR_HALF = 20037508.342789244;

/**
 * The area a CRS covers, [minX, minY, maxX, maxY] in its units, where it is the whole world: a
 * geographic CRS (longitude, latitude) and Web Mercator. Undefined for others, whose area of use
 * would need a table we do not carry.
 */
export function crsArea(crs: ResolvedCrs): [number, number, number, number] | undefined {
  if (crs.geographic) return [-180, -90, 180, 90];
  if (crs.mercator && crs.epsg === 'EPSG:3857') return [-MERCATOR_HALF, -MERCATOR_HALF, MERCATOR_HALF, MERCATOR_HALF];
  return undefined;
}
