// Dimensions in the publish job: the values each dimension's trees are built for (listed, or the
// distinct values of a source column), their combinations, the rows of one tree, and the metadata
// that lists them (each tree's metadata.json, and the tileset's own beside the trees).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unsafeValue, type Dimension, type DimensionSpec } from '../dimensions/dimension.js';
import { resolveDimension } from '../dimensions/resolve.js';
import { instantOf } from '../dimensions/time.js';
import { DESCRIPTOR_FILES } from '../describe/descriptors.js';
import { gdalStringify, type JsonValue } from '../writers/gdal-json.js';
import { configError, type Problem, type PublishConfig } from './config.js';
import type { SourceLayerHandle, SourceRow } from './source.js';

/** A cell as a dimension value: its text, or for a time dimension its canonical UTC instant. */
function cellValue(d: DimensionSpec, cell: unknown): string | undefined {
  if (cell === null || cell === undefined || cell === '') return undefined;
  const text = String(cell);
  return d.type === 'time' ? instantOf(text) : text;
}

/** Does the layer have the column? A GeoJSON layer declares none: its features may. */
const hasColumn = (h: SourceLayerHandle, column: string) => h.fields.length === 0 || h.fields.some((f) => f.name === column);

/** Rows of a layer in no tree: their column gives the dimension no value (null, empty). */
export interface Unassigned {
  layer: string;
  dimension: string;
  column: string;
  rows: number;
}

/**
 * Each dimension with the values its trees are built for: those listed, or the distinct values of its
 * property over the selected layers (time: newest first; others: sorted), and the rows with no value,
 * which no tree holds. Values that cannot name a directory, and a default that resolves to no built
 * value, are reported, every one.
 */
export async function dimensionValues(config: PublishConfig, sources: ReadonlyMap<string, SourceLayerHandle>): Promise<{ dimensions: Dimension[]; unassigned: Unassigned[] }> {
  const problems: Problem[] = [];
  const out: Dimension[] = [];
  const unassigned: Unassigned[] = [];
  for (const [i, d] of config.dimensions.entries()) {
    let values = d.values ?? [];
    const at = `dimensions[${i}]`;
    if (d.property) {
      const found = new Set<string>();
      for (const h of sources.values()) {
        if (!hasColumn(h, d.property)) continue;
        const none: Unassigned = { layer: h.name, dimension: d.name, column: d.property, rows: 0 };
        for await (const row of h.rows()) {
          const cell = row.properties[d.property];
          const v = cellValue(d, cell);
          if (v === undefined) {
            none.rows++;
            if (cell !== null && cell !== undefined && cell !== '') problems.push({ path: `${at}.property`, message: `layer "${h.name}": ${JSON.stringify(cell)} in column "${d.property}" is not a date or date-time` });
            continue;
          }
          const why = unsafeValue(v);
          if (why) problems.push({ path: `${at}.property`, message: `layer "${h.name}": the value ${JSON.stringify(v)} of column "${d.property}" cannot be a dimension value: ${why}` });
          else found.add(v);
        }
        if (none.rows) unassigned.push(none);
      }
      values = [...found].sort();
      if (d.type === 'time') values.reverse();
      if (d.type === 'regex') for (const v of values) if (!new RegExp(`^(?:${d.regex})$`).test(v)) problems.push({ path: `${at}.property`, message: `the value ${JSON.stringify(v)} of column "${d.property}" does not match the regex ${d.regex}` });
      if (!values.length) problems.push({ path: `${at}.property`, message: `column "${d.property}" has no value in the selected layers` });
    }
    const dim: Dimension = { name: d.name, type: d.type, default: d.default, values, ...(d.regex ? { regex: d.regex } : {}), ...(d.unit ? { unit: d.unit } : {}) };
    if (values.length && !resolveDimension({ dimension: dim }).ok) problems.push({ path: `${at}.default`, message: `${JSON.stringify(d.default)} resolves to no value built (${values.join(', ')})` });
    out.push(dim);
  }
  // The same bad value in many rows is one problem.
  if (problems.length) throw configError(config, [...new Map(problems.map((p) => [p.path + p.message, p])).values()]);
  return { dimensions: out, unassigned };
}

/** Every combination of the dimensions' values, the first dimension varying slowest ([{}] without any). */
export function combine(dimensions: readonly Dimension[]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const d of dimensions) out = out.flatMap((c) => d.values.map((v) => ({ ...c, [d.name]: v })));
  return out;
}

