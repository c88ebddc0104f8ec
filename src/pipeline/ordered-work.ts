// Tasks run concurrently (on worker threads); their results are delivered in submission order.
// The window is bounded by count and by weight (bytes), so memory stays bounded, yet one slow task at
// the head does not stall the threads: later tasks keep running and wait, finished, in the window.

interface Slot<T> {
  done: boolean;
  value?: T;
  error?: unknown;
  weight: number;
}

export class OrderedWork<T> {
  private slots: Slot<T>[] = [];
  private weight = 0;
  private failure: unknown;
  private failed = false;
  private wake: (() => void) | undefined;

  /**
   * @param inOrder called with each result in submission order (may throw: the work then fails)
   * @param onSettle called with each result as soon as it arrives, in any order
   */
  constructor(
    private readonly maxCount: number,
    private readonly maxWeight: number,
    private readonly inOrder: (value: T) => void,
    private readonly onSettle?: (value: T) => void,
  ) {}

  /** Adds a task; resolves when the window has room again. */
  async submit(task: Promise<T>, weight: number): Promise<void> {
    this.check();
    const slot: Slot<T> = { done: false, weight };
    this.slots.push(slot);
    this.weight += weight;
    task.then(
      (value) => {
        slot.done = true;
        slot.value = value;
        try {
          this.onSettle?.(value);
        } catch (e) {
          this.fail(e);
        }
        this.pump();
      },
      (error) => {
        slot.done = true;
        slot.error = error;
        this.pump();
      },
    );
    while (!this.failed && this.slots.length > 0 && (this.slots.length >= this.maxCount || this.weight > this.maxWeight)) await this.wait();
    this.check();
  }

  /** Waits for every task and delivers the rest of the results. */
  async drain(): Promise<void> {
    while (!this.failed && this.slots.length > 0) await this.wait();
    this.check();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private pump(): void {
    while (!this.failed && this.slots.length && this.slots[0].done) {
      const s = this.slots.shift()!;
      this.weight -= s.weight;
      if (s.error !== undefined) this.fail(s.error);
      else {
        try {
          this.inOrder(s.value!);
        } catch (e) {
          this.fail(e);
        }
      }
    }
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private fail(e: unknown): void {
    if (!this.failed) {
      this.failed = true;
      this.failure = e;
    }
  }

  private check(): void {
    if (this.failed) throw this.failure;
  }
}
