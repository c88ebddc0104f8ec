// Checks one vector tile against the MVT 2.1 specification and OGC polygon validity, walking the
// protobuf itself: @mapbox/vector-tile is made to read what it can (it skips wire types it does not
// expect, reads missing version and extent as defaults, ignores tag indices that point nowhere, and
// decodes any command sequence), so it cannot tell what is wrong. See rules.ts for every rule.
import { RingSet, shoelace2 } from '../geometry/ring-set.js';
import { inflateTile } from '../tileset/tile-data.js';
import { BYTES, FIXED32, FIXED64, readPacked, readString, VARINT, walkMessage, WIRE_NAMES, type WireField } from './protobuf.js';
import { EXACT_LIMIT, polygonProblem } from '../geometry/polygon-validity.js';
import { finding, type Finding, type RuleId } from './rules.js';

export interface TileCheck {
  findings: Finding[];
  layers: number;
  /** The layers' names, in tile order (undefined for a layer without one). */
  layerNames: string[];
  features: number;
  /** Polygon features whose OGC validity was judged. */
  polygons: number;
  /** How the stored bytes were compressed. */
  compression: 'gzip' | 'zlib' | 'none' | 'broken';
}

export interface ValidateTileOptions {
  /** How findings name the tile: `z/x/y` or a file name. */
  tile?: string;
}

const MOVE_TO = 1, LINE_TO = 2, CLOSE_PATH = 7;
const COMMANDS: Record<number, string> = { 1: 'MoveTo', 2: 'LineTo', 7: 'ClosePath' };
const commandName = (id: number) => COMMANDS[id] ?? `command ${id}`;
const TYPES = ['UNKNOWN', 'POINT', 'LINESTRING', 'POLYGON'];
const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;

/** Checks one tile (raw, gzip or zlib bytes). */
export function validateTile(bytes: Uint8Array, options: ValidateTileOptions = {}): TileCheck {
  const check: TileCheck = { findings: [], layers: 0, layerNames: [], features: 0, polygons: 0, compression: 'none' };
  const tile = options.tile;
  let buf: Uint8Array;
  try {
    const t = inflateTile(bytes);
    buf = t.data;
    check.compression = t.compression;
  } catch (e) {
    check.compression = 'broken';
    check.findings.push(finding('tile-decompress', `the tile does not inflate: ${(e as Error).message}`, { tile }));
    return check;
  }
  const layers: { start: number; end: number }[] = [];
  let unknown = 0, unknownNum = 0;
  const broken = walkMessage(buf, 0, buf.length, (f) => {
    if (f.num === 3) {
      if (f.wire === BYTES) layers.push({ start: f.start, end: f.end });
      else check.findings.push(finding('wire-type', `tile field 3 (layers) has wire type ${WIRE_NAMES[f.wire]}, not length-delimited`, { tile }));
    } else if (unknown++ === 0) unknownNum = f.num;
  });
  if (broken) check.findings.push(finding('protobuf', `the tile's protobuf is broken at byte ${broken.offset}: ${broken.reason}`, { tile }));
  if (unknown) check.findings.push(finding('unknown-field', `the tile has ${unknown} field${unknown > 1 ? 's' : ''} the schema does not define (field ${unknownNum}${unknown > 1 ? ', …' : ''})`, { tile, count: unknown }));
  if (!layers.length && !broken) check.findings.push(finding('tile-empty', 'the tile has no layers (a tile SHOULD hold at least one)', { tile }));
  const names = new Map<string, number>();
  layers.forEach((l, i) => checkLayer(buf, l.start, l.end, i, tile, names, check));
  check.layers = layers.length;
  return check;
}

interface LayerHeader {
  version?: number;
  name?: string;
  extent: number;
}

