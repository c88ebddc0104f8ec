// Worker-thread entry (piscina): tiles feature batches and encodes tile batches.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { encodeBatch, tileBatch, type EncodeBatch, type FeatureBatch } from './batch.js';

export type Task = { kind: 'tile'; batch: FeatureBatch } | { kind: 'encode'; batch: EncodeBatch };

/**
 * The result's byte buffers are moved to the main thread, not copied: a batch's fragments or a
 * zoom-0 tile can be a hundred megabytes. Each is an exactly sized buffer of its own (ByteWriter.finish).
 */
export default function run(task: Task): unknown {
  const result = task.kind === 'tile' ? tileBatch(task.batch) : encodeBatch(task.batch);
  const buffer = 'fragments' in result ? result.fragments.buffer : result.data.buffer;
  return move({ [transferableSymbol]: [buffer], [valueSymbol]: result });
}
