// Which MVT value type GDAL would pick for an attribute value (the values themselves: model/attributes.ts).

import type { PropertyValue } from '../model/attributes.js';

/** MVT Value message field numbers. */
// biome-ignore lint/suspicious/noConstEnum: inlined into the encoder by tsc; not exported by src/index.ts
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
