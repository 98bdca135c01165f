/**
 * Backend names that fail to resolve, in the log without a storm: the
 * first failure of a name is a warning, the same failure again only a
 * count at doubling intervals (1 s, 2 s, … 5 min), and a name that
 * resolves again gets one "resolves again" line with the tally.
 * @module
 */

import type { Clock } from "../clock.ts";
import { type Logger, RepeatLimiter } from "../log/mod.ts";

/** One frontend's unresolvable names, logged at a bearable rate. */
export class NameFailureLog {
  readonly #limiter: RepeatLimiter;
  readonly #log: Logger;
  #failing = new Set<string>();

  constructor(clock: Clock, log: Logger) {
    this.#limiter = new RepeatLimiter({ now: () => clock.now() });
    this.#log = log;
  }

  /**
   * Logs one refresh's outcome: `failures` maps each name that failed to
   * its error; `kept` says whether a name's last good answer is still used.
   * Returns whether some failing name has no answer at all.
   */
  record(
    frontend: string,
    failures: ReadonlyMap<string, string>,
    kept: (name: string) => boolean,
  ): boolean {
    let neverResolved = false;
    for (const [name, error] of failures) {
      const keeps = kept(name);
      neverResolved ||= !keeps;
      const verdict = this.#limiter.occurred(name, error);
      if (verdict.log === "quiet") continue;
      this.#log.warn(
        verdict.log === "first"
          ? "cannot resolve backend name"
          : "still cannot resolve backend name",
        {
          frontend,
          name,
          error,
          kept: keeps ? "last good answer" : "nothing",
          ...(verdict.log === "again"
            ? { repeats: verdict.suppressed, sinceMs: verdict.sinceMs }
            : {}),
        },
      );
    }
    for (const name of this.#failing) {
      if (failures.has(name)) continue;
      const recovered = this.#limiter.recovered(name);
      if (recovered === undefined) continue;
      this.#log.info("backend name resolves again", {
        frontend,
        name,
        failures: recovered.occurrences,
        forMs: recovered.forMs,
      });
    }
    this.#failing = new Set(failures.keys());
    return neverResolved;
  }
}
