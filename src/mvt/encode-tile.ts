// MVT v2 encoder on pbf's writer: layers sorted by name, keys and values deduplicated per layer.
import { PbfWriter } from 'pbf';
import type { GeomType } from '../model/geometry.js';
import { coerce, type FieldType, type PropertyValue } from '../model/attributes.js';
import { valueTag, ValueTag } from './values.js';

export interface TileFeature {
  /** Non-negative integer id, written as the MVT feature id. */
  id?: number;
  type: GeomType;
  /** MVT geometry commands (see geometry/quantize.ts), or the same already packed as varints. */
  geometry: number[] | Uint8Array;
  properties: Iterable<[string, PropertyValue]>;
  /** Input position, read by the as-needed strategies (as-needed.ts); not encoded. */
  seq?: number;
}

export interface TileLayer {
  name: string;
  extent: number;
  /** An array, or any iterable (read once, so features can be made on the fly). */
  features: Iterable<TileFeature>;
  /** Final field types; values of a String field are written as strings. */
  fieldTypes?: ReadonlyMap<string, FieldType>;
  /** Fields whose integral values are written as `int` (GDAL's Real fields). */
  realFields?: ReadonlySet<string>;
}

/**
 * This thread's writer, reused tile after tile: a fresh one starts at 16 bytes and doubles its way up
 * for every tile (pbf's realloc was 5% of a cities build). Its bytes are copied out at the end.
 */
const pbf = new PbfWriter(new Uint8Array(1 << 16));

/** Encodes one tile. Layers are written sorted by name, as GDAL does. */
export function encodeTile(layers: TileLayer[]): Uint8Array {
  pbf.pos = 0;
  pbf.length = pbf.buf.length; // finish() below left it at the last tile's size
  const sorted = [...layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const layer of sorted) {
    if (!Array.isArray(layer.features) || layer.features.length) pbf.writeMessage(3, writeLayer, layer);
  }
  const out = pbf.finish().slice();
  if (pbf.buf.length > 1 << 24) pbf.buf = new Uint8Array(1 << 16); // a huge zoom-0 tile: give it back
  return out;
}

/**
 * One layer's key and value tables as it is written. Values are deduplicated by type and value:
 * one map per MVT value type, keyed by the value itself (no string built per value: `tagsOf` was 7%
 * of a cities build with `${tag}:${v}` keys).
 */
class LayerState {
  readonly keys = new Map<string, number>();
  readonly byTag: Map<PropertyValue, number>[] = [];
  readonly valueList: { tag: ValueTag; v: PropertyValue }[] = [];
  /** The current feature's tags, reused. */
  readonly tags: number[] = [];
  constructor(readonly layer: TileLayer) {
    for (let t = 0; t <= ValueTag.Bool; t++) this.byTag.push(new Map());
  }
  value(tag: ValueTag, v: PropertyValue): number {
    const m = this.byTag[tag];
    let vi = m.get(v);
    if (vi === undefined) {
      m.set(v, (vi = this.valueList.length));
      this.valueList.push({ tag, v });
    }
    return vi;
  }
}

/** The feature being written (writeFeature reads it: no object per feature for pbf's callback). */
let current: TileFeature;

// Field order as GDAL writes it: name, features, keys, values, extent, version.
function writeLayer(layer: TileLayer, pbf: PbfWriter): void {
  pbf.writeStringField(1, layer.name);
  const st = new LayerState(layer);
  for (const f of layer.features) {
    tagsOf(f, st);
    current = f;
    pbf.writeMessage(2, writeFeature, st.tags);
  }
  for (const k of st.keys.keys()) pbf.writeStringField(3, k);
  for (const val of st.valueList) pbf.writeMessage(4, writeValue, val);
  pbf.writeVarintField(5, layer.extent);
  pbf.writeVarintField(15, 2);
}

/** A feature's keys are indexed before its values, as GDAL does, so tables come out in its order. */
function tagsOf(f: TileFeature, st: LayerState): void {
  const tags = st.tags;
  tags.length = 0;
  const { fieldTypes, realFields } = st.layer;
  for (const [key] of f.properties) {
    let ki = st.keys.get(key);
    if (ki === undefined) st.keys.set(key, (ki = st.keys.size));
    tags.push(ki, 0);
  }
  let i = 1;
  for (const [key, raw] of f.properties) {
    const v = coerce(raw, fieldTypes?.get(key));
    tags[i] = st.value(valueTag(v, realFields?.has(key)), v);
    i += 2;
  }
}

function writeFeature(tags: number[], pbf: PbfWriter): void {
  const f = current;
  if (f.id !== undefined) pbf.writeVarintField(1, f.id);
  if (tags.length) pbf.writePackedVarint(2, tags);
  pbf.writeVarintField(3, f.type);
  if (f.geometry instanceof Uint8Array) pbf.writeBytesField(4, f.geometry); // same bytes as packed
  else pbf.writePackedVarint(4, f.geometry);
}

function writeValue({ tag, v }: { tag: ValueTag; v: PropertyValue }, pbf: PbfWriter): void {
  switch (tag) {
    case ValueTag.String:
      return pbf.writeStringField(1, v as string);
    case ValueTag.Float:
      return pbf.writeFloatField(2, v as number);
    case ValueTag.Double:
      return pbf.writeDoubleField(3, v as number);
    case ValueTag.Int:
      return pbf.writeVarintField(4, v as number);
    case ValueTag.Uint:
      return pbf.writeVarintField(5, v as number);
    case ValueTag.Sint:
      return pbf.writeSVarintField(6, v as number);
    case ValueTag.Bool:
      return pbf.writeBooleanField(7, v as boolean);
  }
}
