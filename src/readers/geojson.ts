// Streams features out of GeoJSON (FeatureCollection, Feature, bare geometry) and GeoJSONSeq files.
//
// A FeatureCollection is never parsed whole: a byte scanner finds where each member of `features`
// starts and ends, and JSON.parse reads one feature at a time. We measured stream-json's token
// stream at 14 MB/s against 78 MB/s for JSON.parse on the same 80 MB file; the scanner keeps
// JSON.parse's speed with memory bounded by the largest single feature.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import { SEQ_EXTENSIONS, SUPPORTED_INPUTS } from './input-format.js';

export interface SourceFeature {
  /** 0-based position in the file. */
  index: number;
  feature: GeoJSONFeatureLike;
}

/** A feature as found in the file: its JSON text (parsed later, possibly on another thread) or the object. */
export interface RawFeature {
  index: number;
  text?: string;
  feature?: GeoJSONFeatureLike;
  /** GeoPackage geometry blob, decoded on the worker. */
  wkb?: Uint8Array;
  /** The row could not be read (GeoPackage): skipped and counted. */
  error?: string;
  /** Where it is, for messages ("line 12", "ending at byte 4096"). */
  where?: string;
  /** 1-based line of the file it is on (GeoJSONSeq), for messages that must point into the file. */
  line?: number;
}

export interface GeoJSONFeatureLike {
  type?: unknown;
  id?: unknown;
  properties?: unknown;
  geometry?: unknown;
}

export interface GeoJSONSourceInfo {
  /**
   * CRS named by a (pre-RFC 7946) top-level `crs` member, e.g. `urn:ogc:def:crs:EPSG::3006`. Set as
   * soon as the member has been read, before any feature that follows it is yielded.
   */
  crs?: string;
  /** True when the `crs` member came after (some of) the features: they were yielded before it was known. */
  crsLate?: boolean;
  /** A `crs` member that names no CRS we can use (a link, an unknown type): why, for the message. */
  crsUnusable?: string;
}


/**
 * Reads features from a GeoJSON or GeoJSONSeq file as an async iterable. `info` is filled in as the
 * file is read: a `crs` member before `features` (where GDAL writes it) is known before the first
 * feature is yielded; one after them only at the end (`info.crsLate`).
 */
export async function* readGeoJSON(path: string, info: GeoJSONSourceInfo = {}): AsyncGenerator<SourceFeature> {
  for await (const raw of readGeoJSONRaw(path, info)) {
    if (raw.feature) {
      yield { index: raw.index, feature: raw.feature };
      continue;
    }
    try {
      yield { index: raw.index, feature: JSON.parse(raw.text!) as GeoJSONFeatureLike };
    } catch (e) {
      throw new InputError(`${raw.where ?? `feature #${raw.index}`}: invalid JSON: ${(e as Error).message}`, path);
    }
  }
}

/**
 * Like readGeoJSON, but leaves each feature's JSON text unparsed, so that parsing can happen on the
 * worker threads that tile the features.
 */
export async function* readGeoJSONRaw(path: string, info: GeoJSONSourceInfo = {}): AsyncGenerator<RawFeature> {
  // 1 MiB reads: a sixteenth of the system calls of the default 64 KiB, and a big feature is
  // gathered from fewer pieces.
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    const seq = SEQ_EXTENSIONS.has(extname(path).toLowerCase());
    yield* seq ? readSeq(stream, path) : readDocument(stream, path, info);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new InputError(err.code === 'ENOENT' ? 'no such file' : err.message, path);
  } finally {
    stream.destroy();
  }
}

