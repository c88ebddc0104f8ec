// Worker-thread entry (piscina): tiles feature batches and encodes tile batches.
import { encodeBatch, tileBatch, type EncodeBatch, type FeatureBatch } from './batch.js';

export type Task = { kind: 'tile'; batch: FeatureBatch } | { kind: 'encode'; batch: EncodeBatch };

export default function run(task: Task) {
  return task.kind === 'tile' ? tileBatch(task.batch) : encodeBatch(task.batch);
}
