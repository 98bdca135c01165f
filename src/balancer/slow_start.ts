/**
 * Slow start: a backend that has just become eligible again (recovered
 * from a failure, health check came up, joined through discovery) takes a
 * growing share of the new connections it would otherwise get, instead of
 * all of them at once, over its tier's `slowStart` window.
 *
 * The share at `t` ms into a window of `w` ms is, as Envoy computes it,
 * `max(MIN_SHARE, (t / w) ^ (1 / aggression))`: aggression 1 is linear,
 * above 1 ramps faster early, below 1 slower. Which picks a ramping backend
 * admits is decided by a credit counter (the share accumulates, a pick
 * spends 1), so it is exact and repeatable with no randomness: at share
 * 0.25 exactly one pick in four goes to it. A pick a ramping backend
 * declines goes to the next best backend; it is never refused.
 * Pure: time comes in as `now`.
 * @module
 */

/** The smallest share a ramping backend gets (Envoy's default min_weight_percent, 10 %). */
export const MIN_SHARE = 0.1;

/** The share of a backend `elapsedMs` into a slow-start window of `windowMs`. */
export function slowStartShare(elapsedMs: number, windowMs: number, aggression = 1): number {
  if (windowMs <= 0 || elapsedMs >= windowMs) return 1;
  const fraction = Math.max(0, elapsedMs) / windowMs;
  return Math.max(MIN_SHARE, fraction ** (1 / aggression));
}

/** A tier's slow-start settings (a config `Tier` is one). */
export interface SlowStartSettings {
  /** The window; 0 turns slow start off. */
  readonly slowStartMs: number;
  /** 1 is linear. */
  readonly slowStartAggression: number;
}

interface Ramp {
  readonly since: number;
  readonly settings: SlowStartSettings;
  credit: number;
}

/** The backends that are ramping up, by key, and since when. */
export class SlowStart {
  readonly #ramps = new Map<string, Ramp>();

  /** Whether any backend is ramping (the pick's fast path skips all of this when none is). */
  get active(): boolean {
    return this.#ramps.size > 0;
  }

  /** `key` became eligible again at `now`: its window starts (none, or a window of 0: no ramp). */
  began(key: string, now: number, settings: SlowStartSettings | undefined): void {
    if (settings === undefined || settings.slowStartMs <= 0) {
      this.#ramps.delete(key);
      return;
    }
    this.#ramps.set(key, { since: now, settings, credit: 0 });
  }

  /** `key` is gone or ineligible again: no ramp until it begins anew. */
  forget(key: string): void {
    this.#ramps.delete(key);
  }

  /** Since when `key` has been ramping, or undefined when it takes its full share. */
  since(key: string, now: number): number | undefined {
    return this.#ramp(key, now)?.since;
  }

  /** The share of new connections `key` takes at `now` (1 when not ramping). */
  share(key: string, now: number): number {
    const ramp = this.#ramp(key, now);
    return ramp === undefined ? 1 : shareOf(ramp, now);
  }

  /**
   * Whether the pick that chose `key` at `now` may have it: always when it
   * is not ramping; otherwise when its accumulated share reaches one pick.
   */
  admit(key: string, now: number): boolean {
    const ramp = this.#ramp(key, now);
    if (ramp === undefined) return true;
    ramp.credit += shareOf(ramp, now);
    // Tolerate rounding: ten shares of 0.1 add up to 0.9999999999999999.
    if (ramp.credit < 1 - 1e-9) return false;
    ramp.credit -= 1;
    return true;
  }

  /** The pick's `admit` at `now`, or undefined when nothing ramps (the pick's fast path). */
  admitter(now: number): ((backend: { readonly key: string }) => boolean) | undefined {
    return this.#ramps.size === 0 ? undefined : (backend) => this.admit(backend.key, now);
  }

  #ramp(key: string, now: number): Ramp | undefined {
    const ramp = this.#ramps.get(key);
    if (ramp === undefined) return undefined;
    if (now - ramp.since >= ramp.settings.slowStartMs) {
      this.#ramps.delete(key);
      return undefined;
    }
    return ramp;
  }
}

function shareOf(ramp: Ramp, now: number): number {
  return slowStartShare(
    now - ramp.since,
    ramp.settings.slowStartMs,
    ramp.settings.slowStartAggression,
  );
}
