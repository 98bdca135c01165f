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
   * Whether `item` has shown no activity for at least `idleMs` at `now`.
   * The first observation starts its clock.
   */
  isIdle(item: T, now: number, idleMs: number): boolean {
    const last = this.#seen.get(item);
    if (last === undefined || last.activity !== item.activity) {
      this.#seen.set(item, { activity: item.activity, since: now });
      return false;
    }
    return now - last.since >= idleMs;
  }

  /** How long `item` has shown no activity, as of its last observation. */
  idleFor(item: T, now: number): number {
    const last = this.#seen.get(item);
    return last === undefined || last.activity !== item.activity ? 0 : now - last.since;
  }
}

/** How often to sweep for an idle limit: often enough to be within a quarter of it. */
export function sweepIntervalMs(idleMs: number): number {
  return Math.max(10, Math.min(idleMs / 4, 5_000));
}
