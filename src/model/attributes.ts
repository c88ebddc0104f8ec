// The attribute model every stage shares: what a GeoJSON or GeoPackage property becomes on its way
// into a tile, and the field kinds GDAL's metadata knows.

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

/** GeoJSON ids that are non-negative safe integers become MVT ids; other ids become a property (idProperty). */
export function featureId(id: unknown): number | undefined {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/**
 * An id that cannot be the MVT id (a string such as the county FIPS code "04015", a negative or
 * fractional number) is kept as an `id` property, as GDAL's GeoJSON reader makes it an `id` field;
 * unless the properties have an `id` of their own, which then wins.
 */
export function idProperty(raw: unknown, mvtId: number | undefined, properties: unknown): string | number | undefined {
  if (mvtId !== undefined || (typeof raw !== 'string' && typeof raw !== 'number')) return undefined;
  if (properties && typeof properties === 'object' && Object.hasOwn(properties, 'id')) return undefined;
  return raw;
}
