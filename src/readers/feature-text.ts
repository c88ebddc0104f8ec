// One feature's JSON text → a feature object whose coordinate lists are Float64Arrays.
//
// JSON.parse turns every position into its own little array: 8 million of them for the 10m
// countries, which cost more in garbage collection than in parsing. Here the `coordinates` of a
// geometry are read digit by digit straight into packed x, y pairs (PositionList); every other
// member still goes through JSON.parse. Anything unexpected (escaped keys, odd nesting, a bad
// number) makes the whole feature fall back to JSON.parse, so errors and edge cases behave exactly
// as before: this is only a fast path.
import type { Float64Arena } from '../geometry/arena.js';
import { PositionList } from '../model/positions.js';

/**
 * Parses a feature; throws SyntaxError for invalid JSON, like JSON.parse. With an arena, position
 * lists are views into it, valid until its next reset().
 */
export function parseFeatureText(text: string, arena?: Float64Arena): unknown {
  src = text;
  pos = 0;
  store = arena;
  try {
    const v = topObject();
    if (v !== FAIL) return v;
  } finally {
    src = '';
    store = undefined;
    if (scratch.length > 1 << 20) scratch = new Float64Array(1 << 12); // one huge ring: give it back
  }
  return JSON.parse(text);
}

const FAIL = Symbol('fail');
type Fail = typeof FAIL;

// Parser state: parsing is synchronous and not re-entrant.
let src = '';
let pos = 0;
let scratch = new Float64Array(1 << 12);
let store: Float64Arena | undefined;

const QUOTE = 34, COMMA = 44, MINUS = 45, DOT = 46, COLON = 58, OPEN_ARRAY = 91, BACKSLASH = 92, CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123, CLOSE_OBJECT = 125;
/** 10^0 … 10^22: every one exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

function ws(): number {
  let c = src.charCodeAt(pos);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = src.charCodeAt(++pos);
  return c;
}

/** The feature object: geometry read here, every other member by JSON.parse. */
function topObject(): object | Fail {
  if (ws() !== OPEN_OBJECT) return FAIL;
  const out = members((key) => (key === 'geometry' ? geometry() : plainValue()));
  if (out === FAIL) return FAIL;
  ws();
  return pos === src.length ? out : FAIL;
}

/** Reads an object's members, each value by `member(key)`. Positioned on the `{`; ends after the `}`. */
function members(member: (key: string) => unknown): Record<string, unknown> | Fail {
  const obj: Record<string, unknown> = {};
  pos++;
  if (ws() === CLOSE_OBJECT) {
    pos++;
    return obj;
  }
  for (;;) {
    const key = plainString();
    if (key === FAIL || key === '__proto__' || ws() !== COLON) return FAIL;
    pos++;
    ws();
    const v = member(key);
    if (v === FAIL) return FAIL;
    obj[key] = v;
    const c = ws();
    pos++;
    if (c === CLOSE_OBJECT) return obj;
    if (c !== COMMA) return FAIL;
    ws();
  }
}

/** A string without escapes (keys and geometry types); FAIL for anything else. */
function plainString(): string | Fail {
  if (src.charCodeAt(pos) !== QUOTE) return FAIL;
  const end = src.indexOf('"', pos + 1);
  if (end < 0) return FAIL;
  const s = src.slice(pos + 1, end);
  if (s.includes('\\')) return FAIL;
  pos = end + 1;
  return s;
}

/** Any value, through JSON.parse of its text. */
function plainValue(): unknown {
  const start = pos;
  if (!skipValue()) return FAIL;
  try {
    return JSON.parse(src.slice(start, pos)) as unknown;
  } catch {
    return FAIL;
  }
}

