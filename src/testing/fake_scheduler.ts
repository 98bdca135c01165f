/**
 * A scheduler on virtual time for tests: nothing fires until the test
 * advances the clock, and then every due timer fires in time order, with
 * the promise chains it starts allowed to settle before the next one.
 * @module
 */

import { type Cancel, clampDelay, type Scheduler } from "../scheduler.ts";

interface Timer {
  readonly id: number;
  at: number;
  readonly everyMs: number | undefined;
  readonly fn: () => void;
}

/** Virtual time that moves only when told. */
export class FakeScheduler implements Scheduler {
  #now: number;
  readonly #maxFires: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  /**
   * @param startMs the virtual time to start at @default 1_000_000
   * @param maxFiresPerAdvance more fires than this in one `advance` fail it
   *   as a timer storm (a timer re-arming for the same instant would
   *   otherwise hang the test) @default 10_000
   */
  constructor(startMs = 1_000_000, maxFiresPerAdvance = 10_000) {
    this.#now = startMs;
    this.#maxFires = maxFiresPerAdvance;
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): Cancel {
    return this.#add(clampDelay(ms), undefined, fn);
  }

  every(ms: number, fn: () => void): Cancel {
    const period = clampDelay(ms, 1);
    return this.#add(period, period, fn);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.size;
  }

  /** When the next timer fires, if any. */
  get nextAt(): number | undefined {
    let next: number | undefined;
    for (const timer of this.#timers.values()) {
      if (next === undefined || timer.at < next) next = timer.at;
    }
    return next;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the
   * way, in order; after each, lets the work it started settle.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (let fired = 0;; fired++) {
      const due = this.#due(target);
      if (due === undefined) break;
      if (fired >= this.#maxFires) {
        throw new Error(
          `timer storm: over ${this.#maxFires} timers fired before ${target}; stuck at ${this.#now}`,
        );
      }
      this.#now = Math.max(this.#now, due.at);
      if (due.everyMs === undefined) this.#timers.delete(due.id);
      else due.at += due.everyMs;
      due.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  #due(target: number): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.at > target) continue;
      if (first === undefined || timer.at < first.at) first = timer;
    }
    return first;
  }

  #add(delayMs: number, everyMs: number | undefined, fn: () => void): Cancel {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + delayMs, everyMs, fn });
    return () => this.#timers.delete(id);
  }
}

/** Lets pending promise chains run to completion (one macrotask turn). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