function checkLayer(buf: Uint8Array, start: number, end: number, layerIndex: number, tile: string | undefined, names: Map<string, number>, check: TileCheck): void {
  const out = check.findings;
  const head: LayerHeader = { extent: 4096 };
  const seen = new Map<number, number>();
  const features: { start: number; end: number }[] = [];
  const keys: string[] = [];
  let values = 0;
  const keyIndex = new Map<string, number>(), valueIndex = new Map<string, number>();
  let duplicateKeys = 0, duplicateValues = 0, firstDuplicateKey = '';
  let unknown = 0, unknownNum = 0;
  const layerFindings: Finding[] = [];
  const where = () => ({ tile, layer: head.name, layerIndex });
  const report = (rule: RuleId, message: string, extra: Partial<Finding> = {}) => layerFindings.push(finding(rule, message, { ...where(), ...extra }));
  const wrong = new Set<number>(); // fields met with a wrong wire type
  const wrongWire = (f: WireField, what: string, expected: number) => {
    wrong.add(f.num);
    report('wire-type', `layer field ${f.num} (${what}) has wire type ${WIRE_NAMES[f.wire]}, not ${WIRE_NAMES[expected]}`);
  };
  const once = (f: WireField, what: string) => {
    const n = (seen.get(f.num) ?? 0) + 1;
    seen.set(f.num, n);
    if (n === 2) report('field-repeated', `the layer gives its ${what} more than once (the last one is read)`);
  };

  const broken = walkMessage(buf, start, end, (f) => {
    switch (f.num) {
      case 15:
        if (f.wire !== VARINT) return wrongWire(f, 'version', VARINT);
        once(f, 'version');
        head.version = f.value;
        return;
      case 1: {
        if (f.wire !== BYTES) return wrongWire(f, 'name', BYTES);
        once(f, 'name');
        const s = readString(buf, f.start, f.end);
        head.name = s.text;
        if (!s.valid) report('string-utf8', `the layer name is not UTF-8`);
        return;
      }
      case 2:
        if (f.wire !== BYTES) return wrongWire(f, 'features', BYTES);
        features.push({ start: f.start, end: f.end });
        return;
      case 3: {
        if (f.wire !== BYTES) return wrongWire(f, 'keys', BYTES);
        const s = readString(buf, f.start, f.end);
        if (!s.valid) report('string-utf8', `key ${keys.length} is not UTF-8`);
        if (keyIndex.has(s.text)) {
          if (duplicateKeys++ === 0) firstDuplicateKey = s.text;
        } else keyIndex.set(s.text, keys.length);
        keys.push(s.text);
        return;
      }
      case 4: {
        if (f.wire !== BYTES) return wrongWire(f, 'values', BYTES);
        const identity = checkValue(buf, f.start, f.end, values, report);
        if (identity !== undefined) {
          if (valueIndex.has(identity)) duplicateValues++;
          else valueIndex.set(identity, values);
        }
        values++;
        return;
      }
      case 5:
        if (f.wire !== VARINT) return wrongWire(f, 'extent', VARINT);
        once(f, 'extent');
        head.extent = f.value;
        return;
      default:
        if (unknown++ === 0) unknownNum = f.num;
    }
  });
  if (broken) report('protobuf', `the layer's protobuf is broken at byte ${broken.offset}: ${broken.reason}`);
  if (head.version === undefined) {
    if (!wrong.has(15)) report('layer-version', 'the layer has no version field (a layer MUST give its version, 2 for MVT 2.x)');
  } else if (head.version !== 1 && head.version !== 2) {
    report('layer-version', `layer version ${head.version}: only 1 and 2 are defined`);
  }
  if (head.name === undefined) {
    if (!wrong.has(1)) report('layer-name', 'the layer has no name field');
  } else {
    check.layerNames.push(head.name);
    const other = names.get(head.name);
    if (other !== undefined) report('layer-name-duplicate', `layer ${layerIndex} has the same name as layer ${other}`);
    else names.set(head.name, layerIndex);
  }
  if (seen.has(5) && (head.extent === 0 || head.extent > INT32_MAX)) report('layer-extent', `layer extent ${head.extent}`);
  if (unknown) report('unknown-field', `the layer has ${unknown} field${unknown > 1 ? 's' : ''} the schema does not define (field ${unknownNum}${unknown > 1 ? ', …' : ''})`, { count: unknown });
  if (duplicateKeys) report('key-duplicate', `${duplicateKeys} key${duplicateKeys > 1 ? 's' : ''} of the key table repeat an earlier one (first "${firstDuplicateKey}")`, { count: duplicateKeys });
  if (duplicateValues) report('value-duplicate', `${duplicateValues} value${duplicateValues > 1 ? 's' : ''} of the value table repeat an earlier one`, { count: duplicateValues });
  if (!features.length && !broken) report('layer-empty', 'the layer has no features (a layer SHOULD hold at least one)');
  out.push(...layerFindings);

  const ids = new Map<number, number>();
  let duplicateIds = 0, firstDuplicateId = 0;
  for (let i = 0; i < features.length; i++) {
    const id = checkFeature(buf, features[i].start, features[i].end, { tile, layer: head.name, layerIndex, feature: i }, keys.length, values, check);
    if (id === undefined) continue;
    if (ids.has(id)) {
      if (duplicateIds++ === 0) firstDuplicateId = id;
    } else ids.set(id, i);
  }
  if (duplicateIds) {
    out.push(finding('id-duplicate', `${duplicateIds} feature${duplicateIds > 1 ? 's' : ''} repeat the id of an earlier feature of the layer (first id ${firstDuplicateId}, features ${ids.get(firstDuplicateId)} and later)`, { ...where(), count: duplicateIds, id: firstDuplicateId }));
  }
  check.features += features.length;
}

