// The encode stage, run on the worker threads (or inline): a batch of tiles' fragment records
// becomes MVT tiles, gzipped if asked and kept within GDAL's MAX_SIZE / MAX_FEATURES. Each finished
// tile goes to `out` (pipeline/tasks.ts decides where: bytes back to the main thread, or a sink's own
// thread writer). No I/O here.
import { gzipSync } from 'node:zlib';
import type { FieldType } from '../model/attributes.js';
import { encodeTile, type TileFeature, type TileLayer } from '../mvt/encode-tile.js';
import { encodeWithinLimits } from '../mvt/limits.js';
import { AT_LAYER, AT_LENGTH, HEADER, decodeProperties, readHead } from '../tiler/fragment-codec.js';

/** What the encoder needs to know about each output layer; serializable. */
export interface EncodeLayer {
  name: string;
  fieldTypes: [string, FieldType][];
  realFields: string[];
}

export interface EncodeBatch {
  layers: EncodeLayer[];
  extent: number;
  compress: boolean;
  /** GDAL's MAX_SIZE (bytes) and MAX_FEATURES. */
  maxSize: number;
  maxFeatures: number;
  /** Smallest ring drawn, when a tile is redrawn at a smaller extent (TileFrame.tinyArea2). */
  tinyArea2: number;
  repair: boolean;
  tiles: { z: number; x: number; y: number; records: Uint8Array }[];
}

/** Takes each finished tile; `data` may be a view that is reused once the call returns. */
export type TileOut = (z: number, x: number, y: number, data: Uint8Array) => void;

const layerCache = new WeakMap<EncodeLayer[], { fieldTypes: Map<string, FieldType>; realFields: Set<string> }[]>();

/**
 * Encodes the batch's tiles, in order, into `out`. Returns the tiles the limits changed, four numbers
 * each: z, the extent it was drawn at (0: unchanged), features dropped for size, for count.
 */
export function encodeTiles(b: EncodeBatch, out: TileOut): number[] {
  let maps = layerCache.get(b.layers);
  if (!maps) layerCache.set(b.layers, (maps = b.layers.map((l) => ({ fieldTypes: new Map(l.fieldTypes), realFields: new Set(l.realFields) }))));
  const limited: number[] = [];
  const limits = { maxSize: b.maxSize, maxFeatures: b.maxFeatures, compress: b.compress, tinyArea2: b.tinyArea2, repair: b.repair };
  for (const t of b.tiles) {
    // The common case streams features out of the records one at a time, so a tile holding
    // millions of points (zoom 0 of a big point layer) never exists as millions of objects.
    let data: Uint8Array | undefined;
    if (countRecords(t.records) <= b.maxFeatures) {
      const raw = encodeTile(tileLayers(t.records, b, maps, true));
      const packed = b.compress ? gzipSync(raw) : raw;
      if (packed.length <= b.maxSize) data = packed;
    }
    if (!data) {
      const r = encodeWithinLimits(tileLayers(t.records, b, maps, false), limits);
      data = r.data;
      if (r.report.reducedExtent || r.report.droppedForCount || r.report.droppedForSize) {
        limited.push(t.z, r.report.reducedExtent ?? 0, r.report.droppedForSize, r.report.droppedForCount);
      }
    }
    out(t.z, t.x, t.y, data);
  }
  return limited;
}

function countRecords(records: Uint8Array): number {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let n = 0;
  for (let pos = 0; pos < records.length; pos += view.getUint32(pos + AT_LENGTH, true)) n++;
  return n;
}

/**
 * The tile's layers. Records come sorted by layer, so each layer is one stretch of them; with
 * `lazy`, its features are decoded only as the encoder reads them.
 */
function tileLayers(records: Uint8Array, b: EncodeBatch, maps: { fieldTypes: Map<string, FieldType>; realFields: Set<string> }[], lazy: boolean): TileLayer[] {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const layers: TileLayer[] = [];
  for (let pos = 0; pos < records.length; ) {
    const layer = view.getUint16(pos + AT_LAYER, true);
    const start = pos;
    while (pos < records.length && view.getUint16(pos + AT_LAYER, true) === layer) pos += view.getUint32(pos + AT_LENGTH, true);
    const features = featuresOf(records, view, start, pos);
    const info = b.layers[layer];
    layers.push({ name: info.name, extent: b.extent, features: lazy ? features : [...features], fieldTypes: maps[layer].fieldTypes, realFields: maps[layer].realFields });
  }
  return layers;
}

function* featuresOf(records: Uint8Array, view: DataView, start: number, end: number): Generator<TileFeature> {
  for (let pos = start; pos < end; ) {
    const h = readHead(view, pos);
    yield { id: h.id, type: h.type, geometry: records.subarray(h.propsEnd, pos + h.length), properties: decodeProperties(records, pos + HEADER, h.propsEnd) };
    pos += h.length;
  }
}
