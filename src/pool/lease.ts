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
    backend.load++;
    backend.sessionsTotal++;
  }

  /** Whether the load has been given back. */
  get released(): boolean {
    return this.#released;
  }

  /** Gives the load back; later calls do nothing. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.backend.load--;
    this.#onRelease(this.backend);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
