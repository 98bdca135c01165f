/**
 * The bounded queues between a link's reader, its toxic stages and its
 * writer: chunks stamped with their read time, and the END marker.
 * @module
 */

/** A chunk of bytes read from a socket, stamped with the time it was read. */
export interface Chunk {
  /** The bytes; never reused once queued. */
  readonly data: Uint8Array;
  /** When the chunk was read (or last released by a latency toxic), in ms on the link clock. */
  at: number;
}

/** Marks the end of a direction: its source closed or a toxic closed it. */
export const END: unique symbol = Symbol("END");

/** What moves through a queue. */
export type QueueItem = Chunk | typeof END;

/**
 * A FIFO between two stages of a direction: one producer, one consumer.
 *
 * `push()` never blocks, so a producer that is interrupted never loses the
 * chunk it was sending; backpressure is a separate `waitSpace()`. A queue
 * whose consumer has gone is `kill()`ed: it drops pushes and always has space.
 */
export class ChunkQueue {
  readonly capacity: number;
  #items: QueueItem[] = [];
  #head = 0;
  #itemWaiter: (() => void) | undefined;
  #spaceWaiters: (() => void)[] = [];
  #dead = false;

  /** @param capacity items that may wait before `hasSpace()` turns false. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Queue capacity must be a positive integer: current value is ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** True once the consumer has gone. */
  get dead(): boolean {
    return this.#dead;
  }

  /** Appends an item and wakes the consumer; dropped when the queue is dead. */
  push(item: QueueItem): void {
    if (this.#dead) return;
    this.#items.push(item);
    const waiter = this.#itemWaiter;
    if (waiter !== undefined) {
      this.#itemWaiter = undefined;
      waiter();
    }
  }

  /**
   * Removes and returns the oldest item, or undefined when empty. END is
   * sticky: it is returned but stays queued, so a stage that is interrupted
   * after seeing it sees it again when it restarts.
   */
  shift(): QueueItem | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head]!;
    if (item === END) return END;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    } else if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
    if (this.#spaceWaiters.length > 0 && this.length < this.capacity) this.#wakeSpace();
    return item;
  }

  /** Resolves when an item is (or may be) available, or the queue dies; consumes nothing. */
  waitItem(): Promise<void> {
    if (this.length > 0 || this.#dead) return Promise.resolve();
    return new Promise((resolve) => {
      this.#itemWaiter = resolve;
    });
  }

  /** True when a producer may push without waiting. */
  hasSpace(): boolean {
    return this.#dead || this.length < this.capacity;
  }

  /** Resolves once `hasSpace()` is true (or may be: callers re-check). */
  waitSpace(): Promise<void> {
    if (this.hasSpace()) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** Moves every waiting item to the end of `other`, keeping their order. */
  moveTo(other: ChunkQueue): void {
    for (let i = this.#head; i < this.#items.length; i++) other.push(this.#items[i]!);
    this.#items = [];
    this.#head = 0;
    this.#wakeSpace();
  }

  /** Drops the items, refuses further pushes and wakes every waiter. */
  kill(): void {
    this.#dead = true;
    this.#items = [];
    this.#head = 0;
    const waiter = this.#itemWaiter;
    this.#itemWaiter = undefined;
    waiter?.();
    this.#wakeSpace();
  }

  #wakeSpace(): void {
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const wake of waiters) wake();
  }
}
