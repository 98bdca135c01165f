/**
 * The simulation's virtual clock: events in one slot per millisecond, run
 * in time order and, within a millisecond, in the order they were
 * scheduled. Each slot is a linked list threaded through the events
 * themselves (`next`), so scheduling and running an event are O(1) and
 * allocate nothing — what lets ten thousand sidecars' sessions, ticks and
 * probes run in seconds; nothing ticks: an empty millisecond costs one
 * array read. An event is in at most one slot at a time.
 * @module
 */

/** Something the wheel can hold: it carries the link to the next event of its slot. */
export interface Linked<E> {
  next: E | undefined;
}

/** Runs events at virtual times; events past the end are dropped. */
export class EventWheel<E extends Linked<E>> {
  readonly #heads: (E | undefined)[];
  readonly #tails: (E | undefined)[];
  readonly endMs: number;
  #now = 0;

  /** @param endMs the last millisecond that runs */
  constructor(endMs: number) {
    this.endMs = Math.ceil(endMs);
    // Filled, not `new Array(n)`: a large holey array would be kept as a slow dictionary.
    this.#heads = Array.from({ length: this.endMs + 1 }, () => undefined);
    this.#tails = Array.from({ length: this.endMs + 1 }, () => undefined);
  }

  /** The current virtual time (ms). */
  get now(): number {
    return this.#now;
  }

  /** Schedules `event` at `atMs` (rounded up to the millisecond; never before now). */
  at(atMs: number, event: E): void {
    const slot = Math.max(this.#now, Math.ceil(atMs));
    if (slot > this.endMs) return;
    event.next = undefined;
    const tail = this.#tails[slot];
    if (tail === undefined) this.#heads[slot] = event;
    else tail.next = event;
    this.#tails[slot] = event;
  }

  /** Runs every event in order, calling `handle` with each; events may schedule more. */
  run(handle: (event: E, now: number) => void): void {
    const heads = this.#heads;
    const tails = this.#tails;
    for (let slot = 0; slot <= this.endMs; slot++) {
      let event = heads[slot];
      if (event === undefined) continue;
      this.#now = slot;
      // Popped before it runs: it may schedule itself again, even for this very millisecond.
      while (event !== undefined) {
        heads[slot] = event.next;
        if (event.next === undefined) tails[slot] = undefined;
        handle(event, slot);
        event = heads[slot];
      }
    }
    this.#now = this.endMs;
  }
}
