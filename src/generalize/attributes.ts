// Attribute control, as tippecanoe's -y/-x/-X/-T, --use-attribute-for-id, --generate-ids and
// --maximum-string-attribute-length: what each feature keeps of its properties, with which types, and
// its MVT id. Applied once per feature on the tiling threads, before the layer statistics see the
// values, so tiles and metadata (vector_layers, tilestats) agree; and to the fields a source declares
// up front (GeoPackage columns), so that no field left out of every tile is listed.
import type { FieldType, PropertyValue } from '../model/attributes.js';

/** tippecanoe's -T types. */
export type AttributeType = 'string' | 'float' | 'int' | 'bool';
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'float', 'int', 'bool'];

/** The options as plain data (they travel to the worker threads in every batch). */
export interface AttributeOptions {
  /** Keep only these properties (tippecanoe -y; implies exclude-all for the others). */
  include?: string[];
  /** Leave these out (tippecanoe -x). */
  exclude?: string[];
  /** Leave every property out but those of `include` (tippecanoe -X). */
  excludeAll?: boolean;
  /** Coerce these properties (tippecanoe -T NAME:TYPE). */
  types?: Record<string, AttributeType>;
  /** The property whose value becomes the MVT id, and leaves the properties (--use-attribute-for-id). */
  idProperty?: string;
  /** Features without an id get their input position + 1 (tippecanoe -ai / --generate-ids). */
  generateIds?: boolean;
  /** Strings longer than this many UTF-8 bytes are cut at a character boundary (0 or absent: no limit). */
  maxStringLength?: number;
}

/** Whether any option changes what a feature's properties become. */
export function hasAttributeOptions(o: AttributeOptions | undefined): boolean {
  return !!o && (!!o.include?.length || !!o.exclude?.length || !!o.excludeAll || Object.keys(o.types ?? {}).length > 0 || o.idProperty !== undefined || !!o.generateIds || !!o.maxStringLength);
}

/** The options compiled for use per feature. */
export class AttributeFilter {
  private readonly include: Set<string> | undefined;
  private readonly exclude: Set<string>;
  private readonly types: Map<string, AttributeType>;
  private readonly idProperty: string | undefined;
  private readonly generateIds: boolean;
  private readonly maxBytes: number;

  constructor(o: AttributeOptions = {}) {
    // As in tippecanoe, -y alone means "these and nothing else", and -X with -y adds them back.
    this.include = o.excludeAll || o.include?.length ? new Set(o.include ?? []) : undefined;
    this.exclude = new Set(o.exclude ?? []);
    this.types = new Map(Object.entries(o.types ?? {}));
    this.idProperty = o.idProperty;
    this.generateIds = !!o.generateIds;
    this.maxBytes = o.maxStringLength ?? 0;
  }

  /** Whether a property of this name can reach a tile (the id property only when its value is no id). */
  keeps(name: string): boolean {
    return this.include ? this.include.has(name) : !this.exclude.has(name);
  }

  /**
   * Whether a field a source declares up front should be declared: it may never hold a value
   * otherwise (the id property whose values all become ids, an excluded column).
   */
  declares(name: string): boolean {
    return this.keeps(name) && name !== this.idProperty;
  }

  /** The type a field declared as `type` (real: `real`) ends up with. */
  fieldType(name: string, type?: FieldType, real = false): { type?: FieldType; real: boolean } {
    const t = this.types.get(name);
    if (t === undefined) return { type, real };
    return t === 'string' ? { type: 'String', real: false } : t === 'bool' ? { type: 'Boolean', real: false } : { type: 'Number', real: t === 'float' };
  }

  /**
   * A feature's properties and id as they go into its tiles, in tippecanoe's order: types coerced,
   * then the id property taken out (when its value can be an MVT id), then inclusion and exclusion,
   * then strings cut. `props` is changed in place and returned.
   */
  apply(props: [string, PropertyValue][], id: number | undefined, seq: number): { properties: [string, PropertyValue][]; id: number | undefined } {
    let out = 0;
    for (let i = 0; i < props.length; i++) {
      const [k, raw] = props[i];
      const t = this.types.get(k);
      let v = t === undefined ? raw : coerceTo(raw, t);
      if (k === this.idProperty && typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
        id = v;
        continue;
      }
      if (!this.keeps(k)) continue;
      if (this.maxBytes > 0 && typeof v === 'string') v = truncateUtf8(v, this.maxBytes);
      props[out++] = [k, v];
    }
    props.length = out;
    if (id === undefined && this.generateIds) id = seq + 1;
    return { properties: props, id };
  }
}

/**
 * A value as tippecanoe's -T makes it: `string` its text; `float` and `int` the number it starts with
 * (C's atof: 0 when it starts with none; `int` rounded half away from zero); `bool` false for `false`,
 * `0`, `"false"`, `"0"` and `""`, else true.
 */
export function coerceTo(v: PropertyValue, t: AttributeType): PropertyValue {
  switch (t) {
    case 'string':
      return typeof v === 'string' ? v : String(v);
    case 'float':
      return typeof v === 'number' ? v : leadingNumber(v);
    case 'int': {
      const n = typeof v === 'number' ? v : leadingNumber(v);
      return Math.sign(n) * Math.round(Math.abs(n));
    }
    case 'bool':
      return !(v === false || v === 0 || v === '' || v === 'false' || v === '0');
  }
}

const NUMBER_PREFIX = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** The decimal number a string starts with, as C's atof reads it (a boolean is the text true/false: 0). */
function leadingNumber(v: string | boolean): number {
  if (typeof v !== 'string') return 0;
  const m = NUMBER_PREFIX.exec(v);
  const n = m ? Number(m[0]) : 0;
  return Number.isFinite(n) ? n : 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The longest prefix of `s` of at most `max` UTF-8 bytes that ends on a character boundary. */
export function truncateUtf8(s: string, max: number): string {
  // Every UTF-16 unit is at least one byte: short strings cannot be over.
  if (s.length <= max / 3) return s;
  const bytes = encoder.encode(s);
  if (bytes.length <= max) return s;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // not inside a multi-byte character
  return decoder.decode(bytes.subarray(0, end));
}
