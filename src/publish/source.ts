// The publish job's source: one layer of the dataset (a GeoPackage table, or a GeoJSON file's one
// layer) as rows with their properties and decoded geometry, filtered by a `where` and, through the
// GeoPackage's R-tree, by the extent. Built on the library's readers; what they cannot put in a row
// (BLOB columns) is named, not dropped silently.
import { basename, extname } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { transformBounds } from '../projection/bounds.js';
import { resolveCrs } from '../projection/crs.js';
import { readGeoJSON, type GeoJSONSourceInfo } from '../readers/geojson.js';
import { openGeoPackage, type GpkgLayer } from '../readers/gpkg.js';
import { parseGpkgGeometry, WkbError, type GeoJSONGeometry } from '../readers/wkb.js';
import type { Box } from './clip-extent.js';

export interface SourceRow {
  /** Position in the layer's stream, from 0. */
  index: number;
  /** The GeoPackage row's primary key. */
  fid?: number;
  properties: Record<string, unknown>;
  geometry: GeoJSONGeometry | null;
  /** Why the row could not be read (it names the table and row); the row is then skipped and counted. */
  error?: string;
}

export interface SourceLayerHandle {
  name: string;
  /** The layer's CRS (the file's, or dataset.srs). */
  srs: string;
  /** Columns in table order, with their declared type (GeoPackage); empty for GeoJSON (properties as they come). */
  fields: { name: string; declared?: string }[];
  /** Columns no row carries (GeoPackage BLOBs), and why. */
  skipped: { name: string; why: string }[];
  /** Rows of the layer, when the file knows without counting (GeoPackage, no condition). */
  count?: number;
  /** Every row, in order; each call reads the layer again. */
  rows(): AsyncGenerator<SourceRow>;
}

export interface Dataset {
  path: string;
  /** CRS of every layer, instead of the file's. */
  srs?: string;
}

export const isGeoPackage = (path: string) => /\.gpkg$/i.test(path);

/** The name of a GeoJSON dataset's one layer: its file name without the extension. */
export const geojsonLayerName = (path: string) => basename(path, extname(path));

/**
 * Opens one layer. `where` (GeoPackage SQL) is checked now: a bad one is a UsageError naming the
 * layer. `extent` (a box in `extentSrs`) reads, through the R-tree, only the rows whose envelope meets it.
 */
export async function openSourceLayer(ds: Dataset, name: string, o: { where?: string; extent?: Box; extentSrs?: string } = {}): Promise<SourceLayerHandle> {
  if (isGeoPackage(ds.path)) {
    const bboxFor = o.extent && o.extentSrs ? (srs: string) => transformBox(o.extent!, o.extentSrs!, srs) : undefined;
    let layers: GpkgLayer[];
    try {
      layers = await openGeoPackage(ds.path, { layers: [name], where: o.where, srs: ds.srs, bboxFor });
    } catch (e) {
      // The reader's advice is for the command line; a publish config says it another way.
      if (e instanceof InputError) throw new InputError(e.message.replace(/give it with --s-srs$/, 'give it with dataset.srs in the config').replace(/^[^:]*: /, ''), ds.path);
      throw e;
    }
    const t = layers[0];
    return {
      name: t.name,
      srs: t.srs,
      fields: t.fields.map((f) => ({ name: f.name, declared: f.declared })),
      skipped: t.skippedFields,
      count: t.count,
      async *rows() {
        for await (const item of t.features()) {
          const row: SourceRow = { index: item.index, fid: item.feature.id, properties: item.feature.properties, geometry: null, error: item.error };
          if (!row.error && item.wkb) {
            try {
              row.geometry = parseGpkgGeometry(item.wkb);
            } catch (e) {
              if (!(e instanceof WkbError)) throw e;
              row.error = `table "${t.name}", ${item.feature.id !== undefined ? `fid ${item.feature.id}` : `row #${item.index}`}: bad geometry blob: ${e.message}`;
            }
          }
          yield row;
        }
      },
    };
  }
  if (o.where) throw new UsageError(`${ds.path}: a where condition needs a GeoPackage dataset (a GeoJSON file has no SQL)`);
  const layer = geojsonLayerName(ds.path);
  if (name !== layer) throw new UsageError(`${ds.path}: no layer "${name}"; a GeoJSON file has one layer, "${layer}"`);
  const srs = ds.srs ?? (await geojsonCrs(ds.path)) ?? 'EPSG:4326';
  return {
    name,
    srs,
    fields: [],
    skipped: [],
    async *rows() {
      const info: GeoJSONSourceInfo = {};
      for await (const { index, feature } of readGeoJSON(ds.path, info)) {
        const props = feature.properties;
        yield { index, properties: props && typeof props === 'object' && !Array.isArray(props) ? (props as Record<string, unknown>) : {}, geometry: (feature.geometry ?? null) as GeoJSONGeometry | null };
      }
      if (info.crsLate && !ds.srs) {
        throw new InputError(`the "crs" member comes after the features: put it before them, or give dataset.srs in the config`, ds.path);
      }
    },
  };
}

/** The GeoJSON file's `crs` member, when it comes before the features (read up to the first feature). */
async function geojsonCrs(path: string): Promise<string | undefined> {
  const info: GeoJSONSourceInfo = {};
  const it = readGeoJSON(path, info);
  await it.next();
  await it.return(undefined);
  if (info.crsUnusable) throw new InputError(`the "crs" member names no CRS we can use (${info.crsUnusable}): give dataset.srs in the config`, path);
  return info.crs;
}

/** A box of one CRS as a box of another that covers it; undefined (read everything) when none of it transforms. */
export function transformBox(box: Box, from: string, to: string): Box | undefined {
  const out = transformBounds(resolveCrs(from), resolveCrs(to), box);
  return out[0] <= out[2] ? out : undefined;
}
