// A feature as the reader handed it over (JSON text, or an object with a GeoPackage geometry blob),
// turned into a feature object on the thread that tiles it: parsing is most of a reader's work, and
// runs in parallel there.
import type { Float64Arena } from '../geometry/arena.js';
import { GeometryError } from '../geometry/convert.js';
import { parseFeatureText } from './feature-text.js';
import { parseGpkgGeometry, WkbError } from './wkb.js';

/** Raw JSON text of a feature, or a feature object (with a GeoPackage geometry blob to decode). */
export type BatchItem = string | { feature: unknown; wkb?: Uint8Array; error?: string };

export interface FeatureObject {
  type?: unknown;
  id?: unknown;
  properties?: unknown;
  geometry?: unknown;
  /** tippecanoe's extension: `{ minzoom, maxzoom, layer }` (generalize/feature-zooms.ts). */
  tippecanoe?: unknown;
}

/** The text is not JSON: the file itself is broken, which no --skip-invalid can skip. */
export class BrokenText extends Error {}

/** A bad row in an otherwise good GeoPackage table: always skipped and counted, never fatal. */
export class BadRow extends GeometryError {}

/**
 * The item as a feature object. Text is parsed with its coordinates packed into `arena` (valid until
 * the arena's next reset; readers/feature-text.ts); a GeoPackage blob is decoded into `geometry`.
 */
export function readItem(item: BatchItem, arena: Float64Arena): FeatureObject {
  if (typeof item === 'string') {
    try {
      return parseFeatureText(item, arena) as FeatureObject;
    } catch (e) {
      throw new BrokenText(`invalid JSON: ${(e as Error).message}`);
    }
  }
  const feature = item.feature as FeatureObject;
  if (item.error) throw new BadRow(item.error);
  if (item.wkb) {
    try {
      feature.geometry = parseGpkgGeometry(item.wkb);
    } catch (e) {
      if (e instanceof WkbError) throw new BadRow(`bad geometry blob: ${e.message}`);
      throw e;
    }
  }
  return feature;
}

/**
 * The item's geometry parsed the plain way (JSON.parse), for when packed coordinates are nested
 * other than the geometry type says (geometry/convert.ts throws Reparse): converting this one gives
 * the usual messages. Undefined for an item that was never text.
 */
export function plainGeometry(item: BatchItem): unknown {
  return typeof item === 'string' ? (JSON.parse(item) as FeatureObject).geometry : undefined;
}

/** Whether the feature object's geometry is ours to drop once converted (not a caller's object). */
export const ownsGeometry = (item: BatchItem): boolean => typeof item === 'string' || item.wkb !== undefined;
