/**
 * Timers owned by one component and cleared together when it stops, so
 * nothing fires after shutdown and tests see no leaked timers.
 * @module
 */

/** A set of timers cleared together on dispose. */
export class Timers implements Disposable {
  readonly #handles = new Set<ReturnType<typeof setTimeout>>();
  #disposed = false;

  /** Runs `fn` every `ms`; returns a function that stops it. */
  every(ms: number, fn: () => void): () => void {
    if (this.#disposed) return () => {};
    const handle = setInterval(fn, ms);
    this.#handles.add(handle);
    return () => {
      clearInterval(handle);
      this.#handles.delete(handle);
    };
  }

  /** Runs `fn` once after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void {
    if (this.#disposed) return () => {};
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      fn();
    }, Math.max(0, ms));
    this.#handles.add(handle);
    return () => {
      clearTimeout(handle);
      this.#handles.delete(handle);
    };
  }

  /** Clears every timer; new ones may still be set. */
  clear(): void {
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
  }

  /** Clears every timer and refuses new ones. */
  [Symbol.dispose](): void {
    this.#disposed = true;
    this.clear();
  }
}
