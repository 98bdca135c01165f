/**
 * The simulation's virtual clock: events in one slot per millisecond, run
 * in time order and, within a millisecond, in the order they were
 * scheduled. Scheduling and running an event are O(1) (no heap), which is
 * what lets ten thousand sidecars' sessions, ticks and probes run in
 * seconds; nothing ticks: an empty millisecond costs one array read.
 * @module
 */

/** Runs `fn` at a virtual time; events past the end are dropped. */
export class EventWheel<E> {
  readonly #slots: (E[] | undefined)[];
  readonly endMs: number;
  #now = 0;

  /** @param endMs the last millisecond that runs */
  constructor(endMs: number) {
    this.endMs = Math.ceil(endMs);
    // Filled, not `new Array(n)`: a large holey array would be kept as a slow dictionary.
    this.#slots = Array.from({ length: this.endMs + 1 }, () => undefined);
  }

  /** The current virtual time (ms). */
  get now(): number {
    return this.#now;
  }

  /** Schedules `event` at `atMs` (rounded up to the millisecond; never before now). */
  at(atMs: number, event: E): void {
    const slot = Math.max(this.#now, Math.ceil(atMs));
    if (slot > this.endMs) return;
    const events = this.#slots[slot];
    if (events === undefined) this.#slots[slot] = [event];
    else events.push(event);
  }

  /** Runs every event in order, calling `handle` with each; events may schedule more. */
  run(handle: (event: E, now: number) => void): void {
    for (let slot = 0; slot <= this.endMs; slot++) {
      const events = this.#slots[slot];
      if (events === undefined) continue;
      this.#now = slot;
      // Events scheduled for this very millisecond while it runs are appended and run too.
      for (let i = 0; i < events.length; i++) handle(events[i] as E, slot);
      this.#slots[slot] = undefined;
    }
    this.#now = this.endMs;
  }
}
