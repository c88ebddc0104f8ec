// ISO 8601 time for `time` dimensions: instants at any precision (a year, a day, a second), read as the
// period they name, and `start/end` intervals. Values are stored and compared as UTC instants in one
// canonical form, `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 restricted to UTC, as MapCache's time dimension).

/** What a time text names: the instants from `start` (inclusive) to `end` (exclusive), in ms since 1970 UTC. */
export interface TimeSpan {
  start: number;
  end: number;
  /** Written as `start/end`. */
  interval: boolean;
  /** An instant given to the second (or finer): it names one value, not a period. */
  exact: boolean;
}

// YYYY[-MM[-DD[THH[:MM[:SS[.s+]]]]]], a zone only after a time: Z or ±HH[:MM].
const INSTANT = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

/** One instant or period, or undefined when the text is not ISO 8601 as we read it. */
function parsePeriod(text: string): { start: number; end: number; exact: boolean } | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y), month = mo ? Number(mo) : 1, day = d ? Number(d) : 1;
  const hour = h ? Number(h) : 0, minute = mi ? Number(mi) : 0, second = s ? Number(s) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  // A time without a zone is taken as UTC: the dimension's values are UTC, and so is what a client asks.
  let offset = 0;
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2) || 0);
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60000;
  }
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  const start = utc(year, month - 1, day, hour, minute, second, ms) - offset;
  // The period the precision names: a year, a month, …, a second.
  const end = s !== undefined ? start + (frac ? 1 : 1000)
    : mi !== undefined ? start + 60000
    : h !== undefined ? start + 3600000
    : d !== undefined ? start + 86400000
    : mo !== undefined ? utc(year, month, 1) - offset
    : utc(year + 1, 0, 1);
  return { start, end, exact: s !== undefined };
}

function daysIn(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

/** Date.UTC, without its reading of years 0–99 as 1900–1999. */
function utc(year: number, month0: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month0, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/**
 * Reads an instant (at any precision: `2024` is the year 2024, `2024-03-05T10:00:00Z` one second) or
 * an interval `start/end`, both ends included, each end the whole period it names (`2020/2022` runs to
 * the end of 2022). Undefined for anything else, or an interval that ends before it starts.
 */
export function parseTime(text: string): TimeSpan | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) {
    const p = parsePeriod(t);
    return p && { ...p, interval: false };
  }
  const a = parsePeriod(t.slice(0, slash)), b = parsePeriod(t.slice(slash + 1));
  if (!a || !b || b.end <= a.start) return undefined;
  return { start: a.start, end: b.end, interval: true, exact: false };
}

/** The canonical form of an instant: `YYYY-MM-DDTHH:MM:SSZ`, with milliseconds only when there are some. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return iso.endsWith('.000Z') ? iso.slice(0, 19) + 'Z' : iso;
}

/** The canonical instant of a source value (a DATETIME or DATE cell), or undefined if it is none. */
export function instantOf(text: string): string | undefined {
  const p = parsePeriod(text.trim().replace(' ', 'T'));
  return p && formatInstant(p.start);
}

/** The values (canonical instants) inside a span, newest first. */
export function valuesIn(values: readonly string[], span: TimeSpan): string[] {
  const inside = values.filter((v) => {
    const t = Date.parse(v);
    return t >= span.start && t < span.end;
  });
  return inside.sort((a, b) => Date.parse(b) - Date.parse(a));
}
