// JSON laid out the way GDAL writes metadata.json (2-space indent, no space after ':'), with a way to
// force a decimal point on real numbers so GDAL never mistakes a Real field for an Integer.

/** A number that must be written as a real (`2.0`, not `2`). */
export class Real {
  constructor(readonly value: number) {}
}

export type JsonValue = string | number | boolean | null | Real | JsonValue[] | { [key: string]: JsonValue | undefined };

export function formatReal(n: number): string {
  const s = String(n);
  return /[.eE]/.test(s) || !Number.isFinite(n) ? s : `${s}.0`;
}

export function gdalStringify(value: JsonValue, indent = ''): string {
  if (value === null) return 'null';
  if (value instanceof Real) return formatReal(value.value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + gdalStringify(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined) as [string, JsonValue][];
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}:${gdalStringify(v, inner)}`).join(',\n')}\n${indent}}`;
}
