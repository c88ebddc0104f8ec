// A layer's items, as the readers give them, cut into the batches the threads take: at most
// DEFAULTS.batchFeatures features or DEFAULTS.batchBytes of input each. The tile phase and the survey
// (-zg) both read layers this way; the store's tiles go to the threads in batches too (tileBatches).
import { DEFAULTS } from '../defaults.js';
import type { RawFeature } from '../readers/geojson.js';
import type { BatchItem } from '../readers/item.js';
import type { EncodeBatch } from '../stages/encode.js';
import { GROUP_READ_BUFFER, groupBytes } from '../tiler/run-merge.js';
import type { TileRecords, TileStore } from '../tiler/tile-store.js';

export interface ItemBatch {
  items: BatchItem[];
  /** GeoJSONSeq: each item's line, for messages. */
  lines?: number[];
  /** Input bytes of the batch (a weight for the window of work in flight, and progress). */
  bytes: number;
  /** Index of the first item within its layer. */
  indexBase: number;
}

/** The batches, in order; the next is read only when the caller asks for it. */
export async function* itemBatches(raws: AsyncIterable<RawFeature>): AsyncGenerator<ItemBatch> {
  let batch: ItemBatch = { items: [], bytes: 0, indexBase: 0 };
  for await (const raw of raws) {
    if (raw.line !== undefined) (batch.lines ??= []).push(raw.line);
    if (raw.text !== undefined) {
      batch.items.push(raw.text);
      batch.bytes += raw.text.length;
    } else {
      batch.items.push({ feature: raw.feature, wkb: raw.wkb, error: raw.error });
      batch.bytes += (raw.wkb?.length ?? 0) + 200;
    }
    if (batch.items.length >= DEFAULTS.batchFeatures || batch.bytes >= DEFAULTS.batchBytes) {
      const full = batch;
      batch = { items: [], bytes: 0, indexBase: full.indexBase + full.items.length };
      yield full;
    }
  }
  if (batch.items.length) yield batch;
}

/** A batch of the store's tiles for the threads, and its records' bytes (its weight in the window). */
export interface TileBatch {
  tiles: EncodeBatch['tiles'];
  bytes: number;
}

/**
 * The store's tiles in order, cut into batches of DEFAULTS.encodeTiles tiles or DEFAULTS.encodeBytes
 * of records; `again` leaves the store readable once more (TileStore.tiles).
 */
export async function* tileBatches(store: TileStore, again = false, streams?: (t: TileRecords, bytes: number) => boolean): AsyncGenerator<TileBatch> {
  let batch: TileBatch = { tiles: [], bytes: 0 };
  for await (const t of store.tiles(again)) {
    // A giant tile read from the run files by its thread (t.groups) ends its batch: the tiles after
    // it go to another thread meanwhile. It weighs what its thread will hold of its records: only
    // the read buffers when `streams` says they go from the files straight into the encoder, else
    // all of them. (Keeping its largest as they stream by holds the kept ones, up to three times
    // while the arena is compacted, and the largest are the longest records: that counts as all.)
    batch.tiles.push(t.groups ? { z: t.z, x: t.x, y: t.y, records: t.records, groups: t.groups, count: t.count } : { z: t.z, x: t.x, y: t.y, records: t.records });
    if (t.groups) {
      const bytes = groupBytes(t.groups);
      batch.bytes += streams?.(t, bytes) ? t.groups.length * GROUP_READ_BUFFER : bytes;
    } else batch.bytes += t.records.length;
    if (t.groups || batch.tiles.length >= DEFAULTS.encodeTiles || batch.bytes >= DEFAULTS.encodeBytes) {
      yield packed(batch);
      batch = { tiles: [], bytes: 0 };
    }
  }
  if (batch.tiles.length) yield packed(batch);
}

/** Records up to this size are copied into the batch's one buffer; larger ones keep their own. */
const PACK_BYTES = 64 << 10;

/**
 * The small tiles' records copied into one buffer, each tile a view of it: a thread is then handed
 * one buffer instead of a thousand (moving each costs more than copying a few hundred bytes). A big
 * tile's records (zoom 0 of a big point layer) keep their own buffer, moved as they are.
 */
function packed(batch: TileBatch): TileBatch {
  let size = 0;
  for (const t of batch.tiles) if (t.records.length <= PACK_BYTES) size += t.records.length;
  const buf = new Uint8Array(size);
  let at = 0;
  for (const t of batch.tiles) {
    if (t.records.length > PACK_BYTES) continue;
    buf.set(t.records, at);
    t.records = buf.subarray(at, (at += t.records.length));
  }
  return batch;
}
