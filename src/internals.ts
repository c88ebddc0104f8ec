// mvt-build/internals: the stages and algorithms under the public API, for tests, benchmarks and
// experiments. No stability promise: names and shapes here change with the code. Listed in pipeline
// order, lowest layer first.
export { PositionList } from './model/positions.js';
export { normalizeProperties, featureId, idProperty, coerce, valueType } from './model/attributes.js';
export type { Geometry, Flat } from './model/geometry.js';
export { LayerSchema } from './model/layer-schema.js';
export { readGeoJSONRaw, type RawFeature } from './readers/geojson.js';
export { parseFeatureText } from './readers/feature-text.js';
export { parseGpkgGeometry, parseWkb, WkbError } from './readers/wkb.js';
export { readItem, type BatchItem } from './readers/item.js';
export { openInputs, type InputRequest } from './readers/open-inputs.js';
export type { LayerHeader, LayerSource } from './readers/layer-source.js';
export { convertGeometry, GeometryError, type ConvertContext } from './geometry/convert.js';
export { computeImportance } from './geometry/simplify.js';
export { clipGeometry } from './geometry/clip.js';
export { encodeGeometry, ringArea, TINY_AREA2, type TileFrame } from './geometry/quantize.js';
export { RingSet } from './geometry/ring-set.js';
export { isValidPolygon } from './geometry/validity.js';
export { repairPolygon } from './geometry/repair.js';
export { tileGeometry, trimTilerBuffers, type TilerOptions, type FragmentSink } from './tiler/tile-feature.js';
export { encodeProperties, decodeProperties, writeFragment, readHead } from './tiler/fragment-codec.js';
export { SpillingTileStore, type TileStore, type TileRecords, type StoreOptions } from './tiler/tile-store.js';
export { valueTag } from './mvt/values.js';
export { encodeWithinLimits, type TileLimits, type LimitReport } from './mvt/limits.js';
export { tileBatch, type FeatureBatch, type BatchResult, type TileContext } from './stages/tile.js';
export { encodeTiles, type EncodeBatch, type EncodeLayer, type TileOut } from './stages/encode.js';
export { runTask, type Task, type EncodedBatch } from './pipeline/tasks.js';
export { resolvePlan, type Plan } from './pipeline/plan.js';
export { resolveOptions, type ResolvedOptions } from './options.js';
export { crsUri, metersPerUnit } from './projection/crs-info.js';
export { crsFromUri, tileMatrixSetId, STANDARD_PIXEL, TILE_PIXELS } from './scheme/ogc-tms.js';
export { addToTileRanges } from './describe/tile-ranges.js';
export { vectorLayers, centerOf } from './describe/description.js';
export { crsDefinitionKeys } from './describe/crs-keys.js';
export { vectorLayersJson } from './writers/metadata.js';
export { createTileWriter as createDirectoryTileWriter, type TileFileTarget } from './writers/directory-writer.js';
export { polygonProblem, type PolygonProblem } from './inspect/polygon-validity.js';
export { AttributeFilter, coerceTo, truncateUtf8, type AttributeOptions } from './generalize/attributes.js';
