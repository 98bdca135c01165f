/**
 * Deadlines on one shared periodic check instead of a timer each. Every new
 * connection's dial needs a deadline that almost never fires; a timer per
 * dial cost about 1.3 KB of V8 allocation and timer-list work on the path
 * of each connection. Here a deadline is an entry in a set, and one
 * `every(resolutionMs)` fires the entries that are due, running only while
 * some are pending. A deadline fires at most `resolutionMs` late, never early.
 * @module
 */

import { type Cancel, clampDelay, type Scheduler } from "../scheduler.ts";

/** One pending deadline. */
interface Deadline {
  readonly at: number;
  readonly fn: () => void;
}

/** Deadlines of one frontend's dials, checked together. */
export class DeadlineSweep implements Disposable {
  readonly #scheduler: Scheduler;
  readonly #resolutionMs: number;
  readonly #pending = new Set<Deadline>();
  #stop: Cancel | undefined;

  /** @param resolutionMs how often pending deadlines are checked: how late one may fire */
  constructor(scheduler: Scheduler, resolutionMs = 25) {
    if (!(resolutionMs >= 1)) {
      throw new RangeError(`resolutionMs must be at least 1: current value is ${resolutionMs}`);
    }
    this.#scheduler = scheduler;
    this.#resolutionMs = resolutionMs;
  }

  /** Deadlines not yet fired or cancelled. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Runs `fn` once, `ms` from now or up to `resolutionMs` later; returns a function that cancels it. */
  after(ms: number, fn: () => void): Cancel {
    const deadline: Deadline = { at: this.#scheduler.now() + clampDelay(ms), fn };
    this.#pending.add(deadline);
    this.#stop ??= this.#scheduler.every(this.#resolutionMs, this.#sweep);
    return () => this.#pending.delete(deadline);
  }

  /** Drops every pending deadline and stops the check. */
  [Symbol.dispose](): void {
    this.#pending.clear();
    this.#stop?.();
    this.#stop = undefined;
  }

  readonly #sweep = (): void => {
    const now = this.#scheduler.now();
    for (const deadline of this.#pending) {
      if (deadline.at > now) continue;
      this.#pending.delete(deadline);
      deadline.fn();
    }
    if (this.#pending.size > 0) return;
    this.#stop?.();
    this.#stop = undefined;
  };
}
