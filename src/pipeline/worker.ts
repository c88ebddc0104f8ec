// Worker-thread entry (piscina, through worker-entry.cts): runs a task (tasks.ts).
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runTask, type Task } from './tasks.js';

/**
 * The result's byte buffers are moved to the main thread, not copied: a batch's fragments or a
 * zoom-0 tile can be a hundred megabytes. Each is an exactly sized buffer of its own (ByteWriter.finish).
 */
export default async function run(task: Task): Promise<unknown> {
  const result = await runTask(task);
  if ('needs' in result) return result; // a few numbers per tile: copied
  const buffer = 'fragments' in result ? result.fragments.buffer : 'places' in result ? result.places.buffer : result.data.buffer;
  return move({ [transferableSymbol]: [buffer], [valueSymbol]: result });
}
