// Where in the source CRS coordinates can be projected into a tiling scheme: boxes to clip features
// to before projecting, so that far-away data is counted as outside rather than failing to project.
import { createRequire } from 'node:module';
import { fromSchemeUnits, type TilingScheme } from '../scheme/tiling-scheme.js';
import { createTransform, resolveCrs, type ResolvedCrs } from './crs.js';

const require = createRequire(import.meta.url);

/** [minX, minY, maxX, maxY] in source coordinates; a side may be ±Infinity (no limit). */
export type Box = [number, number, number, number];

/**
 * Degrees added on every side of the target CRS's area of use. The area of use says where a
 * national CRS is meant to be used, not where it stops working: a Finnish grid shows Sweden and
 * Estonia too, and transverse Mercator is accurate to far beyond its zone. 40° keeps all a national
 * scheme can show (ETRS-TM35FIN's zoom-0 tile reaches 37° of longitude east of its meridian at its
 * north-east corner, 6° east of the area of use), while staying well short of the 90° from the
 * central meridian where proj4's transverse Mercator returns NaN (`[118.42, 7.17]` for EPSG:3067).
 */
export const AREA_OF_USE_MARGIN = 40;

/**
 * Degrees added around the scheme's zoom-0 extent taken back to longitude/latitude: its edges are
 * sampled, and a curved edge can bulge a little between samples. What lies beyond the extent but
 * inside the margin is projected and then cut by the tiler, as before.
 */
const EXTENT_MARGIN = 2;

/** Samples per edge when taking the scheme extent back to lon/lat or a lon/lat box to the source CRS. */
const SAMPLES = 64;

interface LonLatArea {
  west: number;
  south: number;
  east: number;
  north: number;
}

/**
 * The boxes, in source coordinates, that a feature is clipped to before it is projected from `src`
 * into `scheme`; null when no clip is needed: no projection at all, or an area that spans the
 * whole world (Web Mercator, WorldCRS84Quad: those keep wrapping at the antimeridian as before).
 * Two boxes when the area crosses the antimeridian of a geographic source.
 *
 * The area is the target CRS's area of use (EPSG's bounding box, widened by AREA_OF_USE_MARGIN)
 * intersected with the scheme's zoom-0 extent taken back to lon/lat (widened by EXTENT_MARGIN). For
 * a projected source, the bounding box of that area's edges projected into the source CRS; when
 * some of them cannot be projected there, no clip (the source's own coordinates are in its domain).
 */
export function sourceClipBoxes(src: ResolvedCrs, dst: ResolvedCrs, scheme: TilingScheme): Box[] | null {
  // Into lon/lat every coordinate projects, and into Mercator too (latitudes are clamped, see
  // createTransform): the tiler's own clip is enough.
  if (dst.geographic || dst.mercator || !createTransform(src, dst)) return null;
  const area = validLonLatArea(dst, scheme);
  if (!area) return null;
  const lonLimited = area.east - area.west < 360;
  if (!lonLimited) [area.west, area.east] = [-180, 180];
  const latLimited = area.south > -90 || area.north < 90;
  if (!lonLimited && !latLimited) return null;
  if (src.geographic) {
    // Unlimited sides stay open, so that longitudes beyond ±180 in the data are not cut.
    const s = latLimited ? area.south : -Infinity, n = latLimited ? area.north : Infinity;
    if (!lonLimited) return [[-Infinity, s, Infinity, n]];
    if (area.east > 180) return [[area.west, s, Infinity, n], [-Infinity, s, area.east - 360, n]];
    if (area.west < -180) return [[area.west + 360, s, Infinity, n], [-Infinity, s, area.east, n]];
    return [[area.west, s, area.east, n]];
  }
  if (area.east > 180 || area.west < -180) return null; // a box across the antimeridian: no clip
  const toSrc = createTransform(resolveCrs('EPSG:4326'), src);
  if (!toSrc) return null;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [lon, lat] of edgeSamples(area.west, area.south, area.east, area.north)) {
    const p = [lon, lat];
    toSrc(p, 0);
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return null;
    minX = Math.min(minX, p[0]);
    minY = Math.min(minY, p[1]);
    maxX = Math.max(maxX, p[0]);
    maxY = Math.max(maxY, p[1]);
  }
  // The projected edges bulge between samples too: 1% more on every side.
  const mx = (maxX - minX) * 0.01, my = (maxY - minY) * 0.01;
  return [[minX - mx, minY - my, maxX + mx, maxY + my]];
}

/**
 * The lon/lat area where coordinates go into the scheme: [west, east] may extend past ±180 (an
 * area across the antimeridian), a width of 360 or more means every longitude. Null: unknown.
 */
