/**
 * What a pick returns: one unit of a backend's load, given back exactly once.
 * @module
 */

import type { Backend } from "./backend.ts";

/** Holds one unit of load on a backend until released or disposed. */
export class Lease implements Disposable {
  readonly backend: Backend;
  #released = false;
  readonly #onRelease: (backend: Backend) => void;

  constructor(backend: Backend, onRelease: (backend: Backend) => void) {
    this.backend = backend;
    this.#onRelease = onRelease;
    backend.leased();
  }

  /** Whether the load has been given back. */
  get released(): boolean {
    return this.#released;
  }

  /**
   * Gives the load back, with the bytes the session moved each way;
   * later calls do nothing.
   */
  release(bytesUp = 0, bytesDown = 0): void {
    if (this.#released) return;
    this.#released = true;
    this.backend.released(bytesUp, bytesDown);
    this.#onRelease(this.backend);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
