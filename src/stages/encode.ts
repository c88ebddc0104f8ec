// The encode stage, run on the worker threads (or inline): a batch of tiles' fragment records
// becomes MVT tiles, gzipped if asked and kept within GDAL's MAX_SIZE / MAX_FEATURES. Each finished
// tile goes to `out` (pipeline/tasks.ts decides where: bytes back to the main thread, or a sink's own
// thread writer). No I/O here.
import type { FieldType } from '../model/attributes.js';
import { encodeTile, type TileFeature, type TileLayer } from '../mvt/encode-tile.js';
import { gzipTile } from '../mvt/gzip.js';
import { fitThreshold, verbOf, type ListLayer } from '../mvt/as-needed.js';
import { keepRecords, walkRecords } from './ranked-records.js';
import { compareOrder, orderKeys, type OrderField } from '../generalize/order.js';
import type { FeatureRanks } from '../model/feature-ranks.js';
import type { Ranked } from '../mvt/as-needed.js';
import { drawnSize, encodeRanked, encodeWithinLimits, fitRanked, type LimitReport } from '../mvt/limits.js';
import { AT_LAYER, AT_LENGTH, AT_SEQ, ByteWriter, HEADER, decodeProperties, readHead } from '../tiler/fragment-codec.js';
import { groupBytes, groupRecords, tileRecords, type RunGroup } from '../tiler/run-merge.js';
import { keepLargestRecords, keepLargestRecordStream } from './select-largest.js';

/** What the encoder needs to know about each output layer; serializable. */
export interface EncodeLayer {
  name: string;
  fieldTypes: [string, FieldType][];
  realFields: string[];
}

export interface EncodeBatch {
  layers: EncodeLayer[];
  extent: number;
  /** zlib level 1–9 of each tile's gzip; 0: tiles stay raw protobuf. */
  gzipLevel: number;
  /** GDAL's MAX_SIZE (bytes) and MAX_FEATURES. */
  maxSize: number;
  maxFeatures: number;
  /** Smallest ring drawn, when a tile is redrawn at a smaller extent (TileFrame.tinyArea2). */
  tinyArea2: number;
  repair: boolean;
  /**
   * Thinning by zoom (generalize/drop-rate.ts): each feature's first zoom, by input position, in
   * memory shared by every thread. Absent: every record is drawn.
   */
  minzooms?: Uint8Array;
  /** The order of features in each layer of a tile (--order-by …); absent: input order. */
  order?: OrderField[];
  /**
   * One of tippecanoe's as-needed strategies (mvt/as-needed.ts): every feature's rank, in memory
   * shared by every thread, and each zoom's threshold (absent while they are being found: fitTiles).
   * Absent: GDAL's limits alone.
   */
  ranked?: { strategy: Ranked; ranks: FeatureRanks; thresholds?: number[] };
  /**
   * With `groups`, a giant tile whose records are read here from the store's run files (`records`
   * is then empty, and `count` says how many there are).
   */
  tiles: { z: number; x: number; y: number; records: Uint8Array; groups?: RunGroup[]; count?: number }[];
}

/** What encoding a batch changed, for the summary. */
export interface EncodeReport {
  /**
   * Tiles the limits or a strategy changed, LIMITED numbers each: z, the extent drawn at (0:
   * unchanged), features dropped for size, for count, by the zoom's threshold, points merged into
   * clusters, features merged into others.
   */
  limited: number[];
  /** Layers (by name) some tile clustered points in: their metadata gets the cluster fields. */
  clusteredLayers: string[];
  /** Per zoom of the batch, three numbers: z, features written, features left out by thinning. */
  zooms: number[];
}

/** Numbers per tile in EncodeReport.limited. */
export const LIMITED = 7;

/** Takes each finished tile; `data` may be a view that is reused once the call returns. */
export type TileOut = (z: number, x: number, y: number, data: Uint8Array) => void;

const layerCache = new WeakMap<EncodeLayer[], { fieldTypes: Map<string, FieldType>; realFields: Set<string> }[]>();

