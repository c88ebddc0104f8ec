// Per-feature zooms and layer: the `tippecanoe` member of a GeoJSON feature, as tippecanoe reads it
// (`"tippecanoe": { "minzoom": 4, "maxzoom": 9, "layer": "labels" }`), and --minzoom-property /
// --maxzoom-property, which read the same from a property (a GeoPackage column, say). A feature is
// drawn only at the zooms both its own range and its layer's allow.
/** Which properties hold a feature's zooms (plain data, for the worker threads). */
export interface FeatureZoomOptions {
  minzoomProperty?: string;
  maxzoomProperty?: string;
}

export interface FeatureZooms {
  minzoom?: number;
  maxzoom?: number;
  /** The output layer the feature goes to instead of its file's (tippecanoe.layer). */
  layer?: string;
}

/** A zoom that is not an integer 0..30: the feature is malformed (tippecanoe stops on it too). */
export class FeatureZoomError extends Error {}

/** Deepest zoom a feature may name (the deepest we tile). */
const MAX_FEATURE_ZOOM = 30;

/**
 * The feature's own zooms and layer, or undefined when it has none. The `tippecanoe` member's
 * numbers come first; a zoom property, when given and set on the feature, overrides them. Members of
 * other types are ignored, as tippecanoe ignores them; a property that is not a zoom is an error.
 * `properties` is the feature's properties object as read (before attribute options apply, so a
 * zoom property may be left out of the tiles with --exclude).
 */
export function featureZooms(member: unknown, properties: unknown, o: FeatureZoomOptions | undefined): FeatureZooms | undefined {
  let z: FeatureZooms | undefined;
  if (isObject(member)) {
    if (typeof member.minzoom === 'number') (z ??= {}).minzoom = zoom(member.minzoom, 'tippecanoe.minzoom');
    if (typeof member.maxzoom === 'number') (z ??= {}).maxzoom = zoom(member.maxzoom, 'tippecanoe.maxzoom');
    if (typeof member.layer === 'string' && member.layer !== '') (z ??= {}).layer = member.layer;
  }
  if (o && isObject(properties)) {
    const min = o.minzoomProperty === undefined ? undefined : properties[o.minzoomProperty];
    const max = o.maxzoomProperty === undefined ? undefined : properties[o.maxzoomProperty];
    if (min !== undefined && min !== null) (z ??= {}).minzoom = zoom(min, `property "${o.minzoomProperty}"`);
    if (max !== undefined && max !== null) (z ??= {}).maxzoom = zoom(max, `property "${o.maxzoomProperty}"`);
  }
  return z;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A zoom value: an integer 0..30, or a string of one (a text column). */
function zoom(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_FEATURE_ZOOM) {
    throw new FeatureZoomError(`${what} must be an integer zoom 0..${MAX_FEATURE_ZOOM}, got ${typeof v === 'bigint' ? v : JSON.stringify(v)}`);
  }
  return n;
}

/** The zooms a feature is drawn at: its range within its layer's, [min, max] (min > max: none). */
export function zoomRange(z: FeatureZooms | undefined, layerMin: number, layerMax: number): [number, number] {
  return [Math.max(layerMin, z?.minzoom ?? layerMin), Math.min(layerMax, z?.maxzoom ?? layerMax)];
}
