/**
 * How late this process's event loop runs while a timed step runs. A test
 * that bounds a real duration from above adds the worst lateness seen over
 * the same span: a machine too busy to run the process on time delays the
 * code under test and this ticker alike, so it cannot fail the test, while
 * code that really waits too long still does.
 * @module
 */

/** The ticker's period (ms): lateness is measured to within this. */
const TICK_MS = 5;

/** Watches the event loop from its creation until disposed. */
export class LoopLag implements Disposable {
  #worstMs = 0;
  #last = performance.now();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor() {
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#worstMs = Math.max(this.#worstMs, now - this.#last - TICK_MS);
      this.#last = now;
    }, TICK_MS);
  }

  /** The worst lateness so far (ms), counting a tick overdue right now. */
  get worstMs(): number {
    return Math.max(this.#worstMs, performance.now() - this.#last - TICK_MS, 0);
  }

  [Symbol.dispose](): void {
    clearInterval(this.#timer);
  }
}