/**
 * Encodes the batch's tiles, in order, into `out` (a tile that thinning leaves empty is not written).
 * Returns what the limits and thinning changed.
 */
export function encodeTiles(b: EncodeBatch, out: TileOut): EncodeReport {
  let maps = layerCache.get(b.layers);
  if (!maps) layerCache.set(b.layers, (maps = b.layers.map((l) => ({ fieldTypes: new Map(l.fieldTypes), realFields: new Set(l.realFields) }))));
  const limited: number[] = [];
  const clusteredLayers = new Set<string>();
  const zooms = new Map<number, [number, number]>(); // z → features written, thinned
  const limits = { maxSize: b.maxSize, maxFeatures: b.maxFeatures, gzipLevel: b.gzipLevel, tinyArea2: b.tinyArea2, repair: b.repair };
  for (const t of b.tiles) {
    const counts = zooms.get(t.z) ?? [0, 0];
    zooms.set(t.z, counts);
    // A giant tile that nothing but the encoder changes is encoded straight from the run files.
    if (t.groups && streamsFromRuns(b, t.z, t.count!, groupBytes(t.groups))) {
      const raw = encodeRecordStream(groupRecords(t.groups), b, maps);
      const packed = b.gzipLevel ? gzipTile(raw, b.gzipLevel) : raw;
      if (packed.length <= b.maxSize) {
        counts[0] += t.count!;
        out(t.z, t.x, t.y, packed);
        continue;
      }
    }
    // A giant tile over MAX_FEATURES that only they change keeps its largest straight from the run
    // files (never held whole); any other is gathered.
    let overCount = 0;
    let records: Uint8Array;
    if (t.groups && selectsFromRuns(b, t.count!)) {
      records = keepLargestRecordStream(groupRecords(t.groups), b.maxFeatures);
      overCount = t.count! - b.maxFeatures;
    } else records = tileRecords(t);
    if (b.minzooms) {
      const kept = thinRecords(records, t.z, b.minzooms);
      counts[1] += kept.thinned;
      if (kept.records.length === 0) continue;
      records = kept.records;
    }
    let threshold = b.ranked?.thresholds?.[t.z] ?? -Infinity;
    // The drop strategies act on the records themselves; what is left streams out as below.
    let droppedAsNeeded = 0;
    if (threshold !== -Infinity && verbOf(b.ranked!.strategy) === 'drop') {
      const kept = keepRecords(records, walkRecords(records, b.ranked!.ranks), threshold);
      records = kept.records;
      droppedAsNeeded = kept.dropped;
      threshold = -Infinity;
    }
    let n = countRecords(records);
    // Over MAX_FEATURES, the largest are chosen from the records themselves, streaming (GDAL's
    // order, the same features as mvt/limits.ts would keep): the rest is then never decoded.
    if (n > b.maxFeatures && !b.order && !b.ranked) {
      records = keepLargestRecords(records, b.maxFeatures);
      overCount = n - b.maxFeatures;
      n = b.maxFeatures;
    }
    // The common case streams features out of the records one at a time, so a tile holding
    // millions of points (zoom 0 of a big point layer) never exists as millions of objects.
    let data: Uint8Array | undefined;
    if (n <= b.maxFeatures && threshold === -Infinity) {
      const raw = encodeTile(tileLayers(records, b, maps, true));
      const packed = b.gzipLevel ? gzipTile(raw, b.gzipLevel) : raw;
      if (packed.length <= b.maxSize) data = packed;
    }
    if (droppedAsNeeded && data) limited.push(t.z, 0, 0, 0, droppedAsNeeded, 0, 0);
    if (!data) {
      const layers = tileLayers(records, b, maps, false) as ListLayer[];
      const r = b.ranked && threshold !== -Infinity ? encodeRanked(layers, limits, { ...b.ranked, threshold }) : encodeWithinLimits(layers, limits);
      data = r.data;
      r.report.droppedAsNeeded += droppedAsNeeded;
      r.report.droppedForCount += overCount;
      const { reducedExtent, droppedForSize, droppedForCount, clustered, coalesced } = r.report;
      n -= droppedForCount - overCount + droppedForSize + clustered + coalesced + (r.report.droppedAsNeeded - droppedAsNeeded);
      if (changed(r.report)) limited.push(t.z, reducedExtent ?? 0, droppedForSize, droppedForCount, r.report.droppedAsNeeded, clustered, coalesced);
      for (const name of r.report.clusteredLayers ?? []) clusteredLayers.add(name);
    } else if (overCount) limited.push(t.z, 0, 0, overCount, 0, 0, 0);
    counts[0] += n;
    out(t.z, t.x, t.y, data);
  }
  return { limited, clusteredLayers: [...clusteredLayers], zooms: [...zooms].flatMap(([z, [written, thinned]]) => [z, written, thinned]) };
}

