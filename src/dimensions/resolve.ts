// From a request to the tile trees it reads: each dimension's value resolved (the default when absent),
// checked against the dimension's type, and refused with the HTTP status a server answers. Pure: no
// I/O, no server; `serve` calls it with what the request carried (`?year=2024` or a path segment).
import { anchored, unsafeValue, type Dimension } from './dimension.js';
import { parseTime, valuesIn } from './time.js';

export interface DimensionRequest {
  dimension: Dimension;
  /** The value asked for, undefined (or empty) when the request does not name the dimension. */
  value?: string | null;
}

export type Resolution =
  | {
      ok: true;
      /**
       * The values whose tile trees make the answer: one, or for a time interval every built value
       * inside it, newest first (a server stacks those tiles, see stack.ts).
       */
      values: string[];
      /** The default was taken (the request did not give the dimension). */
      defaulted: boolean;
    }
  | {
      ok: false;
      /** 400: the value is refused (unsafe, or not of the dimension's type); 404: valid, but no tree holds it. */
      status: 400 | 404;
      message: string;
    };

/** Resolves one dimension of a request. */
export function resolveDimension({ dimension: d, value }: DimensionRequest): Resolution {
  const defaulted = value === undefined || value === null || value === '';
  const v = defaulted ? d.default : value;
  const refuse = (message: string): Resolution => ({ ok: false, status: 400, message: `dimension ${d.name}: ${message}` });
  // A time interval holds a "/" and is no path segment; everything else must be safe as a directory name.
  const why = d.type === 'time' ? unsafeValue(v.replace('/', '-')) : unsafeValue(v);
  if (why) return refuse(`${JSON.stringify(v)} is refused: ${why}`);
  switch (d.type) {
    case 'values':
      if (!d.values.includes(v)) return refuse(`${JSON.stringify(v)} is not one of ${d.values.join(', ')}`);
      return { ok: true, values: [v], defaulted };
    case 'regex': {
      if (!d.regex || !anchored(d.regex).test(v)) return refuse(`${JSON.stringify(v)} does not match ${d.regex}`);
      // Valid by its pattern; a tree exists only for the values built.
      if (!d.values.includes(v)) return { ok: false, status: 404, message: `dimension ${d.name}: no tiles for ${JSON.stringify(v)}` };
      return { ok: true, values: [v], defaulted };
    }
    case 'time': {
      const span = parseTime(v);
      if (!span) return refuse(`${JSON.stringify(v)} is not an ISO 8601 instant, period or start/end interval`);
      const values = valuesIn(d.values, span);
      if (!values.length) return { ok: false, status: 404, message: `dimension ${d.name}: no value in ${v}` };
      return { ok: true, values, defaulted };
    }
  }
}

export type DimensionsResolution =
  | { ok: true; combinations: Record<string, string>[] }
  | { ok: false; status: 400 | 404; message: string };

/**
 * Resolves every dimension of a tileset from a request's parameters (names compared without case, as
 * MapCache's WMS/WMTS parameters): the combinations of values whose tiles make the answer, in
 * priority order (the first dimension varies slowest; a time interval's newest value first). A
 * parameter naming no dimension is left to the caller.
 */
export function resolveDimensions(dimensions: readonly Dimension[], params: URLSearchParams | Record<string, string | undefined>): DimensionsResolution {
  const get = (name: string): string | undefined => {
    const lower = name.toLowerCase();
    const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
    const hits = entries.filter(([k]) => k.toLowerCase() === lower);
    // Two values for one dimension: which one the cache would use is not for us to guess.
    if (hits.length > 1) throw new TwoValues(name);
    return hits[0]?.[1] ?? undefined;
  };
  let combinations: Record<string, string>[] = [{}];
  for (const dimension of dimensions) {
    let value: string | undefined;
    try {
      value = get(dimension.name);
    } catch (e) {
      if (!(e instanceof TwoValues)) throw e;
      return { ok: false, status: 400, message: `dimension ${dimension.name} is given more than once` };
    }
    const r = resolveDimension({ dimension, value });
    if (!r.ok) return r;
    combinations = combinations.flatMap((c) => r.values.map((v) => ({ ...c, [dimension.name]: v })));
  }
  return { ok: true, combinations };
}

class TwoValues extends Error {}
