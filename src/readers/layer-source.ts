// What every reader hands the pipeline: one LayerSource per layer, its header known before the first
// feature (what the layer is, where it comes from, what it declares), then its items in order.
import type { FieldType } from '../model/attributes.js';
import type { GeoJSONFeatureLike, GeoJSONSourceInfo, RawFeature } from './geojson.js';

export interface LayerHeader {
  /** Layer name: the table (GeoPackage), the file name or --layer (GeoJSON), or the code layer's. */
  name: string;
  description?: string;
  /** The file, or a code layer's label, that messages name; absent for an unlabelled code layer. */
  source?: string;
  /**
   * CRS the reader knows up front: a GeoPackage table's, a code layer's. Absent for GeoJSON, whose
   * `crs` member (if any) is in `geojson`, filled in as the file is read.
   */
  srs?: string;
  /** Declared fields, in table order (GeoPackage: REAL columns stay real, all-null columns exist). */
  fields: { name: string; type: FieldType; real: boolean }[];
  /** Columns the reader cannot put in a tile (GeoPackage BLOB, extra geometry), for the summary. */
  skippedFields: { name: string; why: string }[];
  /** Features in the layer, when known without reading it (GeoPackage's gpkg_ogr_contents). */
  count?: number;
  /** Bytes of the file, when the layer is a whole regular file (GeoJSON): reading progress. */
  size?: number;
  /** GeoJSON only: what the file says of its CRS, live while it is read (see GeoJSONSourceInfo). */
  geojson?: GeoJSONSourceInfo;
}

export interface LayerSource {
  header: LayerHeader;
  /** The layer's features, each with its index in the layer (and line, for GeoJSONSeq). */
  items: AsyncIterable<RawFeature>;
}

/** A layer fed from code instead of a file. */
export interface LayerInput {
  /** Output layer name. */
  name: string;
  features: AsyncIterable<GeoJSONFeatureLike> | Iterable<GeoJSONFeatureLike>;
  /** CRS of the coordinates (default: the build's sourceSrs, else EPSG:4326). */
  srs?: string;
  description?: string;
  /** Shown in error messages in place of a file name. */
  source?: string;
}
