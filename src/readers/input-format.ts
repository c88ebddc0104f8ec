// Which files are inputs we read, and which names are known to be something else, for the messages
// that say so before any reading starts (a Shapefile read as GeoJSON only said "no JSON object").
import { extname } from 'node:path';
import { UsageError } from '../errors.js';

/** Extensions read as GeoJSONSeq, one record per line (RFC 8142 RS separators too). */
export const SEQ_EXTENSIONS: ReadonlySet<string> = new Set(['.geojsons', '.geojsonl', '.geojsonseq', '.ndjson', '.jsonl', '.ldjson']);

/** For messages: every input kind, as the docs list them. */
export const SUPPORTED_INPUTS =
  `GeoJSON (a FeatureCollection, Feature or geometry; .geojson, .json or any other name), GeoJSONSeq ` +
  `(${[...SEQ_EXTENSIONS].join(', ')}) and GeoPackage (.gpkg)`;

export const isGeoPackagePath = (p: string): boolean => /\.gpkg$/i.test(p);

/**
 * Extensions of formats we do not read, each with what it is. A file named so is refused before
 * it is opened; any other name is read as GeoJSON and its content decides.
 */
const FOREIGN_INPUTS: Record<string, string> = {
  '.shp': 'a Shapefile', '.shx': 'a Shapefile index', '.dbf': 'a Shapefile/dBASE table', '.csv': 'CSV', '.tsv': 'tab-separated text',
  '.kml': 'KML', '.kmz': 'KMZ', '.gml': 'GML', '.gpx': 'GPX', '.fgb': 'FlatGeobuf', '.tab': 'MapInfo TAB', '.mif': 'MapInfo MIF',
  '.osm': 'OpenStreetMap XML', '.pbf': 'a protobuf file (OSM PBF or a vector tile)', '.mvt': 'a vector tile',
  '.parquet': 'Parquet', '.geoparquet': 'GeoParquet', '.arrow': 'Arrow', '.mbtiles': 'an MBTiles tileset', '.pmtiles': 'a PMTiles archive',
  '.sqlite': 'an SQLite/SpatiaLite database', '.db': 'a database file', '.xlsx': 'a spreadsheet', '.xls': 'a spreadsheet', '.ods': 'a spreadsheet',
  '.zip': 'a zip archive', '.gz': 'a gzip file', '.tar': 'a tar archive', '.7z': 'a 7-Zip archive',
};

/**
 * Refuses, as a usage error, an input that is not a file we read: standard input (`-`) and the
 * extensions of formats we know are something else. Conversion through GDAL is the way round.
 */
export function checkInputPath(path: string): void {
  if (path === '-') {
    throw new UsageError(`reading standard input ("-") is not supported: give a file; mvt-build reads ${SUPPORTED_INPUTS}`);
  }
  const ext = extname(path).toLowerCase();
  const what = FOREIGN_INPUTS[ext];
  if (what) {
    throw new UsageError(
      `${path}: ${what} (${ext}) is not an input mvt-build reads; it reads ${SUPPORTED_INPUTS} ` +
        `(convert with e.g. ogr2ogr -f GeoJSONSeq out.geojsons ${path})`,
    );
  }
}

/**
 * Output names that look like a file of some format: a directory of that name would be a trap
 * (`-o x.pmtiles` made a directory called x.pmtiles). Other names with a dot (`tiles.v2`) are
 * directories.
 */
const FILE_OUTPUTS = new Set([
  '.zip', '.tar', '.gz', '.tgz', '.7z', '.json', '.geojson', ...SEQ_EXTENSIONS, '.gpkg', '.sqlite', '.db',
  '.shp', '.fgb', '.csv', '.kml', '.kmz', '.gml', '.gpx', '.parquet', '.geoparquet', '.pbf', '.mvt', '.txt', '.xml',
]);

/** Throws a UsageError for an output name `FILE_OUTPUTS` refuses (`.mbtiles`, `.pmtiles` are not among them). */
export function checkOutputPath(path: string): void {
  const ext = extname(path.replace(/[\\/]+$/, '')).toLowerCase();
  if (!FILE_OUTPUTS.has(ext)) return;
  const now = 'mvt-build writes a tileset directory (a name without such an extension), an .mbtiles or a .pmtiles file';
  throw new UsageError(`output "${path}": a ${ext} file is not a tileset format mvt-build writes; ${now}`);
}