/** Newline-delimited or RS-delimited (RFC 8142) features, one JSON text each. */
async function* readSeq(stream: AsyncIterable<Buffer>, path: string): AsyncGenerator<RawFeature> {
  let rest = '';
  let index = 0;
  let line = 0;
  const parse = function* (text: string): Generator<RawFeature> {
    line++;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the record separator of GeoJSON text sequences (RFC 8142)
    const t = text.replace(/^\x1e/, '').trim();
    if (!t) return;
    // A record is normally one Feature; anything else (a collection, a geometry) is unpacked here.
    if (/^\{\s*"type"\s*:\s*"Feature"\s*[,}]/.test(t) || !/^\{\s*"type"/.test(t)) {
      yield { index: index++, text: t, where: `line ${line}`, line };
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      throw new InputError(`line ${line}: invalid JSON: ${(e as Error).message}`, path);
    }
    for (const f of asFeatures(value, path, `line ${line}`)) yield { index: index++, feature: f, where: `line ${line}`, line };
  };
  for await (const chunk of stream) {
    const text = rest + chunk.toString('utf8');
    // Split at a string, not a pattern, unless the chunk holds a record separator: the pattern
    // with its look-ahead cost 7% of a lines build (60 MB/s) on the main thread.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the record separator of GeoJSON text sequences (RFC 8142)
    const parts = text.includes('\x1e') ? text.split(/\n|(?=\x1e)/) : text.split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield* parse(p);
  }
  yield* parse(rest);
}

/** Turns any GeoJSON object into features (a bare geometry becomes a feature without properties). */
function asFeatures(value: unknown, path: string, where: string): GeoJSONFeatureLike[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${where}: expected a GeoJSON object`, path);
  const v = value as { type?: unknown; features?: unknown };
  if (v.type === 'Feature') return [v as GeoJSONFeatureLike];
  if (v.type === 'FeatureCollection') {
    if (!Array.isArray(v.features)) throw new InputError(`${where}: FeatureCollection has no "features" array`, path);
    return v.features as GeoJSONFeatureLike[];
  }
  if (typeof v.type === 'string' && /^(Multi)?(Point|LineString|Polygon)$|^GeometryCollection$/.test(v.type)) {
    return [{ type: 'Feature', properties: null, geometry: v }];
  }
  throw new InputError(`${where}: not GeoJSON (type ${JSON.stringify(v.type)})`, path);
}

/** Whitespace JSON allows, and a UTF-8 byte-order mark at the very start. */
function isBlank(c: number, at: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || (at < 3 && c === [0xef, 0xbb, 0xbf][at]);
}

/** What to say about a byte outside the root object: content of another format, or a second record. */
function notOneDocument(chunk: Buffer, i: number, offset: number, sawRoot: boolean, path: string): InputError {
  if (sawRoot) {
    return new InputError(
      `not one GeoJSON document: more follows the root object at byte ${offset + i}; ` +
        `a file with one feature per line is GeoJSONSeq and needs one of the extensions ${[...SEQ_EXTENSIONS].join(', ')}`,
      path,
    );
  }
  const seen = chunk.subarray(i, i + 16).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return new InputError(`not GeoJSON: the file starts with ${JSON.stringify(seen)} at byte ${offset + i}, not a JSON object; mvt-build reads ${SUPPORTED_INPUTS}`, path);
}

/**
 * The 2008 GeoJSON `crs` member: a named CRS (`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3006"}}`,
 * as GDAL writes it) or the older `{"type":"EPSG","properties":{"code":3006}}`. `null` means "no CRS
 * given" (the default applies). Anything else (a `link` to a file) is recorded as unusable: the build
 * then stops unless --s-srs says what the coordinates are, rather than guess.
 */
function readCrsMember(crs: unknown, info: GeoJSONSourceInfo): void {
  info.crs = info.crsUnusable = undefined;
  if (crs === null || crs === undefined) return;
  const c = crs as { type?: unknown; properties?: { name?: unknown; code?: unknown } };
  if (c.type === 'name' && typeof c.properties?.name === 'string') info.crs = c.properties.name;
  else if (c.type === 'EPSG' && (typeof c.properties?.code === 'number' || typeof c.properties?.code === 'string')) info.crs = `EPSG:${c.properties.code}`;
  else info.crsUnusable = `its "crs" member ${JSON.stringify(crs).slice(0, 80)} names no CRS that can be used`;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d, COLON = 0x3a;

/**
 * Inside a feature (depth 3 or more, not in a string): moves past bytes that are neither a quote nor
 * a bracket, keeping count of depth, and stops at a quote, at the bracket that would close the
 * feature, or at the end of the chunk. Digits, commas, dots, signs, colons and spaces are all below
 * '[', so most bytes cost one comparison.
 */
function skipInFeature(chunk: Buffer, i: number, n: number, s: { depth: number }): number {
  let depth = s.depth;
  for (; i < n; i++) {
    const c = chunk[i];
    if (c < LBRACKET) {
      if (c === QUOTE) break;
      continue;
    }
    if (c === LBRACKET || c === LBRACE) depth++;
    else if (c === RBRACKET || c === RBRACE) {
      if (depth === 3) break;
      depth--;
    }
  }
  s.depth = depth;
  return i;
}

/**
 * One GeoJSON document. Top-level members other than `features` are kept as text (they are small);
 * each element of `features` is handed to JSON.parse as soon as its closing brace is seen.
 */
async function* readDocument(stream: AsyncIterable<Buffer>, path: string, info: GeoJSONSourceInfo): AsyncGenerator<RawFeature> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let offset = 0; // bytes before the current chunk
  let lastKey = ''; // most recent string at depth 1 (a member name once ':' follows)
  let stringStart = -1;
  let stringParts: Buffer[] = [];
  let inFeatures = false;
  let sawFeatures = false;
  let captureDepth = -1; // depth at which the captured value started
  let captureParts: Buffer[] = [];
  let captureStart = 0;
  let captureKey = '';
  let sawRoot = false;
  const members = new Map<string, string>();
  let index = 0;
  const scan = { depth: 0 };

  for await (const chunk of stream) {
    const n = chunk.length;
    if (stringStart >= 0) stringStart = 0;
    if (captureDepth >= 0) captureStart = 0;
    for (let i = 0; i < n; i++) {
      if (captureDepth === 2 && !inString) {
        // Inside a feature, the bulk of the file, a plain function skips ahead (V8 optimizes a
        // generator's own loop far less well: the scan went from 150 MB/s to 1.3 GB/s).
        scan.depth = depth;
        i = skipInFeature(chunk, i, n, scan);
        depth = scan.depth;
        if (i === n) break;
      }
      const c = chunk[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (stringStart >= 0) {
            stringParts.push(chunk.subarray(stringStart, i));
            lastKey = Buffer.concat(stringParts).toString('utf8');
            stringStart = -1;
            stringParts = [];
          }
        }
        continue;
      }
      // Outside the root object only blanks may stand: anything else is not one GeoJSON document.
      if (depth === 0 && c !== LBRACE && c !== LBRACKET && c !== RBRACE && c !== RBRACKET && !isBlank(c, offset + i)) throw notOneDocument(chunk, i, offset, sawRoot, path);
      if (c === QUOTE) {
        inString = true;
        if (depth === 1 && captureDepth < 0) {
          stringStart = i + 1;
          stringParts = [];
        }
        continue;
      }
      if (c === COLON && depth === 1 && captureDepth < 0) {
        // The value of member `lastKey` starts after this colon.
        if (lastKey === 'features') {
          inFeatures = sawFeatures = true;
        } else {
          captureDepth = 1;
          captureKey = lastKey;
          captureStart = i + 1;
          captureParts = [];
        }
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        if (depth === 0) {
          if (sawRoot) throw notOneDocument(chunk, i, offset, sawRoot, path);
          if (c !== LBRACE) throw new InputError('not GeoJSON: the document is not a JSON object', path);
          sawRoot = true;
        }
        depth++;
        if (inFeatures && depth === 3 && c === LBRACE && captureDepth < 0) {
          captureDepth = 2;
          captureStart = i;
          captureParts = [];
        }
        continue;
      }
      if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth < 0) throw new InputError(`invalid JSON: unbalanced '${String.fromCharCode(c)}' at byte ${offset + i}`, path);
        if (captureDepth === 2 && depth === 2) {
          captureParts.push(chunk.subarray(captureStart, i + 1));
          const text = captureParts.length === 1 ? captureParts[0].toString('utf8') : Buffer.concat(captureParts).toString('utf8');
          captureDepth = -1;
          captureParts = [];
          yield { index, text, where: `feature #${index} (ending at byte ${offset + i})` };
          index++;
        } else if (inFeatures && depth === 1) {
          inFeatures = false;
        } else if (captureDepth === 1 && depth === 0) {
          endMember(chunk.subarray(captureStart, i));
        }
        continue;
      }
      if (c === 0x2c /* , */ && depth === 1 && captureDepth === 1) endMember(chunk.subarray(captureStart, i));
    }
    if (captureDepth >= 0) captureParts.push(chunk.subarray(captureStart));
    if (stringStart >= 0) stringParts.push(chunk.subarray(stringStart));
    offset += n;
  }

  function member(k: string): unknown {
    const t = members.get(k);
    if (t === undefined) return undefined;
    try {
      return JSON.parse(t);
    } catch (e) {
      throw new InputError(`invalid JSON in member "${k}": ${(e as Error).message}`, path);
    }
  }

  function endMember(tail: Buffer): void {
    captureParts.push(tail);
    members.set(captureKey, Buffer.concat(captureParts).toString('utf8'));
    captureDepth = -1;
    captureParts = [];
    // The layer's CRS is fixed when its first batch of features is tiled, which may be before the
    // end of the file: tell it now.
    if (captureKey === 'crs') {
      readCrsMember(member('crs'), info);
      if (sawFeatures) info.crsLate = true;
    }
  }

  if (!sawRoot) throw new InputError(`not GeoJSON: the file is empty; mvt-build reads ${SUPPORTED_INPUTS}`, path);
  if (depth !== 0 || inString) throw new InputError(`invalid JSON: the file ends inside ${inString ? 'a string' : 'an object or array'} (truncated?)`, path);

  const type = member('type');
  if (type === 'FeatureCollection') {
    if (!sawFeatures) throw new InputError('FeatureCollection has no "features" array', path);
    return;
  }
  // Not a collection: rebuild the object from its members and read it whole.
  const obj: Record<string, unknown> = {};
  for (const k of members.keys()) obj[k] = member(k);
  for (const f of asFeatures(obj, path, 'document')) yield { index: index++, feature: f };
}
