/**
 * Active health as an explicit state machine: `fall` consecutive failed
 * checks take a backend down, `rise` consecutive successes bring it back.
 * @module
 */

/** A backend's active-check state. */
export type HealthStatus = "up" | "down";

/** What a check result changed, if anything. */
export type HealthTransition = "went down" | "came up" | undefined;

/** Counts consecutive check results against rise/fall thresholds. */
export class HealthState {
  status: HealthStatus;
  #streak = 0;
  #streakOk = true;
  /** The last check's outcome in words, for status pages. */
  lastResult = "not checked yet";
  /** When the last check finished (ms), or undefined. */
  lastCheckedAt: number | undefined;

  constructor(initial: HealthStatus = "up") {
    this.status = initial;
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
