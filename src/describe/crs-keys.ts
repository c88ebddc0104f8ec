// The CRS definition a client needs to draw a custom grid (proj4js wants the proj4 string), as the
// extra keys metadata.json carries beside GDAL's `crs`.
import { crsDefinitions } from '../projection/crs-info.js';
import { resolveCrs } from '../projection/crs.js';
import type { TilingScheme } from '../scheme/tiling-scheme.js';

/** `crs_proj4` and `crs_wkt` (WKT 1, from the EPSG index) of the scheme's CRS, those known. */
export function crsDefinitionKeys(s: TilingScheme): { crs_proj4?: string; crs_wkt?: string } {
  const d = crsDefinitions(resolveCrs(s.crs));
  return { crs_proj4: d.proj4, crs_wkt: d.wkt };
}
