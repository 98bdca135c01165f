/**
 * Copy buffers shared by all sessions. A direction keeps only a small
 * buffer of its own and borrows a pooled one while it moves more: a medium
 * one (64 KiB) for replies and queries, a bulk one (1 MiB) while reads
 * keep filling that. Idle connections cost little memory, streams read and
 * write in big chunks (at 256 KiB a single stream went 1.37-1.48x HAProxy,
 * at 1 MiB 1.46-1.93x: fewer, larger syscalls; see bench/README.md), and a
 * session that is not streaming never holds 1 MiB.
 * @module
 */

/** Options for `BufferPool`. */
export interface BufferPoolOptions {
  /** Sizes of the pooled buffers, smallest first. @default [65536, 1048576] */
  readonly sizes?: readonly number[];
  /** Most bytes of free buffers kept for reuse, per size; more are left to the GC. @default 16 MiB */
  readonly maxFreeBytes?: number;
}

/** Free lists of pooled buffers, one per size. */
export class BufferPool {
  readonly sizes: readonly number[];
  readonly #maxFreeBytes: number;
  readonly #free = new Map<number, Uint8Array[]>();

  /** @throws {RangeError} when a size is not a positive integer or sizes are not increasing */
  constructor(options: BufferPoolOptions = {}) {
    const { sizes = [64 * 1024, 1024 * 1024], maxFreeBytes = 16 * 1024 * 1024 } = options;
    sizes.forEach((size, index) => {
      if (!Number.isInteger(size) || size <= 0) {
        throw new RangeError(`buffer sizes must be positive integers: sizes[${index}] is ${size}`);
      }
      if (index > 0 && size <= (sizes[index - 1] as number)) {
        throw new RangeError(`buffer sizes must increase: sizes[${index}] is ${size}`);
      }
      this.#free.set(size, []);
    });
    this.sizes = [...sizes];
    this.#maxFreeBytes = maxFreeBytes;
  }

  /** Buffers waiting for reuse, of every size. */
  get freeCount(): number {
    let count = 0;
    for (const free of this.#free.values()) count += free.length;
    return count;
  }

  /** A buffer of `size` (one of `sizes`), reused when one is free. */
  borrow(size: number): Uint8Array {
    return this.#free.get(size)?.pop() ?? new Uint8Array(size);
  }

  /** Returns a buffer from `borrow()` for reuse. */
  giveBack(buffer: Uint8Array): void {
    const free = this.#free.get(buffer.length);
    if (free !== undefined && (free.length + 1) * buffer.length <= this.#maxFreeBytes) {
      free.push(buffer);
    }
  }
}
