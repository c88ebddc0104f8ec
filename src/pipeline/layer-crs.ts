// The CRS a layer's coordinates are in, and what to do when a GeoJSON file names it too late.
import { InputError } from '../errors.js';
import { resolveCrs } from '../projection/crs.js';
import type { LayerHeader } from '../readers/layer-source.js';

/** --s-srs, else the layer's own CRS, else the file's `crs` member, else WGS84. Checked here. */
export function layerSrs(sourceSrs: string | undefined, h: LayerHeader): string {
  if (!sourceSrs && !h.srs && h.geojson?.crsUnusable) {
    throw new InputError(`${h.geojson.crsUnusable}: give the coordinates' CRS with --s-srs`, h.source);
  }
  const srs = sourceSrs ?? h.srs ?? h.geojson?.crs ?? 'EPSG:4326';
  try {
    resolveCrs(srs);
  } catch (e) {
    throw new InputError((e as Error).message, h.source ?? `layer "${h.name}"`);
  }
  return srs;
}

/** Whether `srs` is only the default: nothing named a CRS (yet), so a late `crs` member may differ. */
export const srsGuessed = (sourceSrs: string | undefined, h: LayerHeader): boolean => !sourceSrs && !h.srs && h.geojson?.crs === undefined;

/**
 * The layer was tiled with the default CRS and its `crs` member, read last, names another one. The
 * build is thrown away and started again knowing the CRS (build.ts).
 */
export class LateCrsError extends InputError {
  constructor(file: string, readonly crs: string, used: string) {
    super(`the "crs" member (${crs}) comes after the features, which were read as ${used}: put "crs" before "features" or give --s-srs ${crs}`, file);
  }
}

/** Throws LateCrsError unless the late `crs` member names the CRS the layer was tiled with after all. */
export function checkLateCrs(h: LayerHeader, used: string): void {
  const info = h.geojson!;
  if (info.crsUnusable) throw new InputError(`${info.crsUnusable}: give the coordinates' CRS with --s-srs`, h.source);
  if (info.crs === undefined) return;
  let same: boolean;
  try {
    same = resolveCrs(info.crs).definition === resolveCrs(used).definition;
  } catch (e) {
    throw new InputError((e as Error).message, h.source);
  }
  if (!same) throw new LateCrsError(h.source!, info.crs, used);
}
