// A layer's items, as the readers give them, cut into the batches the threads take: at most
// DEFAULTS.batchFeatures features or DEFAULTS.batchBytes of input each. The tile phase and the survey
// (-zg) both read layers this way.
import { DEFAULTS } from '../defaults.js';
import type { RawFeature } from '../readers/geojson.js';
import type { BatchItem } from '../readers/item.js';

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
