/**
 * A backend's connect latency as the least of its last few samples. A
 * sample is a connect (and, with a health check, a greeting) timed by this
 * process's event loop: a busy machine only ever makes one later, never
 * earlier, so the noise is one-sided and the least recent sample is the
 * honest estimate (as TCP's min-RTT filter reasons). One late sample then
 * moves nothing; a backend that really slowed down shows once every sample
 * in the window is slow, and one that got faster shows at once.
 * @module
 */

/** How many recent samples the estimate is the least of. */
export const LATENCY_SAMPLES = 3;

/** The last `size` latency samples of one backend. */
export class LatencySamples {
  readonly #size: number;
  readonly #samples: number[] = [];

  constructor(size = LATENCY_SAMPLES) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size ${size}: at least 1`);
    this.#size = size;
  }

  /** Adds a sample (ms); the oldest one beyond the window goes. */
  add(latencyMs: number): void {
    this.#samples.push(latencyMs);
    if (this.#samples.length > this.#size) this.#samples.shift();
  }

  /** The least of the samples in the window, or undefined when there is none. */
  get estimate(): number | undefined {
    return this.#samples.length === 0 ? undefined : Math.min(...this.#samples);
  }

  /** Forgets every sample (the backend was gone a while). */
  clear(): void {
    this.#samples.length = 0;
  }
}
