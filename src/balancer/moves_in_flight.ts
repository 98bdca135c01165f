/**
 * Failback moves not yet seen to land. A session closed by failback takes
 * a seat on a better tier only once its client has reconnected, which is
 * after the (jittered, or for a protocol session deferred to a safe point)
 * close and a reconnect. Until then the better tier still shows that seat
 * free, and the next tick would close another session for it: more moves
 * than the tier can take, and the extra clients bounce back. So a move
 * holds its seat from the decision until `windowMs` after the session
 * ended. Pure: times come in.
 * @module
 */

/** Counts failback moves decided but not yet landed. */
export class MovesInFlight {
  readonly #closing = new Set<number>();
  /** When each closed moved session ended, oldest first. */
  #ended: number[] = [];

  /** Failback decided to close session `id`. */
  closing(id: number): void {
    this.#closing.add(id);
  }

  /** Session `id` ended at `now` (any session; only moved ones count). */
  ended(id: number, now: number): void {
    if (this.#closing.delete(id)) this.#ended.push(now);
  }

  /** Moves still holding a seat: closing, or ended less than `windowMs` ago. */
  count(now: number, windowMs: number): number {
    const since = now - windowMs;
    const firstRecent = this.#ended.findIndex((at) => at > since);
    this.#ended = firstRecent < 0 ? [] : this.#ended.slice(firstRecent);
    return this.#closing.size + this.#ended.length;
  }
}