export function validLonLatArea(dst: ResolvedCrs, scheme: TilingScheme): LonLatArea | null {
  const use = areaOfUse(dst);
  const extent = schemeExtentLonLat(dst, scheme, use ? (use.west + use.east) / 2 : undefined);
  if (use) {
    use.west -= AREA_OF_USE_MARGIN;
    use.east += AREA_OF_USE_MARGIN;
    use.south = Math.max(-90, use.south - AREA_OF_USE_MARGIN);
    use.north = Math.min(90, use.north + AREA_OF_USE_MARGIN);
  }
  if (!use) return extent;
  if (!extent) return use;
  const out: LonLatArea = {
    west: Math.max(use.west, extent.west),
    east: Math.min(use.east, extent.east),
    south: Math.max(use.south, extent.south),
    north: Math.min(use.north, extent.north),
  };
  // Every longitude in one of them: the other one's limits are the answer.
  if (use.east - use.west >= 360) [out.west, out.east] = [extent.west, extent.east];
  else if (extent.east - extent.west >= 360) [out.west, out.east] = [use.west, use.east];
  return out;
}

/**
 * EPSG's area of use of an EPSG CRS (epsg-index's `bbox`: north, west, south, east), with east past
 * 180 when the area crosses the antimeridian; null when the CRS is not an EPSG code or has none.
 */
export function areaOfUse(crs: ResolvedCrs): LonLatArea | null {
  const code = crs.epsg?.slice(5);
  if (!code) return null;
  let bbox: unknown;
  try {
    bbox = (require(`epsg-index/s/${code}.json`) as { bbox?: unknown }).bbox;
  } catch {
    return null;
  }
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  const [north, west, south, east] = bbox as number[];
  return { west, south, east: east < west ? east + 360 : east, north };
}

/**
 * The scheme's zoom-0 matrix taken back to lon/lat, widened by EXTENT_MARGIN: its edges sampled,
 * longitudes unwrapped around `centerLon` (so an extent across the antimeridian stays one interval),
 * every longitude when it holds a pole. Null when its corners cannot be taken back.
 */
function schemeExtentLonLat(dst: ResolvedCrs, s: TilingScheme, centerLon?: number): LonLatArea | null {
  const wgs84 = resolveCrs('EPSG:4326');
  const toLonLat = createTransform(dst, wgs84);
  const toDst = createTransform(wgs84, dst);
  if (!toLonLat || !toDst) return null;
  const [minX, maxY] = fromSchemeUnits(s, 0, 0);
  const [maxX, minY] = fromSchemeUnits(s, s.matrixWidthZ0, s.matrixHeightZ0);
  const lonLat: [number, number][] = [];
  for (const [x, y] of edgeSamples(minX, minY, maxX, maxY)) {
    const p = [x, y];
    toLonLat(p, 0);
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) lonLat.push([p[0], p[1]]);
  }
  // Some of the edge lies where the projection has no inverse (an extent bigger than the CRS's
  // world): the samples cannot say where the extent ends.
  if (lonLat.length < 4 * SAMPLES) return null;
  const inside = (lon: number, lat: number) => {
    const p = [lon, lat];
    toDst(p, 0);
    return p[0] >= minX && p[0] <= maxX && p[1] >= minY && p[1] <= maxY;
  };
  const c = centerLon ?? lonLat[0][0];
  let west = Infinity, east = -Infinity, south = Infinity, north = -Infinity;
  for (const [lon0, lat] of lonLat) {
    let lon = lon0;
    while (lon - c > 180) lon -= 360;
    while (lon - c <= -180) lon += 360;
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  const northPole = inside(0, 90), southPole = inside(0, -90);
  // An extent around a pole, or one whose edges go (nearly) all the way round: every longitude.
  if (northPole || southPole || east - west >= 340) {
    west = -180;
    east = 180;
  } else {
    west -= EXTENT_MARGIN;
    east += EXTENT_MARGIN;
  }
  return {
    west,
    east,
    south: southPole ? -90 : Math.max(-90, south - EXTENT_MARGIN),
    north: northPole ? 90 : Math.min(90, north + EXTENT_MARGIN),
  };
}

/** Points along the four edges of a box, SAMPLES per edge. */
function* edgeSamples(minX: number, minY: number, maxX: number, maxY: number): Generator<[number, number]> {
  for (let i = 0; i < SAMPLES; i++) {
    const f = i / SAMPLES;
    yield [minX + (maxX - minX) * f, minY];
    yield [maxX, minY + (maxY - minY) * f];
    yield [maxX - (maxX - minX) * f, maxY];
    yield [minX, maxY - (maxY - minY) * f];
  }
}
