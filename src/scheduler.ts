/**
 * Time as the I/O shell sees it: the clock plus timers, injected, so every
 * wait in `src/` (admission, dial deadlines, recovery, maintenance, idle
 * sweeps, reload polling) can run on a fake scheduler in tests. A timer
 * longer than the platform can hold is clamped, never fired early.
 * @module
 */

import type { Clock } from "./clock.ts";

/** Stops a timer; calling it again does nothing. */
export type Cancel = () => void;

/** A clock that can also run code later. */
export interface Scheduler extends Clock {
  /** Runs `fn` once after `ms` (at least 0, at most `MAX_TIMER_MS`). */
  after(ms: number, fn: () => void): Cancel;
  /** Runs `fn` every `ms` (at least 1, at most `MAX_TIMER_MS`) until cancelled. */
  every(ms: number, fn: () => void): Cancel;
}

/**
 * The longest delay a timer can hold: `setTimeout` treats anything above a
 * signed 32-bit millisecond count as 1 ms, so a long wait would fire at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` as a delay a timer can hold: not negative, not NaN, not above `MAX_TIMER_MS`. */
export function clampDelay(ms: number, minimum = 0): number {
  if (!(ms >= minimum)) return minimum;
  return Math.min(ms, MAX_TIMER_MS);
}

/** The real timers and wall clock, for production wiring only. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, clampDelay(ms));
    return () => clearTimeout(handle);
  },
  every(ms, fn) {
    const handle = setInterval(fn, clampDelay(ms, 1));
    return () => clearInterval(handle);
  },
};

/**
 * A scheduler's timers owned by one component and cancelled together when
 * it stops, so nothing fires after shutdown and tests see no leaked timers.
 */
export class TimerGroup implements Disposable {
  readonly #scheduler: Scheduler;
  readonly #cancels = new Set<Cancel>();
  #disposed = false;

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler;
  }

  /** Runs `fn` every `ms`; returns a function that stops it. */
  every(ms: number, fn: () => void): Cancel {
    if (this.#disposed) return () => {};
    return this.#track(this.#scheduler.every(ms, fn));
  }

  /** Runs `fn` once after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): Cancel {
    if (this.#disposed) return () => {};
    const cancel: Cancel = this.#track(this.#scheduler.after(ms, () => {
      this.#cancels.delete(cancel);
      fn();
    }));
    return cancel;
  }

  /** Cancels every timer; new ones may still be set. */
  clear(): void {
    for (const cancel of [...this.#cancels]) cancel();
  }

  /** Cancels every timer and refuses new ones. */
  [Symbol.dispose](): void {
    this.#disposed = true;
    this.clear();
  }

  #track(inner: Cancel): Cancel {
    const cancel = () => {
      inner();
      this.#cancels.delete(cancel);
    };
    this.#cancels.add(cancel);
    return cancel;
  }
}

/**
 * Resolves after `ms` on `scheduler`, or at once when `signal` aborts
 * (resolving, not rejecting: the caller checks the signal).
 */
export function sleep(scheduler: Scheduler, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      cancel();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const cancel = scheduler.after(ms, done);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** A signal that aborts after `ms` on `scheduler` or when `parent` aborts; dispose to stop its timer. */
export function deadlineSignal(
  scheduler: Scheduler,
  ms: number,
  parent?: AbortSignal,
): { readonly signal: AbortSignal; readonly timedOut: () => boolean } & Disposable {
  const controller = new AbortController();
  let timedOut = false;
  const cancel = scheduler.after(ms, () => {
    timedOut = true;
    controller.abort();
  });
  const onParent = () => controller.abort();
  parent?.addEventListener("abort", onParent, { once: true });
  if (parent?.aborted) controller.abort();
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    [Symbol.dispose]() {
      cancel();
      parent?.removeEventListener("abort", onParent);
    },
  };
}