/**
 * For dimensions made from a property: which rows belong to the tree of these values. A layer without
 * the column is the same in every tree. Undefined when no dimension is made so.
 */
export function propertyFilter(specs: readonly DimensionSpec[], values: Readonly<Record<string, string>>, h: SourceLayerHandle): ((row: SourceRow) => boolean) | undefined {
  const own = specs.filter((d) => d.property && hasColumn(h, d.property));
  if (!own.length) return undefined;
  return (row) => own.every((d) => cellValue(d, row.properties[d.property!]) === values[d.name]);
}

interface TreeInfo {
  values: Record<string, string>;
  directory: string;
}

/**
 * Lists the dimensions in metadata: each tree's metadata.json gains `dimensions` and its own
 * `dimension_values`; the tileset's directory gets a metadata.json of its own — the default tree's,
 * with the dimensions, the path template and every tree — which a client reads first.
 */
export async function describeDimensions(tileset: string, dimensions: readonly Dimension[], template: string, trees: readonly TreeInfo[]): Promise<void> {
  const listed = dimensions.map((d) => ({ ...d, values: [...d.values] })) as unknown as JsonValue;
  const treeFile = (t: TreeInfo) => join(tileset, ...t.directory.split('/'), 'metadata.json');
  const defaults = Object.fromEntries(dimensions.map((d) => {
    const r = resolveDimension({ dimension: d });
    return [d.name, r.ok ? r.values[0] : d.values[0]];
  }));
  const first = trees.find((t) => dimensions.every((d) => t.values[d.name] === defaults[d.name])) ?? trees[0];
  const texts = await Promise.all(trees.map((t) => readFile(treeFile(t), 'utf8')));
  // The tileset's bounds are every tree's: a client that fits its view to them sees any value's features.
  const root = withKeys(withBounds(texts[trees.indexOf(first)], unionBounds(texts)), {
    dimensions: listed,
    path_template: template,
    trees: trees.map((t) => ({ directory: t.directory, values: t.values })) as unknown as JsonValue,
  });
  for (const t of trees) {
    await writeFile(treeFile(t), withKeys(await readFile(treeFile(t), 'utf8'), { dimensions: listed, dimension_values: t.values }));
    // A static web server serves the trees' own descriptors as they are: they list the
    // dimensions too (the same extension keys that `serve` adds to the ones it builds).
    for (const file of [DESCRIPTOR_FILES.tileJson, DESCRIPTOR_FILES.tileset]) {
      const path = join(tileset, ...t.directory.split('/'), file);
      const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, JsonValue>;
      await writeFile(path, `${JSON.stringify({ ...doc, dimensions: listed, dimension_values: t.values }, null, 2)}\n`);
    }
  }
  await writeFile(join(tileset, 'metadata.json'), root);
}

const BOUNDS = /"bounds":"([^"]*)"/;

/** The union of the trees' `bounds` ("minlon,minlat,maxlon,maxlat"), undefined when one has none. */
function unionBounds(texts: readonly string[]): string | undefined {
  const all = texts.map((t) => BOUNDS.exec(t)?.[1].split(',').map(Number));
  if (all.some((b) => b?.length !== 4 || b.some((v) => !Number.isFinite(v)))) return undefined;
  const [w, s, e, n] = [0, 1, 2, 3].map((i) => (i < 2 ? Math.min : Math.max)(...all.map((b) => b![i])));
  return [w, s, e, n].map((v) => v.toFixed(7)).join(',');
}

/** The text with its `bounds` value replaced (GDAL's layout: 7 decimals, comma-separated), the rest byte for byte. */
function withBounds(text: string, bounds: string | undefined): string {
  return bounds ? text.replace(BOUNDS, `"bounds":"${bounds}"`) : text;
}

/** GDAL-laid-out JSON text with keys added at the end, the rest kept byte for byte. */
function withKeys(text: string, keys: Record<string, JsonValue>): string {
  const end = text.lastIndexOf('}');
  const added = Object.entries(keys).map(([k, v]) => `  ${JSON.stringify(k)}:${gdalStringify(v, '  ')}`).join(',\n');
  return `${text.slice(0, end).replace(/\s*$/, '')},\n${added}\n}`;
}
