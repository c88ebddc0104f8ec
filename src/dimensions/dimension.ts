// Tileset dimensions (after MapCache's): what a dimension is, which of its values are safe to use as
// a directory name, and the checks of a dimension's definition in a config (every problem reported).
//
// A dimension value names a directory of the published tileset ({tileset}/{dim}/{z}/{x}/{y}.pbf), and
// a server resolves it from a request: so some values are refused whatever the dimension's type or
// pattern says. MapCache's own regex example has to exclude `..` by hand; here it cannot be forgotten.
import { formatInstant, parseTime } from './time.js';

export type DimensionType = 'values' | 'regex' | 'time';
export const DIMENSION_TYPES: readonly DimensionType[] = ['values', 'regex', 'time'];

/** A dimension as the tileset declares it (metadata.json's `dimensions`), with the values it was built for. */
export interface Dimension {
  name: string;
  type: DimensionType;
  /** Taken when a request does not give the dimension; resolved like a requested value. */
  default: string;
  /** The values a tile tree exists for, in declared order (time: canonical UTC instants, newest first). */
  values: string[];
  /** `regex` only: the pattern a value must match, anchored at both ends. */
  regex?: string;
  /** Physical unit, for descriptors (MapCache's `unit`). */
  unit?: string;
}

/** A dimension as a config defines it: its values listed, or taken from a source column while building. */
export interface DimensionSpec extends Omit<Dimension, 'values'> {
  /** The values to build, when listed. */
  values?: string[];
  /** The column whose distinct values make the dimension (`where` then filters on it per value). */
  property?: string;
}

/** Names a template or a `where` substitution already uses, which a dimension cannot take. */
const RESERVED = new Set(['tileset', 'dim', 'z', 'x', 'y', 'ext']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Longer values are no directory name a file system keeps everywhere (255 bytes), nor a sane query. */
const MAX_VALUE = 200;

/**
 * Why a value may not be used as a dimension value, or undefined when it may. Refused always, in the
 * value as given and in every percent-decoding of it (a request decoded once more downstream must not
 * turn `%2e%2e` into `..`): empty, `.` or `..` anywhere, a leading `.` (hidden directories: our own
 * temporaries), `/` or `\` (a value is one path segment; a leading `/` is an absolute path), NUL and
 * other control characters.
 */
export function unsafeValue(value: string): string | undefined {
  let v = value;
  for (let round = 0; round < 4; round++) {
    const why = unsafeAsIs(v);
    if (why) return round === 0 ? why : `${why} once percent-decoded`;
    if (!v.includes('%')) return undefined;
    let next: string;
    try {
      next = decodeURIComponent(v);
    } catch {
      return 'malformed percent-encoding';
    }
    if (next === v) return undefined;
    v = next;
  }
  return 'percent-encoded more than three times';
}

function unsafeAsIs(v: string): string | undefined {
  if (v === '') return 'empty';
  if (v.length > MAX_VALUE) return `longer than ${MAX_VALUE} characters`;
  if (v.includes('\0')) return 'holds NUL';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 'holds a control character';
  }
  if (v.includes('..')) return 'holds ".." (path traversal)';
  if (v.startsWith('/')) return 'starts with "/" (an absolute path)';
  if (v.includes('/') || v.includes('\\')) return 'holds "/" or "\\" (a value is one directory name)';
  if (v.startsWith('.')) return 'starts with "." (a hidden directory)';
  return undefined;
}

/** A located problem of a config: the path of the key (`dimensions[0].default`) and what is wrong. */
export interface Problem {
  path: string;
  message: string;
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);

/**
 * Checks the `dimensions` list of a config: every problem is pushed to `problems` under `path`.
 * Returns the specs that are sound, and the names of all that have a usable name (sound or not), so
 * that what refers to a dimension by name is not reported again for a dimension already reported.
 */
