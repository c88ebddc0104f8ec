// Worker-thread entry (piscina, through worker-entry.cts): runs a task (tasks.ts).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { DEFAULTS } from '../defaults.js';
import { runTask, type Task } from './tasks.js';

/**
 * A full collection, run after a batch that held a giant tile's records (a zoom-0 tile of 1.7 M
 * points is 173 MB of them). Left to V8, this thread's small heap would not be collected for a
 * while, and the dead records stayed in memory while the main thread merged the next giant tiles:
 * 10x the cities z0-10 peaked 70 MB higher. Worker threads cannot take --expose-gc on the command
 * line (a V8 option), so it is set here. V8's flags are the process's: this makes `gc` available
 * to contexts made from now on (the one below takes it), in every thread, and changes nothing else.
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * The result's byte buffers are moved to the main thread, not copied: a batch's fragments or a
 * zoom-0 tile can be a hundred megabytes. Each is an exactly sized buffer of its own (ByteWriter.finish).
 */
export default async function run(task: Task): Promise<unknown> {
  const giant = task.kind === 'encode' && task.batch.tiles.some((t) => t.groups !== undefined || t.records.length > DEFAULTS.collectAfterTileBytes);
  const result = await runTask(task);
  if (giant) {
    task.batch.tiles = []; // the last reference to the records
    collect();
  }
  if ('needs' in result) return result; // a few numbers per tile: copied
  const buffer = 'fragments' in result ? result.fragments.buffer : 'places' in result ? result.places.buffer : result.data.buffer;
  return move({ [transferableSymbol]: [buffer], [valueSymbol]: result });
}
