/**
 * Time as the decision code sees it: an injected clock, so policies can be
 * tested on a fake one without sleeping.
 * @module
 */

/** A source of the current time in milliseconds since the epoch. */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
}

/** The wall clock, for production wiring only. */
export const systemClock: Clock = { now: () => Date.now() };
