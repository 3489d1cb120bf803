/**
 * The clock every actor of one Parrot instance shares. XState schedules delayed transitions
 * (Timers A–M, session timers) through it. It remembers what is pending so `stop()` can prove
 * that nothing is left running, and so tests can swap in XState's `SimulatedClock`.
 */
/** The clock shape XState's actor system schedules delayed events with. */
export interface Clock {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  setTimeout(fn: (...args: any[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

/** A real clock that tracks its pending timers. */
export class TrackedClock implements Clock {
  private readonly pending = new Set<NodeJS.Timeout>();

  setTimeout(fn: () => void, timeout: number): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, timeout);
    this.pending.add(handle);
    return handle;
  }

  clearTimeout(id: unknown): void {
    const handle = id as NodeJS.Timeout;
    if (this.pending.delete(handle)) clearTimeout(handle);
  }

  /** Timers scheduled and not yet fired or cleared. */
  get size(): number {
    return this.pending.size;
  }

  /** Cancels every pending timer (used at shutdown). */
  clearAll(): void {
    for (const h of this.pending) clearTimeout(h);
    this.pending.clear();
  }
}