type GiantTileRules = Pick<EncodeBatch, 'minzooms' | 'order' | 'ranked' | 'maxFeatures' | 'maxSize'>;

/**
 * Whether a giant tile (EncodeBatch.tiles[].groups) of `count` records, `bytes` long, is encoded
 * straight from the run files: when no thinning, order or threshold needs its features at once and
 * it may fit the limits. A tile of records 64 times MAX_SIZE will not (an encoded point takes a
 * fifth to a tenth of its record), so it is gathered at once rather than encoded twice.
 */
export function streamsFromRuns(b: GiantTileRules, z: number, count: number, bytes: number): boolean {
  return !b.minzooms && !b.order && (b.ranked?.thresholds?.[z] ?? -Infinity) === -Infinity && count <= b.maxFeatures && bytes / 64 <= b.maxSize;
}

/** Whether a giant tile over MAX_FEATURES keeps its largest features as its records stream by. */
function selectsFromRuns(b: GiantTileRules, count: number): boolean {
  return !b.minzooms && !b.order && !b.ranked && count > b.maxFeatures;
}

const changed = (r: LimitReport) => Boolean(r.reducedExtent || r.droppedForCount || r.droppedForSize || r.droppedAsNeeded || r.clustered || r.coalesced);

/**
 * For each tile of the batch, z and the threshold of its strategy at which it fits the limits
 * (−Infinity: it fits whole), after thinning; the zoom's threshold is the highest of its tiles'.
 */
export function fitTiles(b: EncodeBatch): number[] {
  let maps = layerCache.get(b.layers);
  if (!maps) layerCache.set(b.layers, (maps = b.layers.map((l) => ({ fieldTypes: new Map(l.fieldTypes), realFields: new Set(l.realFields) }))));
  const limits = { maxSize: b.maxSize, maxFeatures: b.maxFeatures, gzipLevel: b.gzipLevel, tinyArea2: b.tinyArea2, repair: b.repair };
  const needs: number[] = [];
  const { strategy, ranks } = b.ranked!;
  const pack = (records: Uint8Array) => {
    const raw = encodeTile(tileLayers(records, b, maps, true));
    return (b.gzipLevel ? gzipTile(raw, b.gzipLevel) : raw).length;
  };
  for (const t of b.tiles) {
    const records = b.minzooms ? thinRecords(tileRecords(t), t.z, b.minzooms).records : tileRecords(t);
    if (records.length === 0) continue;
    if (verbOf(strategy) === 'drop') {
      // On the records: each try streams the features it keeps through the encoder.
      const w = walkRecords(records, ranks);
      const weigh = (k: { records: Uint8Array; kept: number }) => ({ features: k.kept, bytes: k.kept > b.maxFeatures ? Infinity : pack(k.records) });
      needs.push(t.z, fitThreshold(w.sorted, (th) => keepRecords(records, w, th), weigh, limits, strategy));
    } else needs.push(t.z, fitRanked(tileLayers(records, b, maps, false) as ListLayer[], limits, b.ranked!));
  }
  return needs;
}