const VALUE_FIELDS: Record<number, { name: string; wire: number }> = {
  1: { name: 'string_value', wire: BYTES },
  2: { name: 'float_value', wire: FIXED32 },
  3: { name: 'double_value', wire: FIXED64 },
  4: { name: 'int_value', wire: VARINT },
  5: { name: 'uint_value', wire: VARINT },
  6: { name: 'sint_value', wire: VARINT },
  7: { name: 'bool_value', wire: VARINT },
};

/** Checks one Value message; returns its bytes as a string (its identity for duplicates), or undefined when broken. */
function checkValue(buf: Uint8Array, start: number, end: number, index: number, report: (rule: RuleId, message: string) => void): string | undefined {
  let known = 0, bad = false;
  const broken = walkMessage(buf, start, end, (f) => {
    const field = VALUE_FIELDS[f.num];
    if (!field) {
      bad = true;
      return report('value-type', `value ${index} has field ${f.num}, which the spec does not define`);
    }
    if (f.wire !== field.wire) {
      bad = true;
      return report('wire-type', `value ${index}: ${field.name} has wire type ${WIRE_NAMES[f.wire]}, not ${WIRE_NAMES[field.wire]}`);
    }
    known++;
    if (f.num === 1 && !readString(buf, f.start, f.end).valid) report('string-utf8', `value ${index} is a string that is not UTF-8`);
  });
  if (broken) {
    report('protobuf', `value ${index}: the protobuf is broken at byte ${broken.offset}: ${broken.reason}`);
    return undefined;
  }
  if (!bad && known !== 1) report('value-type', `value ${index} has ${known === 0 ? 'none' : known} of the value fields (a value MUST have exactly one)`);
  return bad || known !== 1 ? undefined : Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

interface FeatureWhere {
  tile?: string;
  layer?: string;
  layerIndex: number;
  feature: number;
}

/** Checks one feature; returns its id. */
function checkFeature(buf: Uint8Array, start: number, end: number, where: FeatureWhere, keyCount: number, valueCount: number, check: TileCheck): number | undefined {
  let id: number | undefined, type: number | undefined;
  let tags: number[] = [];
  const geometries: { start: number; end: number }[] = [];
  const seen = new Map<number, number>();
  let unknown = 0, unknownNum = 0;
  // One finding per rule and feature, counting the rest.
  const found = new Map<RuleId, Finding>();
  const report = (rule: RuleId, message: string, at?: [number, number]) => {
    const f = found.get(rule);
    if (f) f.count = (f.count ?? 1) + 1;
    else found.set(rule, finding(rule, message, { ...where, at }));
  };
  const once = (f: WireField, what: string) => {
    const n = (seen.get(f.num) ?? 0) + 1;
    seen.set(f.num, n);
    if (n === 2) report('field-repeated', `the feature gives its ${what} more than once (the last one is read)`);
  };
  const wrongWire = (f: WireField, what: string, expected: number) =>
    report('wire-type', `feature field ${f.num} (${what}) has wire type ${WIRE_NAMES[f.wire]}, not ${WIRE_NAMES[expected]}`);

  const broken = walkMessage(buf, start, end, (f) => {
    switch (f.num) {
      case 1:
        if (f.wire !== VARINT) return wrongWire(f, 'id', VARINT);
        once(f, 'id');
        id = f.value;
        return;
      case 2: {
        if (f.wire !== BYTES) return wrongWire(f, 'tags', BYTES);
        const t = readPacked(buf, f.start, f.end);
        if (typeof t === 'string') return report('protobuf', `the tags do not parse: ${t}`);
        tags = tags.length ? tags.concat(t) : t;
        return;
      }
      case 3:
        if (f.wire !== VARINT) return wrongWire(f, 'type', VARINT);
        once(f, 'type');
        type = f.value;
        return;
      case 4:
        if (f.wire !== BYTES) return wrongWire(f, 'geometry', BYTES);
        geometries.push({ start: f.start, end: f.end });
        return;
      default:
        if (unknown++ === 0) unknownNum = f.num;
    }
  });
  if (broken) report('protobuf', `the feature's protobuf is broken at byte ${broken.offset}: ${broken.reason}`);
  if (unknown) report('unknown-field', `the feature has ${unknown} field${unknown > 1 ? 's' : ''} the schema does not define (field ${unknownNum}${unknown > 1 ? ', …' : ''})`);

  // Tags: pairs of key and value indices into the layer's tables.
  if (tags.length % 2) report('tags-odd', `the feature has ${tags.length} tag integers: an odd number (the last key has no value)`);
  const keysUsed = new Set<number>();
  for (let i = 0; i + 1 < tags.length; i += 2) {
    const k = tags[i], v = tags[i + 1];
    if (k >= keyCount) report('tag-index', `tag ${i / 2} points to key ${k}, past the ${keyCount} keys of the layer`);
    if (v >= valueCount) report('tag-index', `tag ${i / 2} points to value ${v}, past the ${valueCount} values of the layer`);
    if (keysUsed.has(k)) report('tag-key-repeated', `key ${k} is used twice in the feature's tags`);
    keysUsed.add(k);
  }

  // Type and geometry.
  if (type === undefined) report('geometry-type-missing', 'the feature has no type field: read as UNKNOWN, its geometry not checked');
  else if (type === 0) report('geometry-unknown', 'the feature has the UNKNOWN geometry type: readers may ignore it; its geometry is not checked');
  else if (type > 3) report('geometry-type', `geometry type ${type} is not in the GeomType enum (0–3); the geometry is not checked`);
  if (!geometries.length) report('geometry-missing', 'the feature has no geometry field');
  else if (geometries.length > 1) report('geometry-repeated', `the feature has ${geometries.length} geometry fields (a feature has one); the geometry is not checked`);
  else if (geometries[0].end === geometries[0].start) report('geometry-missing', 'the feature\'s geometry field is empty');
  else if (type !== undefined && type >= 1 && type <= 3) {
    const cmds = readPacked(buf, geometries[0].start, geometries[0].end);
    if (typeof cmds === 'string') report('protobuf', `the geometry does not parse: ${cmds}`);
    else {
      const rings = checkCommands(cmds, type, report);
      if (rings) {
        check.polygons++;
        checkRings(rings, report);
      }
    }
  }
  for (const f of found.values()) if (id !== undefined) f.id = id;
  check.findings.push(...found.values());
  return id;
}

type Report = (rule: RuleId, message: string, at?: [number, number]) => void;

/**
 * Follows the command sequence of a POINT, LINESTRING or POLYGON geometry (4.3.4). Returns a
 * polygon's rings (absolute coordinates, no closing point), or undefined for other types and when
 * a fatal problem stopped the reading.
 */
function checkCommands(cmds: number[], type: number, report: Report): number[][] | undefined {
  const n = cmds.length;
  let i = 0, x = 0, y = 0;
  let stopped = false;
  const typeName = TYPES[type];
  const stop = (rule: RuleId, message: string) => {
    report(rule, message, [x, y]);
    stopped = true;
    return undefined;
  };
  /** The next command integer as [id, count], or undefined (reported) when it cannot be one. */
  const command = (): [number, number] | undefined => {
    const c = cmds[i++];
    if (c > UINT32_MAX) return stop('geometry-parameters', `integer ${i - 1} of the geometry (${c}) is over 32 bits`);
    const id = c % 8, count = Math.floor(c / 8);
    if (!COMMANDS[id]) return stop('geometry-command', `unknown command id ${id} (integer ${i - 1} of the geometry)`);
    return [id, count];
  };
  /** Reads one (dX, dY) pair and moves the cursor; false (reported) when the geometry ends first. */
  const pair = (what: string, k: number, count: number): boolean => {
    if (i + 1 >= n) {
      stop('geometry-parameters', `the geometry ends inside the parameters of ${what} with command count ${count} (point ${k + 1} of ${count} incomplete)`);
      return false;
    }
    const p = cmds[i++], q = cmds[i++];
    if (p > UINT32_MAX || q > UINT32_MAX) {
      stop('geometry-parameters', `a parameter of ${what} is over 32 bits`);
      return false;
    }
    x += zigzag(p);
    y += zigzag(q);
    if (x < INT32_MIN || x > INT32_MAX || y < INT32_MIN || y > INT32_MAX) report('coordinate-range', `the cursor moves to (${x}, ${y}), outside the 32-bit range`, [x, y]);
    return true;
  };
  /** The LineTo run after a MoveTo (one command, or several in a row: warned); pushes onto `ring`. */
  const lineTos = (count: number, ring: number[] | undefined): boolean => {
    for (;;) {
      if (count === 0) {
        stop('geometry-command', 'LineTo with command count 0');
        return false;
      }
      for (let k = 0; k < count; k++) {
        const px = x, py = y;
        if (!pair('LineTo', k, count)) return false;
        if (x === px && y === py) report('zero-length', `LineTo (0, 0): a zero-length segment at (${x}, ${y})`, [x, y]);
        ring?.push(x, y);
      }
      if (i >= n || cmds[i] % 8 !== LINE_TO || cmds[i] > UINT32_MAX) return true;
      report('lineto-split', 'LineTo commands follow one another (one LineTo with their count is expected)', [x, y]);
      count = Math.floor(cmds[i++] / 8);
    }
  };

  if (type === 1) {
    const c = command();
    if (!c) return undefined;
    if (c[0] !== MOVE_TO) return stop('geometry-command', `a POINT geometry starts with ${commandName(c[0])}, not MoveTo`);
    if (c[1] === 0) return stop('geometry-command', 'MoveTo with command count 0 in a POINT geometry');
    for (let k = 0; k < c[1]; k++) if (!pair('MoveTo', k, c[1])) return undefined;
    if (i < n) {
      const after = cmds[i] % 8;
      return stop('geometry-command', `a POINT geometry is one MoveTo command, but ${COMMANDS[after] ? commandName(after) : `command id ${after}`} follows it`);
    }
    return undefined;
  }

  const rings: number[][] = [];
  while (i < n && !stopped) {
    const c = command();
    if (!c) return undefined;
    const [id, count] = c;
    if (id !== MOVE_TO) {
      if (type === 2 && id === CLOSE_PATH) return stop('geometry-command', 'ClosePath in a LINESTRING geometry (only polygons close rings)');
      return stop('geometry-command', `${commandName(id)} where a ${type === 2 ? 'line' : 'ring'} must start with MoveTo${rings.length || type === 2 ? '' : ' (the geometry starts with it)'}`);
    }
    if (count !== 1) return stop('geometry-command', `MoveTo with command count ${count} in a ${typeName} geometry (must be 1)`);
    if (!pair('MoveTo', 0, 1)) return undefined;
    const ring = [x, y];
    if (i >= n) return stop(type === 3 ? 'ring-closure' : 'geometry-command', `the geometry ends after a MoveTo: the ${type === 3 ? 'ring' : 'line'} has no LineTo`);
    const l = command();
    if (!l) return undefined;
    if (l[0] !== LINE_TO) return stop('geometry-command', `${commandName(l[0])} right after MoveTo: a ${type === 3 ? 'ring' : 'line'} needs LineTo`);
    if (!lineTos(l[1], type === 3 ? ring : undefined)) return undefined;
    if (type === 2) continue;
    if (i >= n) return stop('ring-closure', `ring ${rings.length} is not closed: the geometry ends without ClosePath`);
    const close = command();
    if (!close) return undefined;
    if (close[0] !== CLOSE_PATH) return stop('ring-closure', `ring ${rings.length} is not closed: ${commandName(close[0])} comes where ClosePath belongs`);
    if (close[1] !== 1) return stop('geometry-command', `ClosePath with command count ${close[1]} (must be 1)`);
    rings.push(ring);
  }
  return type === 3 && !stopped ? rings : undefined;
}

const zigzag = (p: number) => (p % 2 === 0 ? p / 2 : -(p + 1) / 2);

const rings = new RingSet();

/** Ring rules (closing point, size, area, order) and then OGC validity, on a polygon's rings. */
function checkRings(raw: number[][], report: Report): void {
  let sound = true, large = false;
  const kept: { xy: number[]; index: number; area2: number }[] = [];
  raw.forEach((r, index) => {
    const at: [number, number] = [r[0], r[1]];
    const len = r.length;
    if (len >= 4 && r[len - 2] === r[0] && r[len - 1] === r[1]) report('ring-closing-point', `ring ${index} repeats its first point (${r[0]}, ${r[1]}) before ClosePath`, at);
    // Consecutive repeats (already reported as zero-length) and the repeated first point go, as GEOS ignores them.
    const xy: number[] = [];
    for (let k = 0; k < len; k += 2) {
      const n = xy.length;
      if (n && xy[n - 2] === r[k] && xy[n - 1] === r[k + 1]) continue;
      xy.push(r[k], r[k + 1]);
      if (Math.abs(r[k]) > EXACT_LIMIT || Math.abs(r[k + 1]) > EXACT_LIMIT) large = true;
    }
    while (xy.length >= 4 && xy[xy.length - 2] === xy[0] && xy[xy.length - 1] === xy[1]) xy.length -= 2;
    if (xy.length < 6) {
      report('ring-too-few', `ring ${index} has ${xy.length / 2} distinct point${xy.length === 2 ? '' : 's'} (a ring needs 3)`, at);
      sound = false;
      return;
    }
    const area2 = shoelace2(xy, 0, xy.length);
    if (area2 === 0) {
      report('ring-zero-area', `ring ${index} has zero area`, at);
      sound = false;
      return;
    }
    kept.push({ xy, index, area2 });
  });
  if (!kept.length) return;
  if (kept[0].area2 < 0) {
    const all = kept.every((r) => r.area2 < 0);
    report('polygon-winding', all
      ? 'every ring has negative area (counter-clockwise on screen): the winding is reversed — exteriors MUST have positive area in tile coordinates (y down)'
      : `the geometry starts with an interior ring (ring ${kept[0].index}, negative area): a polygon starts with its exterior`, [kept[0].xy[0], kept[0].xy[1]]);
    return;
  }
  if (!sound) return;
  if (large) {
    report('polygon-unchecked', `coordinates beyond ±${EXACT_LIMIT}: OGC validity not checked`);
    return;
  }
  rings.reset();
  for (const r of kept) rings.add(r.xy, r.xy.length, r.area2 > 0);
  const problem = polygonProblem(rings, kept.map((r) => r.index));
  if (problem) report(problem.rule, problem.message, problem.at);
}
