// "Stack" assembly for vector tiles (MapCache's <assembly_type>stack</assembly_type>, for a time
// interval that resolves to several values): one tile made of several, each layer of the result the
// concatenation of the same-named layers of the inputs, with the keys and values tables built anew
// (each input's tag indexes point into its own tables). Geometry bytes are copied as they are.
import { gunzipSync } from 'node:zlib';
import { PbfReader } from 'pbf';
import { encodeTile, type TileFeature, type TileLayer } from '../mvt/encode-tile.js';
import type { PropertyValue } from '../model/attributes.js';
import type { GeomType } from '../model/geometry.js';

interface DecodedLayer {
  name: string;
  extent: number;
  features: { id?: number; type: GeomType; tags: number[]; geometry: Uint8Array }[];
  keys: string[];
  values: PropertyValue[];
  /** Keys with a value written as MVT `int`: GDAL's real fields, whose whole values keep that type. */
  intKeys: Set<number>;
}

/**
 * Merges tiles given in priority order — the first is on top, as in MapCache's stack — into one MVT
 * tile. A renderer draws a layer's features in order, later ones over earlier ones, so the first
 * tile's features come last. Inputs may be gzip-compressed; the result is not. Layers of one name must
 * share their extent (the trees of one tileset do). Throws on a tile that is not MVT.
 */
export function stackTiles(tiles: readonly Uint8Array[]): Uint8Array {
  const byName = new Map<string, DecodedLayer[]>();
  for (let t = tiles.length - 1; t >= 0; t--) {
    for (const layer of decodeLayers(tiles[t], t)) {
      const list = byName.get(layer.name);
      if (list) list.push(layer);
      else byName.set(layer.name, [layer]);
    }
  }
  const out: TileLayer[] = [];
  for (const [name, layers] of byName) {
    const extent = layers[0].extent;
    const other = layers.find((l) => l.extent !== extent);
    if (other) throw new Error(`stackTiles: layer "${name}" has extent ${extent} in one tile and ${other.extent} in another`);
    const realFields = new Set<string>();
    const features: TileFeature[] = [];
    for (const l of layers) {
      for (const k of l.intKeys) realFields.add(l.keys[k]);
      for (const f of l.features) {
        const properties: [string, PropertyValue][] = [];
        for (let i = 0; i + 1 < f.tags.length; i += 2) properties.push([l.keys[f.tags[i]], l.values[f.tags[i + 1]]]);
        features.push({ id: f.id, type: f.type, geometry: f.geometry, properties });
      }
    }
    out.push({ name, extent, features, realFields });
  }
  return encodeTile(out);
}

function decodeLayers(data: Uint8Array, which: number): DecodedLayer[] {
  const bytes = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  const layers: DecodedLayer[] = [];
  try {
    new PbfReader(bytes).readFields((tag, _, pbf) => {
      if (tag === 3) layers.push(pbf.readMessage(readLayer, { name: '', extent: 4096, features: [], keys: [], values: [], intKeys: new Set() }));
    }, null);
  } catch (e) {
    throw new Error(`stackTiles: tile #${which} is not a vector tile: ${(e as Error).message}`);
  }
  for (const l of layers) {
    // Tags that point past the tables would make up properties: refuse the tile instead.
    for (const f of l.features) {
      for (let i = 0; i < f.tags.length; i += 2) {
        if (f.tags[i] >= l.keys.length || f.tags[i + 1] >= l.values.length) throw new Error(`stackTiles: tile #${which}, layer "${l.name}": a feature's tags point past the keys or values`);
      }
    }
    // Which keys carry `int` values was noted per value index; turn that into key indexes.
    const intValues = l.intKeys;
    l.intKeys = new Set();
    for (const f of l.features) for (let i = 0; i < f.tags.length; i += 2) if (intValues.has(f.tags[i + 1])) l.intKeys.add(f.tags[i]);
  }
  return layers;
}

function readLayer(tag: number, l: DecodedLayer, pbf: PbfReader): void {
  if (tag === 1) l.name = pbf.readString();
  else if (tag === 2) l.features.push(pbf.readMessage(readFeature, { type: 0 as GeomType, tags: [], geometry: new Uint8Array(0) }));
  else if (tag === 3) l.keys.push(pbf.readString());
  else if (tag === 4) {
    const v = pbf.readMessage(readValue, { v: '' as PropertyValue, int: false });
    if (v.int) l.intKeys.add(l.values.length);
    l.values.push(v.v);
  } else if (tag === 5) l.extent = pbf.readVarint();
}

function readFeature(tag: number, f: DecodedLayer['features'][number], pbf: PbfReader): void {
  if (tag === 1) f.id = pbf.readVarint();
  else if (tag === 2) pbf.readPackedVarint(f.tags);
  else if (tag === 3) f.type = pbf.readVarint() as GeomType;
  else if (tag === 4) f.geometry = pbf.readBytes().slice();
}

function readValue(tag: number, o: { v: PropertyValue; int: boolean }, pbf: PbfReader): void {
  if (tag === 1) o.v = pbf.readString();
  else if (tag === 2) o.v = pbf.readFloat();
  else if (tag === 3) o.v = pbf.readDouble();
  else if (tag === 4) {
    o.v = pbf.readVarint(true);
    o.int = true;
  } else if (tag === 5) o.v = pbf.readVarint();
  else if (tag === 6) o.v = pbf.readSVarint();
  else if (tag === 7) o.v = pbf.readBoolean();
}
