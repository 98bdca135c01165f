/**
 * Admission: a new client waits (bounded) for a backend when every one is
 * full or disabled, instead of being refused. Waiters sleep until a lease
 * is released, a backend recovers or the pool changes (`wakeAll`), or their
 * deadline passes: no polling.
 * @module
 */

import type { Lease } from "../pool/mod.ts";
import type { Scheduler } from "../scheduler.ts";

/** Hands out leases, queueing clients while the pool has no room. */
export class Admission implements Disposable {
  readonly #acquire: (now: number) => Lease | undefined;
  readonly #scheduler: Scheduler;
  readonly #waiters: Array<() => void> = [];
  readonly #stopListening: () => void;

  /**
   * @param acquire the pick (`Balancer.acquire`)
   * @param onRelease subscribes to lease releases, each of which wakes the first waiter
   */
  constructor(
    acquire: (now: number) => Lease | undefined,
    onRelease: (listener: () => void) => () => void,
    scheduler: Scheduler,
  ) {
    this.#acquire = acquire;
    this.#scheduler = scheduler;
    this.#stopListening = onRelease(() => this.#waiters[0]?.());
  }

  /** Clients waiting for a backend right now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * A lease on the best backend, waiting up to `timeoutMs` for one to have
   * room. Undefined when the time is up or `signal` aborts.
   */
  async acquire(timeoutMs: number, signal: AbortSignal): Promise<Lease | undefined> {
    const deadline = this.#scheduler.now() + timeoutMs;
    while (!signal.aborted) {
      const now = this.#scheduler.now();
      const lease = this.#acquire(now);
      if (lease !== undefined) return lease;
      if (now >= deadline) return undefined;
      await this.#sleep(deadline - now, signal);
    }
    return undefined;
  }

  /** A lease now when there is room (what `acquire` tries first); undefined otherwise. */
  tryAcquire(): Lease | undefined {
    return this.#acquire(this.#scheduler.now());
  }

  /** Wakes every waiter to try again (the pool changed, a backend recovered). */
  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        cancel();
        signal.removeEventListener("abort", wake);
        const index = this.#waiters.indexOf(wake);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve();
      };
      const cancel = this.#scheduler.after(ms, wake);
      signal.addEventListener("abort", wake, { once: true });
      this.#waiters.push(wake);
    });
  }

  [Symbol.dispose](): void {
    this.#stopListening();
    this.wakeAll();
  }
}
