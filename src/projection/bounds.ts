// Data extent in scheme units → [minLon, minLat, maxLon, maxLat] for metadata `bounds`.
import { fromSchemeUnits, type TilingScheme } from '../scheme/tiling-scheme.js';
import { createTransform, resolveCrs, type ResolvedCrs } from './crs.js';

/**
 * Transforms the box's edges, densified (21 points an edge, as GDAL's TransformBounds), so a
 * projected box maps to lon/lat bounds that cover all of it. GDAL's reader uses `bounds` to pick
 * tiles, so covering too little would hide data.
 */
export function schemeBoundsToLonLat(
  s: TilingScheme,
  crs: ResolvedCrs,
  b: { minU: number; minV: number; maxU: number; maxV: number },
): [number, number, number, number] {
  const toLonLat = lonLatOf(crs);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const N = 20;
  for (let i = 0; i <= N; i++) {
    const f = i / N;
    for (const [u, v] of [
      [b.minU + (b.maxU - b.minU) * f, b.minV],
      [b.minU + (b.maxU - b.minU) * f, b.maxV],
      [b.minU, b.minV + (b.maxV - b.minV) * f],
      [b.maxU, b.minV + (b.maxV - b.minV) * f],
    ]) {
      const [X, Y] = fromSchemeUnits(s, u, v);
      const [lon, lat] = toLonLat(X, Y);
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
      minX = Math.min(minX, lon);
      maxX = Math.max(maxX, lon);
      minY = Math.min(minY, lat);
      maxY = Math.max(maxY, lat);
    }
  }
  if (minX > maxX) return [-180, -90, 180, 90];
  return [Math.max(-180, minX), Math.max(-90, minY), Math.min(180, maxX), Math.min(90, maxY)];
}

function lonLatOf(crs: ResolvedCrs): (x: number, y: number) => [number, number] {
  const wgs84 = resolveCrs('EPSG:4326');
  const t = createTransform(crs, wgs84);
  if (!t) return (x, y) => [x, y];
  return (x, y) => {
    const a = [x, y];
    t(a, 0);
    return [a[0], a[1]];
  };
}

/**
 * Lon/lat bounds → a box in another CRS that covers them (edges densified), e.g. to ask a
 * GeoPackage's R-tree for the rows that --bounds can show.
 */
export function lonLatBoundsTo(crs: ResolvedCrs, bounds: [number, number, number, number]): [number, number, number, number] {
  return transformBounds(resolveCrs('EPSG:4326'), crs, bounds);
}

/**
 * A box of `src` as a box of `dst` that covers it (edges densified, 21 points each). Points that do
 * not transform are left out; when none does, the box is empty (min > max).
 */
export function transformBounds(src: ResolvedCrs, dst: ResolvedCrs, [x0, y0, x1, y1]: [number, number, number, number]): [number, number, number, number] {
  const t = createTransform(src, dst);
  if (!t) return [x0, y0, x1, y1];
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const N = 20;
  for (let i = 0; i <= N; i++) {
    const f = i / N;
    for (const [x, y] of [[x0 + (x1 - x0) * f, y0], [x0 + (x1 - x0) * f, y1], [x0, y0 + (y1 - y0) * f], [x1, y0 + (y1 - y0) * f]]) {
      const a = [x, y];
      t(a, 0);
      if (!Number.isFinite(a[0]) || !Number.isFinite(a[1])) continue;
      minX = Math.min(minX, a[0]);
      maxX = Math.max(maxX, a[0]);
      minY = Math.min(minY, a[1]);
      maxY = Math.max(maxY, a[1]);
    }
  }
  return [minX, minY, maxX, maxY];
}