/** Moves past one value without reading it (JSON.parse of the slice checks it). */
function skipValue(): boolean {
  let c = src.charCodeAt(pos);
  if (c !== OPEN_OBJECT && c !== OPEN_ARRAY && c !== QUOTE) {
    // A number, true, false or null: up to the next delimiter.
    while (pos < src.length && c !== COMMA && c !== CLOSE_OBJECT && c !== CLOSE_ARRAY && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
      c = src.charCodeAt(++pos);
    }
    return true;
  }
  let depth = 0;
  do {
    c = src.charCodeAt(pos);
    if (c === QUOTE) {
      let end = src.indexOf('"', pos + 1);
      while (end > 0 && isEscaped(end)) end = src.indexOf('"', end + 1);
      if (end < 0) return false;
      pos = end + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
    pos++;
  } while (depth > 0 && pos < src.length);
  return depth === 0;
}

/** True when the quote at i is preceded by an odd number of backslashes. */
function isEscaped(i: number): boolean {
  let n = 0;
  while (src.charCodeAt(i - 1 - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

/** A geometry object (or null); `coordinates` packed, `geometries` recursed, the rest JSON.parse'd. */
function geometry(): unknown {
  const c = src.charCodeAt(pos);
  if (c !== OPEN_OBJECT) return plainValue(); // null, or a non-object that conversion will reject
  return members((key) => {
    if (key === 'coordinates') return src.charCodeAt(pos) === OPEN_ARRAY ? coordinates() : plainValue();
    if (key === 'geometries') {
      if (src.charCodeAt(pos) !== OPEN_ARRAY) return plainValue();
      const list: unknown[] = [];
      pos++;
      if (ws() === CLOSE_ARRAY) return pos++, list;
      for (;;) {
        const g = geometry();
        if (g === FAIL) return FAIL;
        list.push(g);
        const d = ws();
        pos++;
        if (d === CLOSE_ARRAY) return list;
        if (d !== COMMA) return FAIL;
        ws();
      }
    }
    return plainValue();
  });
}

/**
 * A coordinates array, positioned on its `[`: a lone position, a list of positions (packed), or an
 * array of such arrays (a plain array, recursively).
 */
function coordinates(): unknown {
  pos++;
  let c = ws();
  if (c === CLOSE_ARRAY) {
    pos++;
    return [];
  }
  if (c === MINUS || (c >= 48 && c <= 57)) {
    // A lone position: back up to its '[' and read it as a list of one.
    pos = src.lastIndexOf('[', pos);
    const n = position(0);
    return n === FAIL ? FAIL : new PositionList(packed(2), true);
  }
  if (c !== OPEN_ARRAY) return FAIL;
  // Look inside the first element: numbers mean this is a list of positions.
  const save = pos;
  pos++;
  c = ws();
  pos = save;
  if (c === MINUS || (c >= 48 && c <= 57)) return positionList();
  const list: unknown[] = [];
  for (;;) {
    if (ws() !== OPEN_ARRAY) return FAIL;
    const v = coordinates();
    if (v === FAIL) return FAIL;
    list.push(v);
    c = ws();
    pos++;
    if (c === CLOSE_ARRAY) return list;
    if (c !== COMMA) return FAIL;
  }
}

/** Positions from the first `[` of the first position to past the list's `]`. */
function positionList(): PositionList | Fail {
  let n = 0;
  for (;;) {
    if (ws() !== OPEN_ARRAY) return FAIL;
    if (n + 2 > scratch.length) {
      const bigger = new Float64Array(scratch.length * 2);
      bigger.set(scratch);
      scratch = bigger;
    }
    if (position(n) === FAIL) return FAIL;
    n += 2;
    const c = ws();
    pos++;
    if (c === CLOSE_ARRAY) break;
    if (c !== COMMA) return FAIL;
  }
  return new PositionList(packed(n), false);
}

/** The first n floats of scratch, in the arena or a new array. */
function packed(n: number): Float64Array {
  if (!store) return scratch.slice(0, n);
  const xy = store.alloc(n);
  for (let i = 0; i < n; i++) xy[i] = scratch[i]; // (scratch.subarray would allocate a view)
  return xy;
}

/** `[x, y, …]` at pos into scratch[n], scratch[n + 1]; further ordinates are checked and dropped. */
function position(n: number): undefined | Fail {
  pos++;
  ws();
  if (!number(scratch, n)) return FAIL;
  if (ws() !== COMMA) return FAIL;
  pos++;
  ws();
  if (!number(scratch, n + 1)) return FAIL;
  let c = ws();
  while (c === COMMA) {
    pos++;
    ws();
    if (!number(extra, 0)) return FAIL;
    c = ws();
  }
  if (c !== CLOSE_ARRAY) return FAIL;
  pos++;
}

/** Where ordinates past the second are read to (and dropped). */
const extra = new Float64Array(1);

/**
 * Reads the JSON number at pos into out[at]; false when the text is not one. Up to 15 significant
 * digits with a decimal exponent within ±22, mantissa and power of ten are both exact doubles, so
 * one division or multiplication rounds correctly and gives JSON.parse's value (Clinger's fast
 * path); longer numbers go to Number(). The value is stored rather than returned: a double returned
 * from a call that is not inlined is boxed, 16 million times for the countries.
 */
function number(out: Float64Array, at: number): boolean {
  const start = pos;
  let c = src.charCodeAt(pos);
  const negative = c === MINUS;
  if (negative) c = src.charCodeAt(++pos);
  let m = 0, digits = 0, exp = 0;
  if (c === 48) c = src.charCodeAt(++pos);
  else if (c >= 49 && c <= 57) {
    do {
      m = m * 10 + (c - 48);
      digits++;
      c = src.charCodeAt(++pos);
    } while (c >= 48 && c <= 57);
  } else return false;
  if (c === DOT) {
    c = src.charCodeAt(++pos);
    if (!(c >= 48 && c <= 57)) return false;
    do {
      m = m * 10 + (c - 48);
      digits++;
      exp--;
      c = src.charCodeAt(++pos);
    } while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = src.charCodeAt(++pos);
    let sign = 1;
    if (c === 43 || c === MINUS) {
      if (c === MINUS) sign = -1;
      c = src.charCodeAt(++pos);
    }
    if (!(c >= 48 && c <= 57)) return false;
    let e = 0;
    do {
      if (e < 1e6) e = e * 10 + (c - 48);
      c = src.charCodeAt(++pos);
    } while (c >= 48 && c <= 57);
    exp += sign * e;
  }
  if (digits > 15 || exp < -22 || exp > 22) {
    const v = Number(src.slice(start, pos));
    if (!Number.isFinite(v)) return false; // 1e400: the plain path reports it as a bad coordinate
    out[at] = v;
    return true;
  }
  const v = exp < 0 ? m / POW10[-exp] : m * POW10[exp];
  out[at] = negative ? -v : v;
  return true;
}