/**
 * The tile's records of features drawn at zoom z: those whose first zoom (minzooms[seq]) is not
 * deeper. The records are copied only when some go.
 */
function thinRecords(records: Uint8Array, z: number, minzooms: Uint8Array): { records: Uint8Array; thinned: number } {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let thinned = 0;
  let out: ByteWriter | undefined;
  for (let pos = 0; pos < records.length; ) {
    const length = view.getUint32(pos + AT_LENGTH, true);
    if (minzooms[view.getFloat64(pos + AT_SEQ, true)] > z) {
      if (!out) {
        out = new ByteWriter(Math.max(64, pos));
        out.bytes(records.subarray(0, pos));
      }
      thinned++;
    } else out?.bytes(records.subarray(pos, pos + length));
    pos += length;
  }
  return { records: out ? out.finish() : records, thinned };
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
    const features = b.order ? ordered(featuresOf(records, view, start, pos), b.order) : featuresOf(records, view, start, pos);
    const info = b.layers[layer];
    layers.push({ name: info.name, extent: b.extent, features: lazy ? features : [...features], fieldTypes: maps[layer].fieldTypes, realFields: maps[layer].realFields });
  }
  return layers;
}

/** A layer's features in the order asked for (a stable sort: ties stay in input order). */
function ordered(features: Iterable<TileFeature>, order: OrderField[]): TileFeature[] {
  const keyed = [...features].map((f) => ({ f, keys: orderKeys(f.properties, () => drawnSize(f), order) }));
  keyed.sort((a, b) => compareOrder(a.keys, b.keys, order));
  return keyed.map((k) => k.f);
}

function* featuresOf(records: Uint8Array, view: DataView, start: number, end: number): Generator<TileFeature> {
  for (let pos = start; pos < end; pos += view.getUint32(pos + AT_LENGTH, true)) yield featureAt(records, view, pos);
}

/** The feature of the record at `pos` (its geometry a view of the records). */
function featureAt(records: Uint8Array, view: DataView, pos: number): TileFeature {
  const h = readHead(view, pos);
  return { id: h.id, type: h.type, geometry: records.subarray(h.propsEnd, pos + h.length), properties: decodeProperties(records, pos + HEADER, h.propsEnd), seq: h.seq };
}

/**
 * The tile of a stream of records (sorted by layer, as a tile's records are), each record read as
 * it comes and forgotten. Each layer is encoded as it ends, and the layers are put in name order
 * after: the same bytes as encodeTile over all of them at once, which writes them in that order.
 */
function encodeRecordStream(stream: Iterable<Uint8Array>, b: EncodeBatch, maps: { fieldTypes: Map<string, FieldType>; realFields: Set<string> }[]): Uint8Array {
  const it = stream[Symbol.iterator]();
  let cur = it.next();
  const layerOf = (rec: Uint8Array) => rec[AT_LAYER] | (rec[AT_LAYER + 1] << 8);
  const encoded: { name: string; data: Uint8Array }[] = [];
  try {
    while (!cur.done) {
      const layer = layerOf(cur.value);
      function* features(): Generator<TileFeature> {
        for (; !cur.done && layerOf(cur.value) === layer; cur = it.next()) {
          const rec = cur.value;
          yield featureAt(rec, new DataView(rec.buffer, rec.byteOffset, rec.byteLength), 0);
        }
      }
      const info = b.layers[layer];
      encoded.push({ name: info.name, data: encodeTile([{ name: info.name, extent: b.extent, features: features(), fieldTypes: maps[layer].fieldTypes, realFields: maps[layer].realFields }]) });
    }
  } finally {
    it.return?.(); // closes the run files when encoding stopped half-way
  }
  encoded.sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
  if (encoded.length === 1) return encoded[0].data;
  const out = new Uint8Array(encoded.reduce((sum, e) => sum + e.data.length, 0));
  let o = 0;
  for (const e of encoded) {
    out.set(e.data, o);
    o += e.data.length;
  }
  return out;
}
