// The order of features within each layer of a tile — the order a renderer draws them in — as
// tippecanoe's --order-by, --order-descending-by, --order-smallest-first and --order-largest-first:
// keys compared one after the other, the first given first, ties in input order.
import type { PropertyValue } from '../model/attributes.js';

/** One sort key: a property (ascending unless `descending`), or the feature's size as drawn. */
export interface OrderField {
  attribute?: string;
  size?: boolean;
  descending?: boolean;
}

type Key = PropertyValue | undefined;

/** A feature's keys for `fields`: its property values, and `size` for size keys. */
export function orderKeys(properties: Iterable<[string, PropertyValue]>, size: () => number, fields: OrderField[]): Key[] {
  return fields.map((f) => (f.size ? size() : propertyValue(properties, f.attribute!)));
}

function propertyValue(properties: Iterable<[string, PropertyValue]>, name: string): Key {
  for (const [k, v] of properties) if (k === name) return v;
  return undefined;
}

/** As tippecanoe compares values: strings before numbers before booleans, a missing value last. */
const rank = (v: Key) => (typeof v === 'string' ? 0 : typeof v === 'number' ? 1 : typeof v === 'boolean' ? 2 : 3);

function compareKey(a: Key, b: Key): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (a === undefined || a === b) return 0;
  return (a as string | number) < (b as string | number) ? -1 : 1; // false < true as 0 < 1
}

/** Negative when keys `a` come first. */
export function compareOrder(a: Key[], b: Key[], fields: OrderField[]): number {
  for (let i = 0; i < fields.length; i++) {
    const c = compareKey(a[i], b[i]);
    if (c !== 0) return fields[i].descending ? -c : c;
  }
  return 0;
}
