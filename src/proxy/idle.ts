/**
 * Idle detection without touching the hot path: the copy loop only counts
 * bytes; a periodic sweep notices counts that stopped moving.
 * @module
 */

/** Something whose activity counter grows while it is in use. */
export interface Active {
  readonly activity: number;
}

/** Remembers, per item, when its activity counter last changed. */
export class IdleTracker<T extends Active> {
  readonly #seen = new WeakMap<T, { activity: number; since: number }>();

  /**
   * Looks at `item` now; returns how long it has shown no activity. The
   * first look starts its clock, so the answer is exact to within the time
   * between looks.
   */
  observe(item: T, now: number): number {
    const last = this.#seen.get(item);
    if (last === undefined || last.activity !== item.activity) {
      this.#seen.set(item, { activity: item.activity, since: now });
      return 0;
    }
    return now - last.since;
  }

  /** Whether `item` has shown no activity for at least `idleMs` at `now` (see `observe`). */
  isIdle(item: T, now: number, idleMs: number): boolean {
    return this.observe(item, now) >= idleMs;
  }
}

/** How often to sweep for an idle limit: often enough to be within a quarter of it. */
export function sweepIntervalMs(idleMs: number): number {
  return Math.max(10, Math.min(idleMs / 4, 5_000));
}
