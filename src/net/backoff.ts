/**
 * A doubling retry delay with a ceiling, for retrying a local failure
 * (an accept that hit the descriptor limit) without spinning.
 * @module
 */

/** Delays that start at `firstMs` and double up to `maxMs`; `reset()` starts over. */
export class Backoff {
  readonly #firstMs: number;
  readonly #maxMs: number;
  #nextMs: number;
  #failures = 0;

  /**
   * @param firstMs the first delay. @default 10
   * @param maxMs the longest delay. @default 1000
   */
  constructor(firstMs = 10, maxMs = 1000) {
    if (!(firstMs > 0) || !(maxMs >= firstMs)) {
      throw new RangeError(`Backoff needs 0 < firstMs <= maxMs: got ${firstMs}, ${maxMs}`);
    }
    this.#firstMs = firstMs;
    this.#maxMs = maxMs;
    this.#nextMs = firstMs;
  }

  /** Failures since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** Counts a failure and returns how long to wait before the next try. */
  next(): number {
    this.#failures++;
    const delayMs = this.#nextMs;
    this.#nextMs = Math.min(this.#nextMs * 2, this.#maxMs);
    return delayMs;
  }

  /** After a success: the next failure waits `firstMs` again. */
  reset(): void {
    this.#failures = 0;
    this.#nextMs = this.#firstMs;
  }
}
