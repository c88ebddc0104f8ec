// The worker threads: tasks (tasks.ts) run on piscina's pool, or inline when there is one thread.
import { Piscina } from 'piscina';
import type { SurveyResult } from '../stages/survey.js';
import type { BatchResult } from '../stages/tile.js';
import { runTask, type EncodedBatch, type FitResult, type Task } from './tasks.js';

type TaskResult = BatchResult | EncodedBatch | SurveyResult | FitResult;

export class WorkerPool {
  private readonly pool: Piscina<Task, TaskResult> | undefined;
  /**
   * Tasks still running when the build stops (an error, Ctrl-C) are let finish first: a result that a
   * worker posts after destroy() makes piscina throw "Unexpected message from Worker" from an event
   * handler, which no catch can take, and the process dies with it.
   */
  private readonly running = new Set<Promise<unknown>>();
  private stopped: Promise<void> | undefined;

  constructor(readonly threads: number) {
    this.pool = threads > 1 ? new Piscina<Task, TaskResult>({
      filename: new URL('./worker-entry.cjs', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 1000,
    }) : undefined;
  }

  run<T extends TaskResult>(task: Task): Promise<T> {
    if (!this.pool) return runTask(task) as Promise<T>;
    const p = this.pool.run(task, { transferList: transfers(task) }) as Promise<T>;
    this.running.add(p);
    p.then(() => this.running.delete(p), () => this.running.delete(p));
    return p;
  }

  /** Waits for running tasks, then ends the threads. Safe to call more than once. */
  stop(): Promise<void> {
    const pool = this.pool;
    return (this.stopped ??= pool ? Promise.allSettled([...this.running]).then(() => pool.destroy()) : Promise.resolve());
  }
}

/**
 * Tile records go to the encoding thread moved, not copied (a zoom-0 tile of a big point layer holds
 * millions of them). The batch hands out each big tile's records in a buffer of its own and the small
 * ones' as views of one shared buffer (batches.ts): a buffer that the task's records fill entirely is
 * moved; anything that is a view into a bigger buffer is left to be copied.
 */
function transfers(task: Task): ArrayBuffer[] {
  if (task.kind !== 'encode') return [];
  const covered = new Map<ArrayBuffer, number>();
  for (const t of task.batch.tiles) {
    const b = t.records.buffer;
    if (b instanceof ArrayBuffer) covered.set(b, (covered.get(b) ?? 0) + t.records.byteLength);
  }
  return [...covered].filter(([b, n]) => n === b.byteLength && n > 0).map(([b]) => b);
}
