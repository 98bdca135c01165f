/**
 * Large copy buffers shared by all sessions. A direction keeps only a small
 * buffer of its own and borrows a large one while it is moving bulk data,
 * so idle connections cost little memory and busy ones read in big chunks.
 * @module
 */

/** Options for `BufferPool`. */
export interface BufferPoolOptions {
  /** Size of each large buffer. @default 262144 */
  readonly bufferSize?: number;
  /** Most free buffers kept for reuse; more are left to the GC. @default 64 */
  readonly maxFree?: number;
}

/** A free list of equally sized large buffers. */
export class BufferPool {
  readonly bufferSize: number;
  readonly #maxFree: number;
  readonly #free: Uint8Array[] = [];

  constructor(options: BufferPoolOptions = {}) {
    const { bufferSize = 256 * 1024, maxFree = 64 } = options;
    if (!Number.isInteger(bufferSize) || bufferSize <= 0) {
      throw new RangeError(`bufferSize must be a positive integer: current value is ${bufferSize}`);
    }
    this.bufferSize = bufferSize;
    this.#maxFree = maxFree;
  }

  /** Buffers waiting for reuse. */
  get freeCount(): number {
    return this.#free.length;
  }

  /** A large buffer, reused when one is free. */
  borrow(): Uint8Array {
    return this.#free.pop() ?? new Uint8Array(this.bufferSize);
  }

  /** Returns a buffer from `borrow()` for reuse. */
  giveBack(buffer: Uint8Array): void {
    if (buffer.length === this.bufferSize && this.#free.length < this.#maxFree) {
      this.#free.push(buffer);
    }
  }
}
