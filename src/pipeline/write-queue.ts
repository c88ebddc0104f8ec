// Tiles on their way into a sink: one by one (TileSink.put), a few at a time, or a run of tiles at
// once (TileSink.putRun), one run after the other.
import type { TileRun, TileSink } from '../writers/sink.js';

/**
 * Tiles waiting to be written, drained by a fixed number of concurrent writers. The first failed
 * write fails the build.
 */
export class WriteQueue {
  private queue: { z: number; x: number; y: number; data: Uint8Array }[] = [];
  private head = 0;
  private running = 0;
  private failure: { error: unknown } | undefined;
  private waiters: (() => void)[] = [];
  /** The putRun() calls, chained; and the tiles of the runs not yet stored. */
  private runs: Promise<void> = Promise.resolve();
  private runTiles = 0;
  written = 0;

  constructor(private readonly sink: TileSink, private readonly concurrency: number) {}

  get pending(): number {
    return this.queue.length - this.head + this.running + this.runTiles;
  }

  push(z: number, x: number, y: number, data: Uint8Array): void {
    this.queue.push({ z, x, y, data });
    if (this.running < this.concurrency) void this.drain();
  }

  /** A run of tiles for the sink's putRun(), after the runs before it. */
  pushRun(run: TileRun): void {
    const n = run.index.length / 5;
    this.runTiles += n;
    this.runs = this.runs.then(async () => {
      if (!this.failure) {
        try {
          await this.sink.putRun!(run);
          this.written += n;
        } catch (e) {
          this.failure ??= { error: e };
        }
      }
      this.runTiles -= n;
      this.wake();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    while (this.head < this.queue.length && !this.failure) {
      const t = this.queue[this.head];
      this.queue[this.head++] = undefined as never;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      try {
        await this.sink.put(t.z, t.x, t.y, t.data);
        this.written++;
      } catch (e) {
        this.failure ??= { error: e };
      }
      this.wake();
    }
    this.running--;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once fewer than n tiles wait; rejects with the first write error. */
  async waitBelow(n: number): Promise<void> {
    while (!this.failure && this.pending >= n) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure.error;
  }

  finish(): Promise<void> {
    return this.waitBelow(1);
  }
}
