// Attribute values: what a GeoJSON property becomes, and which MVT value type GDAL would pick for it.

/** A property value as it goes into a tile: nulls are gone, nested objects are JSON text. */
export type PropertyValue = string | number | boolean;

/** The attribute kinds GDAL's metadata knows ("fields" in vector_layers). */
export type FieldType = 'String' | 'Number' | 'Boolean';

/**
 * Normalizes a feature's properties: null/undefined dropped (MVT has no null), objects and arrays
 * stored as JSON strings (as GDAL writes list and JSON fields). Order is kept.
 */
export function normalizeProperties(props: unknown, onNull?: (key: string) => void): [string, PropertyValue][] {
  if (props === null || props === undefined || typeof props !== 'object' || Array.isArray(props)) return [];
  const out: [string, PropertyValue][] = [];
  for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
    if (v === null || v === undefined) {
      onNull?.(k); // the field still exists in the schema, as in GDAL
      continue;
    }
    if (typeof v === 'string' || typeof v === 'boolean') out.push([k, v]);
    else if (typeof v === 'number') {
      if (Number.isFinite(v)) out.push([k, v]);
    } else if (typeof v === 'bigint') out.push([k, Number(v)]);
    else out.push([k, JSON.stringify(v)]);
  }
  return out;
}

/** The field type a value suggests on its own. */
export function valueType(v: PropertyValue): FieldType {
  return typeof v === 'string' ? 'String' : typeof v === 'number' ? 'Number' : 'Boolean';
}

/** A value coerced to its field's final type (a field that mixes kinds is a String field). */
export function coerce(v: PropertyValue, type: FieldType | undefined): PropertyValue {
  if (type === 'String' && typeof v !== 'string') return String(v);
  return v;
}

/** MVT Value message field numbers. */
export const enum ValueTag {
  String = 1,
  Float = 2,
  Double = 3,
  Int = 4,
  Uint = 5,
  Sint = 6,
  Bool = 7,
}

/**
 * GDAL's choice of MVT value type: negative integer → sint, non-negative → uint, an integral value
 * of a real field → int, a real exactly representable as float32 → float, else double.
 */
export function valueTag(v: PropertyValue, realField = false): ValueTag {
  if (typeof v === 'string') return ValueTag.String;
  if (typeof v === 'boolean') return ValueTag.Bool;
  if (Number.isInteger(v)) return realField ? ValueTag.Int : v < 0 ? ValueTag.Sint : ValueTag.Uint;
  return Math.fround(v) === v ? ValueTag.Float : ValueTag.Double;
}