export function checkDimensions(raw: unknown, path: string, problems: Problem[]): { specs: DimensionSpec[]; names: string[] } {
  const out: DimensionSpec[] = [];
  const names: string[] = [];
  if (raw === undefined) return { specs: out, names };
  if (!Array.isArray(raw)) {
    problems.push({ path, message: `must be a list of dimensions, got ${describe(raw)}` });
    return { specs: out, names };
  }
  const seen = new Set<string>();
  raw.forEach((d, i) => {
    const at = `${path}[${i}]`;
    const before = problems.length;
    const bad = (key: string, message: string) => problems.push({ path: key ? `${at}.${key}` : at, message });
    if (!d || typeof d !== 'object' || Array.isArray(d)) return bad('', `must be a mapping with name, type and default, got ${describe(d)}`);
    const o = d as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['name', 'type', 'default', 'values', 'regex', 'property', 'unit'].includes(k)) bad(k, 'unknown key (a dimension has name, type, default, values, regex, property, unit)');
    const name = o.name;
    if (typeof name !== 'string' || !NAME.test(name)) bad('name', `must be a name of letters, digits and _ (not starting with a digit), got ${describe(name)}`);
    else if (RESERVED.has(name.toLowerCase())) bad('name', `"${name}" is a template variable: choose another name`);
    else if (seen.has(name.toLowerCase())) bad('name', `a second dimension named "${name}" (names are compared without case, as query parameters)`);
    else {
      seen.add(name.toLowerCase());
      names.push(name);
    }
    const type = o.type;
    if (!DIMENSION_TYPES.includes(type as DimensionType)) bad('type', `must be one of ${DIMENSION_TYPES.join(', ')}, got ${describe(type)}`);
    if (typeof o.default !== 'string' && typeof o.default !== 'number') bad('default', `is required: a value (string), got ${describe(o.default)}`);
    const def = o.default === undefined || o.default === null ? undefined : String(o.default);
    if (o.unit !== undefined && typeof o.unit !== 'string') bad('unit', `must be a string, got ${describe(o.unit)}`);
    if (o.property !== undefined && (typeof o.property !== 'string' || !o.property)) bad('property', `must be a column name, got ${describe(o.property)}`);
    if (o.property !== undefined && o.values !== undefined) bad('values', 'give either values or property, not both');
    if (o.property === undefined && o.values === undefined) bad('', 'needs its values: a `values` list, or a `property` whose distinct values make the dimension');
    let values: string[] | undefined;
    if (o.values !== undefined) {
      if (!Array.isArray(o.values) || o.values.length === 0) bad('values', `must be a non-empty list, got ${describe(o.values)}`);
      else {
        values = [];
        o.values.forEach((v, j) => {
          if (typeof v !== 'string' && typeof v !== 'number') return bad(`values[${j}]`, `must be a string, got ${describe(v)}`);
          const s = String(v);
          const why = unsafeValue(s);
          if (why) return bad(`values[${j}]`, `${JSON.stringify(s)} cannot be a dimension value: ${why}`);
          if (values!.includes(s)) return bad(`values[${j}]`, `${JSON.stringify(s)} is listed twice`);
          values!.push(s);
        });
      }
    }
    let regex: RegExp | undefined;
    if (type === 'regex') {
      if (typeof o.regex !== 'string' || !o.regex) bad('regex', `a regex dimension needs its pattern, got ${describe(o.regex)}`);
      else {
        try {
          regex = anchored(o.regex);
        } catch (e) {
          bad('regex', `not a valid regular expression: ${(e as Error).message}`);
        }
      }
    } else if (o.regex !== undefined) bad('regex', `only a regex dimension has a pattern (this one is ${describe(type)})`);
    if (type === 'regex' && regex && values) {
      values.forEach((v, j) => {
        if (!regex!.test(v)) bad(`values[${j}]`, `${JSON.stringify(v)} does not match the dimension's regex ${o.regex}`);
      });
    }
    if (type === 'time' && values) {
      // Stored under their canonical UTC form, the directory name a request resolves to.
      values = values.map((v, j) => {
        const t = parseTime(v);
        if (!t || t.interval || !t.exact) {
          bad(`values[${j}]`, `${JSON.stringify(v)} is not an ISO 8601 instant to the second (YYYY-MM-DDTHH:MM:SSZ)`);
          return v;
        }
        return formatInstant(t.start);
      });
      if (new Set(values).size !== values.length) bad('values', 'lists the same instant twice');
      values.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    }
    if (def !== undefined) {
      const why = unsafeValue(def);
      if (why) bad('default', `${JSON.stringify(def)} cannot be a dimension value: ${why}`);
      else if (type === 'values' && values && !values.includes(def)) bad('default', `${JSON.stringify(def)} is not one of the values (${values.join(', ')})`);
      else if (type === 'regex' && regex && !regex.test(def)) bad('default', `${JSON.stringify(def)} does not match the regex ${o.regex}`);
      else if (type === 'time' && !parseTime(def)) bad('default', `${JSON.stringify(def)} is not an ISO 8601 instant, period or interval`);
    }
    if (problems.length > before) return;
    const spec: DimensionSpec = { name: name as string, type: type as DimensionType, default: def! };
    if (values) spec.values = values;
    if (typeof o.regex === 'string') spec.regex = o.regex;
    if (typeof o.property === 'string') spec.property = o.property;
    if (typeof o.unit === 'string') spec.unit = o.unit;
    out.push(spec);
  });
  return { specs: out, names };
}

/** The pattern anchored at both ends, as MapCache's PCRE patterns are meant. */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}
