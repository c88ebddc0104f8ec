// mvt-build's public API: build a tileset (buildTileset and its options), the tiling schemes and
// CRSs it works in, the readers it reads with, the MVT encoder, the sinks it writes to, and its
// errors. Everything below these (geometry, tiler, stages, codecs) is in `mvt-build/internals`,
// which may change in any release. See docs/api.md.
export { buildTileset, type BuildSummary } from './build.js';
export type { BuildOptions, LayerInput, LayerConf, Progress } from './options.js';
export { DEFAULTS } from './defaults.js';
// Scale-out (docs/scale-out.md): a build's shards (BuildOptions.shard) and their merge.
export { mergeShards, type MergeOptions, type MergeSummary } from './merge/merge.js';
export { resolveShard, type ShardSpec } from './shard/spec.js';
export { readManifest, manifestPath, type ShardManifest } from './shard/manifest.js';
export {
  parseTilingScheme, formatTilingScheme, validateTilingScheme, tileBounds, tileDimension, matrixSize,
  isWebMercatorQuad, PRESETS, MAX_ZOOM, type TilingScheme,
} from './scheme/tiling-scheme.js';
export {
  readTilingScheme, parseTileMatrixSet, presetOf, OGC_REGISTRY, type AxisOrder, type CrsFacts, type ReadSchemeOptions,
} from './scheme/ogc-tms.js';
export { resolveCrs, createTransform, crsArea, type ResolvedCrs, type PointTransform } from './projection/crs.js';
export { crsAxisOrder, crsFacts, crsDefinitions } from './projection/crs-info.js';
export { readGeoJSON, type SourceFeature, type GeoJSONFeatureLike, type GeoJSONSourceInfo } from './readers/geojson.js';
export { openGeoPackage, type GpkgLayer, type GpkgOptions, type GpkgField, type GpkgValue } from './readers/gpkg.js';
export { encodeTile, type TileLayer, type TileFeature } from './mvt/encode-tile.js';
export { decodeCommands } from './mvt/limits.js';
export type { PropertyValue, FieldType } from './model/attributes.js';
export { POINT, LINESTRING, POLYGON, type GeomType } from './model/geometry.js';
// The descriptors beside every tileset (tilejson.json, tilematrixset.json, tileset.json), as pure
// functions any sink can call:
export { describeTileset, descriptorFiles, checkBaseUrl, DESCRIPTOR_FILES, type Descriptors } from './describe/descriptors.js';
export { tileJson, tileGridJson, type TileJson, type TileGridJson } from './describe/tilejson.js';
export { tileMatrixSetJson, type TileMatrixSetJson, type TileMatrixJson } from './describe/tile-matrix-set.js';
export { ogcTileset, MVT_MEDIA_TYPE, type OgcTilesetJson, type OgcTilesetHrefs, type TileMatrixLimitsJson } from './describe/ogc-tileset.js';
export type { TilesetDescription, VectorLayerJson } from './describe/description.js';
export type { TileRange, TileRanges } from './describe/tile-ranges.js';
export { DirectorySink, type DirectoryOptions } from './writers/directory.js';
export { MbtilesSink, descriptorRows, type MbtilesOptions } from './writers/mbtiles.js';
export { PmtilesSink, type PmtilesOptions } from './writers/pmtiles.js';
export { metadataJson, type TilesetMetadata } from './writers/metadata.js';
export type { TileSink, ThreadWriterSpec, ThreadTileWriter, ThreadWriterModule } from './writers/sink.js';
export { UsageError, InputError, FeatureError, type FeatureLocation } from './errors.js';
export { openTileset, type Tileset, type StoredTile } from './tileset/tileset.js';
export { parseTilesetMetadata, type TilesetInfo, type VectorLayerInfo } from './tileset/metadata.js';
export { inflateTile, type TileCompression } from './tileset/tile-data.js';
export { decodeTile, georeference, tileLayers, type Coords, type DecodeOptions, type InspectedFeature } from './inspect/decode.js';
export { tilesetStats, type TilesetStats, type ZoomStats, type LayerStats } from './inspect/stats.js';
export { validateTile, type TileCheck } from './inspect/validate-tile.js';
export { validatePath, validateTileset, type ValidateOptions, type ValidationReport } from './inspect/validate-tileset.js';
export { RULES, type Finding, type RuleId, type Severity } from './inspect/rules.js';
export { publish, type PublishOptions, type PublishSummary } from './publish/publish.js';
export { ConfigError, loadConfig, parseConfig, type PublishConfig } from './publish/config.js';
export { resolveDimension, resolveDimensions, type DimensionRequest, type Resolution } from './dimensions/resolve.js';
export { stackTiles } from './dimensions/stack.js';
export type { Dimension } from './dimensions/dimension.js';
