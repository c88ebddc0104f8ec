// What `validate` checks: every rule with its severity, and the finding it reports. Severity is the
// rule's, not the occurrence's, so a rule id says everything (docs/cli.md lists the same table).
//
// - error, fatal: the bytes cannot be what the writer meant (a broken protobuf, a wire type, a layer
//   header, a value, a tag index or a geometry command sequence that cannot be right); readers stop
//   reading the tile or the layer, or misread it. mvt-fixtures' "fatal".
// - error: a MUST of the spec broken in data that still parses (a missing or duplicated part, a
//   degenerate or OGC-invalid geometry, a duplicate layer name); a reader can skip the feature or
//   the layer and go on. mvt-fixtures' "recoverable".
// - warning: legal but suspect (a SHOULD broken, an UNKNOWN geometry, a coordinate past 32 bits).

export type Severity = 'error' | 'warning';

export interface RuleInfo {
  severity: Severity;
  fatal: boolean;
  /** The spec section (MVT 2.1) or the source of the rule. */
  ref: string;
  what: string;
}

const fatal = (ref: string, what: string): RuleInfo => ({ severity: 'error', fatal: true, ref, what });
const error = (ref: string, what: string): RuleInfo => ({ severity: 'error', fatal: false, ref, what });
const warning = (ref: string, what: string): RuleInfo => ({ severity: 'warning', fatal: false, ref, what });

export const RULES = {
  'tile-decompress': fatal('—', 'the tile is gzip or zlib data that does not inflate'),
  protobuf: fatal('protobuf', 'the protobuf encoding is broken: truncated, a varint over 10 bytes, a length past the end, a group or undefined wire type'),
  'wire-type': fatal('4.1–4.4', 'a field of the schema with another wire type than the schema gives it (a string where a uint32 belongs…)'),
  'layer-version': fatal('4.1', 'a layer without a version, or with one other than 1 or 2'),
  'layer-name': fatal('4.1', 'a layer without a name'),
  'layer-extent': fatal('4.1', 'a layer extent of 0 or over 2^31'),
  'value-type': fatal('4.1', 'a value without exactly one of the seven value fields, or with a field the spec does not define'),
  'tag-index': fatal('4.4', 'a tag pointing past the end of the layer keys or values'),
  'geometry-command': fatal('4.3.1, 4.3.4', 'a command sequence that does not follow its geometry type: an unknown command, a command count of 0 or a ClosePath count other than 1, a MoveTo count other than 1 in a line or polygon, LineTo or ClosePath in a point, ClosePath in a line, a geometry not starting with MoveTo, MoveTo with no LineTo in a line'),
  'geometry-parameters': fatal('4.3.2', 'the geometry ends inside the parameters of a command, or an integer is over 32 bits'),
  'ring-closure': fatal('4.3.4.4', 'a polygon ring not ended by ClosePath'),

  'layer-name-duplicate': error('4.1', 'two layers of one tile with the same name'),
  'field-repeated': error('protobuf, 4.1–4.2', 'a layer name, version or extent, or a feature id or type, given twice (the last one wins)'),
  'string-utf8': error('4.1', 'a layer name, key or string value that is not UTF-8'),
  'geometry-missing': error('4.2', 'a feature without a geometry field, or with an empty one'),
  'geometry-repeated': error('4.2', 'a feature with more than one geometry field (its geometry is not checked further)'),
  'geometry-type': error('4.3.4', 'a geometry type outside the GeomType enum (its geometry is not checked further)'),
  'tags-odd': error('4.4', 'a feature with an odd number of tag integers'),
  'tag-key-repeated': error('4.4', 'a key index used twice in one feature'),
  'zero-length': error('4.3.3.2', 'a LineTo whose dX and dY are both 0'),
  'ring-closing-point': error('4.3.4.4', 'a ring whose last point repeats its first before ClosePath (a zero-length closing segment)'),
  'ring-too-few': error('4.3.4.4', 'a ring with fewer than 3 distinct points (LineTo count under 2)'),
  'ring-zero-area': error('4.3.4.4', 'a ring of zero area: neither exterior nor interior'),
  'polygon-winding': error('4.3.4.4', 'a polygon geometry starting with an interior ring (negative area in tile coordinates, y down): holes come after their exterior, and exteriors wind clockwise on screen'),
  'polygon-self-intersection': error('4.3.4.4, OGC', 'a ring that crosses, touches or runs along itself, or folds back (a spike)'),
  'polygon-rings-cross': error('4.3.4.4, OGC', 'two rings that cross or share an edge'),
  'polygon-disconnected-interior': error('OGC', 'rings of a polygon touching so that its interior is cut in two (a hole touching its exterior twice, a chain of holes)'),
  'polygon-hole-outside': error('4.3.4.4, OGC', 'an interior ring that is not inside the exterior ring before it'),
  'polygon-nested-holes': error('OGC', 'an interior ring inside another interior ring of the same polygon'),
  'polygon-overlap': error('OGC', 'a polygon of a multipolygon inside another one (not in one of its holes)'),

  'tile-empty': warning('4.1', 'a tile without layers'),
  'layer-empty': warning('4.1', 'a layer without features'),
  'unknown-field': warning('protobuf', 'a field the schema does not define in a tile, layer or feature (skipped by readers)'),
  'geometry-type-missing': warning('4.2', 'a feature without a type field, read as UNKNOWN (the proto2 default; byte-identical to an explicit UNKNOWN)'),
  'geometry-unknown': warning('4.3.4.1', 'a feature of the UNKNOWN geometry type: readers may ignore it (its geometry is not checked)'),
  'key-duplicate': warning('4.1', 'the same key twice in a layer key table'),
  'value-duplicate': warning('4.1', 'the same value (same type, same bytes) twice in a layer value table'),
  'id-duplicate': warning('4.2', 'two features of a layer with the same id'),
  'lineto-split': warning('4.3.4.3–4', 'several LineTo commands in a row within one line or ring (readers join them)'),
  'coordinate-range': warning('4.3.2', 'a coordinate outside the 32-bit signed range'),
  'polygon-unchecked': warning('—', 'a polygon with coordinates beyond ±2^25: its OGC validity is not checked'),
  metadata: warning('—', 'tileset metadata missing or malformed (metadata.json, the MBTiles metadata table)'),
  'tile-outside-matrix': warning('—', 'a tile outside the tile matrix of the tileset scheme'),
  'tile-zoom': warning('—', 'a tile at a zoom outside the metadata minzoom … maxzoom'),
  'layer-not-in-metadata': warning('—', 'a layer that the metadata vector_layers do not list'),
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** One problem found, located as closely as the rule allows. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** An error after which the tile (or its layer) cannot be read as written (mvt-fixtures' "fatal"). */
  fatal: boolean;
  message: string;
  /** `z/x/y`, or the file name of a lone tile. */
  tile?: string;
  layer?: string;
  /** The layer's position in the tile, from 0. */
  layerIndex?: number;
  /** The feature's position in its layer, from 0. */
  feature?: number;
  id?: number;
  /** Where, in tile coordinates. */
  at?: [number, number];
  /** Times the rule was broken in this feature (or layer), reported once. */
  count?: number;
}

export function finding(rule: RuleId, message: string, where: Omit<Finding, 'rule' | 'severity' | 'fatal' | 'message'> = {}): Finding {
  const r: RuleInfo = RULES[rule];
  return { rule, severity: r.severity, fatal: r.fatal, message, ...where };
}
