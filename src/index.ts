// mvt-build: GeoJSON → any tiling scheme → MVT tileset that GDAL reads back. The pipeline, in order:
export { readGeoJSON, readGeoJSONRaw, type RawFeature, type SourceFeature, type GeoJSONFeatureLike, type GeoJSONSourceInfo } from './readers/geojson.js';
export { openGeoPackage, type GpkgLayer, type GpkgOptions } from './readers/gpkg.js';
export { parseGpkgGeometry, parseWkb, WkbError } from './readers/wkb.js';
export { resolveCrs, createTransform, crsArea, type ResolvedCrs, type PointTransform } from './projection/crs.js';
export { crsAxisOrder, crsUri, crsDefinitions, metersPerUnit, crsFacts } from './projection/crs-info.js';
export {
  parseTilingScheme, formatTilingScheme, validateTilingScheme, tileBounds, tileDimension, matrixSize,
  isWebMercatorQuad, PRESETS, MAX_ZOOM, type TilingScheme,
} from './scheme/tiling-scheme.js';
export {
  readTilingScheme, parseTileMatrixSet, crsFromUri, presetOf, tileMatrixSetId, OGC_REGISTRY, STANDARD_PIXEL, TILE_PIXELS,
  type AxisOrder, type CrsFacts, type ReadSchemeOptions,
} from './scheme/ogc-tms.js';
export { convertGeometry, GeometryError, type ConvertContext } from './geometry/convert.js';
export { computeImportance } from './geometry/simplify.js';
export { clipGeometry } from './geometry/clip.js';
export { encodeGeometry, ringArea, TINY_AREA2, type TileFrame } from './geometry/quantize.js';
export { RingSet } from './geometry/ring-set.js';
export { isValidPolygon } from './geometry/validity.js';
export { repairPolygon } from './geometry/repair.js';
export { POINT, LINESTRING, POLYGON, type Geometry, type GeomType, type Flat } from './model/geometry.js';
export { tileGeometry, trimTilerBuffers, type TilerOptions, type FragmentSink } from './tiler/tile-feature.js';
export { SpillingTileStore, type TileStore, type TileRecords, type StoreOptions } from './tiler/tile-store.js';
export { tileBatch, encodeBatch, type FeatureBatch, type BatchResult, type EncodeBatch, type EncodedBatch, type TileContext } from './tiler/batch.js';
export { encodeProperties, decodeProperties, writeFragment, readHead } from './tiler/fragment-codec.js';
export { LayerSchema } from './model/layer-schema.js';
export { encodeTile, type TileLayer, type TileFeature } from './mvt/encode-tile.js';
export { encodeWithinLimits, decodeCommands, type TileLimits, type LimitReport } from './mvt/limits.js';
export { normalizeProperties, type PropertyValue, type FieldType } from './model/attributes.js';
export { valueTag } from './mvt/values.js';
// Descriptors beside the tileset (tilejson.json, tilematrixset.json, tileset.json), as pure functions:
export { describeTileset, descriptorFiles, checkBaseUrl, DESCRIPTOR_FILES, type Descriptors } from './describe/descriptors.js';
export { tileJson, tileGridJson, type TileJson, type TileGridJson } from './describe/tilejson.js';
export { tileMatrixSetJson, type TileMatrixSetJson, type TileMatrixJson } from './describe/tile-matrix-set.js';
export { ogcTileset, MVT_MEDIA_TYPE, type OgcTilesetJson, type OgcTilesetHrefs, type TileMatrixLimitsJson } from './describe/ogc-tileset.js';
export { addToTileRanges, type TileRange, type TileRanges } from './describe/tile-ranges.js';
export { vectorLayers, type TilesetDescription, type VectorLayerJson } from './describe/description.js';
export { crsDefinitionKeys } from './describe/crs-keys.js';
export { DirectorySink, type DirectoryOptions } from './writers/directory.js';
export { MbtilesSink, descriptorRows, type MbtilesOptions } from './writers/mbtiles.js';
export { metadataJson, vectorLayersJson, type TilesetMetadata } from './writers/metadata.js';
export type { TileSink } from './writers/sink.js';
export { buildTileset, featureId, type BuildSummary } from './build.js';
export type { BuildOptions, LayerInput, LayerConf, Progress } from './options.js';
export { UsageError, InputError, FeatureError } from './errors.js';
