/**
 * A cumulative histogram with fixed bucket bounds, as Prometheus exposes
 * them: observations only go up.
 * @module
 */

/** Bucket bounds (seconds) for dial latency: 0.5 ms to 10 s. */
export const DIAL_SECONDS_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** Bucket bounds (seconds) for session duration: 10 ms to 1 day. */
export const SESSION_SECONDS_BUCKETS = [0.01, 0.1, 1, 10, 60, 300, 900, 3600, 14_400, 86_400];

/** A histogram's state as exposition needs it. */
export interface HistogramSnapshot {
  /** `[upper bound, cumulative count]` per bucket. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly sum: number;
  readonly count: number;
}

/** Counts observations into buckets of upper bounds `le`. */
export class Histogram {
  readonly bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.#counts = bounds.map(() => 0);
  }

  /** Records one value. */
  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    const index = this.bounds.findIndex((bound) => value <= bound);
    if (index >= 0) this.#counts[index] = (this.#counts[index] ?? 0) + 1;
  }

  /** Cumulative counts per bound, the sum and the count (the `+Inf` bucket). */
  snapshot(): HistogramSnapshot {
    let running = 0;
    const buckets = this.bounds.map((bound, index): [number, number] => {
      running += this.#counts[index] ?? 0;
      return [bound, running];
    });
    return { buckets, sum: this.#sum, count: this.#count };
  }
}
