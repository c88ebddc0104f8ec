// mvt-build's public API: build a tileset (buildTileset and its options), the tiling schemes and
// CRSs it works in, the readers it reads with, the MVT encoder, the sinks it writes to, and its
// errors. Everything below these (geometry, tiler, stages, codecs) is in `mvt-build/internals`,
// which may change in any release. See docs/api.md.
export { buildTileset, type BuildSummary } from './build.js';
export type { BuildOptions, LayerInput, LayerConf, Progress } from './options.js';
export { DEFAULTS } from './defaults.js';
export {
  parseTilingScheme, formatTilingScheme, validateTilingScheme, tileBounds, tileDimension, matrixSize,
  isWebMercatorQuad, PRESETS, MAX_ZOOM, type TilingScheme,
} from './scheme/tiling-scheme.js';
export { resolveCrs, createTransform, crsArea, type ResolvedCrs, type PointTransform } from './projection/crs.js';
export { readGeoJSON, type SourceFeature, type GeoJSONFeatureLike, type GeoJSONSourceInfo } from './readers/geojson.js';
export { openGeoPackage, type GpkgLayer, type GpkgOptions, type GpkgField, type GpkgValue } from './readers/gpkg.js';
export { encodeTile, type TileLayer, type TileFeature } from './mvt/encode-tile.js';
export { decodeCommands } from './mvt/limits.js';
export type { PropertyValue, FieldType } from './model/attributes.js';
export { POINT, LINESTRING, POLYGON, type GeomType } from './model/geometry.js';
export { DirectorySink, type DirectoryOptions } from './writers/directory.js';
export { MbtilesSink, type MbtilesOptions } from './writers/mbtiles.js';
export { metadataJson, type TilesetMetadata } from './writers/metadata.js';
export type { TileSink, ThreadWriterSpec, ThreadTileWriter, ThreadWriterModule } from './writers/sink.js';
export { UsageError, InputError, FeatureError, type FeatureLocation } from './errors.js';
export { publish, type PublishOptions, type PublishSummary } from './publish/publish.js';
export { ConfigError, loadConfig, parseConfig, type PublishConfig } from './publish/config.js';
export { resolveDimension, resolveDimensions, type DimensionRequest, type Resolution } from './dimensions/resolve.js';
export { stackTiles } from './dimensions/stack.js';
export type { Dimension } from './dimensions/dimension.js';
