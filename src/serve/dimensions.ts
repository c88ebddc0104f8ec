// The dimensions of a served tileset (metadata.json's `dimensions` and `path_template`, as publish
// writes them) and what a tile request asks of them: values from the path form (the path template's
// directories, `/2024/5/17/9.pbf`) or from the query (`/5/17/9.pbf?year=2024`), each resolved by
// src/dimensions/resolve.ts (the default when absent; 400 for what the type refuses or what could
// step out of the tileset, 404 for a valid value no tree holds). The result is the tree directories
// whose tiles make the answer, in priority order.
import { checkDimensions, type Dimension, type Problem } from '../dimensions/dimension.js';
import { resolveDimensions } from '../dimensions/resolve.js';
import { DEFAULT_TEMPLATE, parsePathTemplate, treeDirectory, type PathTemplate } from '../dimensions/template.js';
import type { JsonObject } from './descriptors.js';

export interface ServedDimensions {
  list: Dimension[];
  template: PathTemplate;
  /** Each template directory segment as an anchored pattern, a capture per dimension it holds. */
  patterns: { regex: RegExp; dims: string[] }[];
}

/**
 * The dimensions metadata.json declares, or undefined when it declares none. A declaration that does
 * not check out is an error: serving its trees as if they were one tileset would be wrong.
 */
export function servedDimensions(raw: JsonObject): ServedDimensions | undefined {
  if (raw.dimensions === undefined) return undefined;
  const problems: Problem[] = [];
  const { specs } = checkDimensions(raw.dimensions, 'dimensions', problems);
  const text = typeof raw.path_template === 'string' ? raw.path_template : DEFAULT_TEMPLATE;
  const template = problems.length ? undefined : parsePathTemplate(text, specs.map((d) => d.name), 'path_template', problems);
  if (problems.length || !template) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  const list = specs.map((d) => ({ ...d, values: d.values ?? [] }));
  const patterns = template.segments.map((seg) => ({
    regex: new RegExp(`^${seg.map((p) => (typeof p === 'string' ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '(.+?)')).join('')}$`),
    dims: seg.flatMap((p) => (typeof p === 'string' ? [] : [p.dim])),
  }));
  return { list, template, patterns };
}

export type TreeChoice = { ok: true; directories: string[]; query: string } | { ok: false; status: 400 | 404; message: string };

/**
 * The tree directories a request's dimension values resolve to: `pathSegments` are the template's
 * directories of a path-form request (undefined for the query form), `query` the request's parameters.
 * `query` of the result is the canonical `?NAME=value…` of what was asked (for descriptor URLs).
 */
export function chooseTrees(d: ServedDimensions, pathSegments: string[] | undefined, query: URLSearchParams): TreeChoice {
  const params: Record<string, string | undefined> = {};
  const asked = new Map([...query.keys()].map((k) => [k.toLowerCase(), k]));
  if (pathSegments) {
    for (const [i, p] of d.patterns.entries()) {
      const m = p.regex.exec(pathSegments[i]);
      if (!m) return { ok: false, status: 404, message: `not found: "${pathSegments[i]}" is not a directory of the path template ${d.template.text}` };
      p.dims.forEach((name, j) => (params[name] = m[j + 1]));
    }
    for (const name of Object.keys(params)) {
      if (asked.has(name.toLowerCase())) return { ok: false, status: 400, message: `dimension ${name} is given both in the path and as ?${asked.get(name.toLowerCase())}=` };
    }
  } else {
    for (const dim of d.list) {
      // Names without case, as MapCache's parameters: `year` and `Year` are one dimension given twice.
      const hits = [...query.entries()].filter(([k]) => k.toLowerCase() === dim.name.toLowerCase());
      if (hits.length > 1) return { ok: false, status: 400, message: `dimension ${dim.name} is given more than once` };
      params[dim.name] = hits[0]?.[1];
    }
  }
  const r = resolveDimensions(d.list, params);
  if (!r.ok) return r;
  const search = new URLSearchParams();
  for (const dim of d.list) if (params[dim.name]) search.set(dim.name, params[dim.name]!);
  const q = search.toString();
  return { ok: true, directories: r.combinations.map((c) => treeDirectory(d.template, c)), query: q ? `?${q}` : '' };
}
