/**
 * Active health as an explicit state machine: `fall` consecutive failed
 * checks take a backend down, `rise` consecutive successes bring it back.
 * A backend that joins later starts down, awaiting its first check: the
 * first success brings it up, the first failure leaves it plainly down.
 * @module
 */

import type { Backend, PoolDiff } from "../pool/mod.ts";

/** A backend's active-check state. */
export type HealthStatus = "up" | "down";

/** What a check result changed, if anything. */
export type HealthTransition = "went down" | "came up" | "failed its first check" | undefined;

/** Counts consecutive check results against rise/fall thresholds. */
export class HealthState {
  status: HealthStatus;
  #streak = 0;
  #streakOk = true;
  /** The last check's outcome in words, for status pages. */
  lastResult = "not checked yet";
  /** When the last check finished (ms), or undefined. */
  lastCheckedAt: number | undefined;
  /** Down only because it has not been checked yet (a plain field: snapshots copy it). */
  awaitingFirstCheck: boolean;

  /**
   * `"awaiting first check"` starts it down until one check has run; its
   * first success brings it up whatever `rise` is.
   */
  constructor(initial: HealthStatus | "awaiting first check" = "up") {
    this.awaitingFirstCheck = initial === "awaiting first check";
    this.status = initial === "up" ? "up" : "down";
    if (this.awaitingFirstCheck) this.lastResult = "awaiting its first check";
  }

  /** Consecutive results of the same outcome so far. */
  get streak(): number {
    return this.#streak;
  }

  /** Records one check result; returns the transition it caused. */
  record(ok: boolean, rise: number, fall: number, now: number, detail: string): HealthTransition {
    this.#streak = ok === this.#streakOk ? this.#streak + 1 : 1;
    this.#streakOk = ok;
    this.lastResult = detail;
    this.lastCheckedAt = now;
    if (this.awaitingFirstCheck) {
      this.awaitingFirstCheck = false;
      if (!ok) return "failed its first check";
      this.status = "up";
      return "came up";
    }
    if (this.status === "up" && !ok && this.#streak >= fall) {
      this.status = "down";
      return "went down";
    }
    if (this.status === "down" && ok && this.#streak >= rise) {
      this.status = "up";
      return "came up";
    }
    return undefined;
  }
}

/**
 * Gives the added and updated backends of `diff` whose tier `isChecked`
 * their health state (kept by key in `states`) and takes it from the
 * others. One that joins after the start (DNS, a reload: not `initial`)
 * takes no session before its first check; under `role: primary` it may
 * be a standby.
 */
export function attachHealth(
  states: Map<string, HealthState>,
  diff: PoolDiff,
  initial: boolean,
  isChecked: (backend: Backend) => boolean,
): void {
  const joined = new Set(initial ? [] : diff.added);
  for (const backend of [...diff.added, ...diff.updated]) {
    if (!isChecked(backend)) {
      states.delete(backend.key);
      backend.attachHealth(undefined);
      continue;
    }
    const state = states.get(backend.key) ??
      new HealthState(joined.has(backend) ? "awaiting first check" : "up");
    states.set(backend.key, state);
    backend.attachHealth(state);
  }
}
