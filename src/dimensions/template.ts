// Where each dimension value's tile tree is stored: a MapCache-style path template such as the default
// `{tileset}/{dim}/{z}/{x}/{y}.pbf`. `{tileset}` is the published tileset's directory, `{dim}` the
// values of every dimension in their declared order (one directory each), `{dim:NAME}` one dimension's
// value; `{z}/{x}/{y}.{ext}` (or `.pbf`) ends it, since a tile tree is a {z}/{x}/{y} directory.
import type { Problem } from './dimension.js';

export const DEFAULT_TEMPLATE = '{tileset}/{dim}/{z}/{x}/{y}.pbf';

/** A checked template: the segments of a tree's directory below {tileset}, then the tile part. */
export interface PathTemplate {
  text: string;
  /** Each segment: literal text and dimension references, e.g. [{ dim: 'year' }] or ['v', { dim: 'year' }]. */
  segments: (string | { dim: string })[][];
  /** The tile file extension the template names (`pbf` for `.pbf`; undefined for `.{ext}`: the build's). */
  extension?: string;
}

const TAIL = /\/\{z\}\/\{x\}\/\{y\}\.(\{ext\}|[A-Za-z0-9_-]+)$/;
const LITERAL = /^[A-Za-z0-9_.,=+@-]*$/;

/**
 * Checks a template against the tileset's dimensions (names as declared): every problem goes to
 * `problems` under `path`. Each dimension must appear exactly once, or two values would share a tree.
 */
export function parsePathTemplate(text: string, dimensions: readonly string[], path: string, problems: Problem[]): PathTemplate | undefined {
  const before = problems.length;
  const bad = (message: string) => problems.push({ path, message: `${JSON.stringify(text)}: ${message}` });
  if (!text.startsWith('{tileset}/')) bad('must start with {tileset}/ (the published directory)');
  const tail = TAIL.exec(text);
  if (!tail) bad('must end with /{z}/{x}/{y}.{ext} or /{z}/{x}/{y}.pbf');
  if (problems.length > before) return undefined;
  const middle = text.slice('{tileset}/'.length, tail!.index);
  const segments: PathTemplate['segments'] = [];
  const used = new Map<string, number>();
  const byLower = new Map(dimensions.map((d) => [d.toLowerCase(), d]));
  for (const seg of middle === '' ? [] : middle.split('/')) {
    if (seg === '') {
      bad('has an empty directory (//)');
      continue;
    }
    if (seg === '{dim}') {
      // Every dimension in declared order, one directory each (MapCache's disk cache nests them so).
      for (const d of dimensions) {
        segments.push([{ dim: d }]);
        used.set(d, (used.get(d) ?? 0) + 1);
      }
      continue;
    }
    const parts: (string | { dim: string })[] = [];
    for (const m of seg.matchAll(/\{([^{}]*)\}|([^{}]+)/g)) {
      if (m[2] !== undefined) {
        if (!LITERAL.test(m[2]) || (parts.length === 0 && m[2].startsWith('.'))) bad(`"${m[2]}" is not a plain directory name`);
        parts.push(m[2]);
      } else if (m[1] === 'dim') {
        bad('{dim} stands for one directory per dimension and must be a whole segment (use {dim:NAME} inside a name)');
      } else if (m[1].startsWith('dim:')) {
        const d = byLower.get(m[1].slice(4).toLowerCase());
        if (!d) bad(`{${m[1]}} names no dimension (they are: ${dimensions.join(', ') || 'none'})`);
        else {
          parts.push({ dim: d });
          used.set(d, (used.get(d) ?? 0) + 1);
        }
      } else bad(`{${m[1]}} is not a template variable here (only {dim} and {dim:NAME} may come between {tileset} and {z})`);
    }
    if (seg.replace(/\{[^{}]*\}|[^{}]+/g, '') !== '') bad(`unbalanced braces in "${seg}"`);
    if (parts.length) segments.push(parts);
  }
  for (const d of dimensions) {
    const n = used.get(d) ?? 0;
    if (n === 0) bad(`dimension ${d} is not in the path: every value would write the same tree`);
    if (n > 1) bad(`dimension ${d} appears ${n} times`);
  }
  const first = segments[0];
  if (first?.every((p) => typeof p === 'string') && RESERVED_ENTRIES.includes(first.join(''))) {
    bad(`"${first.join('')}" is the tileset's own (${RESERVED_ENTRIES.join(', ')})`);
  }
  if (problems.length > before) return undefined;
  return { text, segments, extension: tail![1] === '{ext}' ? undefined : tail![1] };
}

/** The tree's directory for some dimension values, relative to the tileset (`2024`, `v2024/base`). */
export function treeDirectory(t: PathTemplate, values: Readonly<Record<string, string>>): string {
  return t.segments
    .map((seg) =>
      seg
        .map((p) => {
          if (typeof p === 'string') return p;
          const v = values[p.dim];
          if (v === undefined) throw new Error(`no value for dimension ${p.dim}`);
          return v;
        })
        .join(''),
    )
    .join('/');
}

/** A tile's path, relative to the tileset's directory: `2024/5/17/9.pbf`. */
export function tilePath(t: PathTemplate, values: Readonly<Record<string, string>>, z: number, x: number, y: number, extension = 'pbf'): string {
  const dir = treeDirectory(t, values);
  return `${dir ? dir + '/' : ''}${z}/${x}/${y}.${t.extension ?? extension}`;
}

/** Names the tileset's own directory holds beside the trees: a tree's first directory may not be one of them. */
export const RESERVED_ENTRIES = ['attr', 'metadata.json'];
