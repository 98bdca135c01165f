/**
 * A frontend's counters for metrics: sessions accepted, how they ended,
 * how long dials and sessions took. They only go up.
 * @module
 */

import {
  DIAL_SECONDS_BUCKETS,
  Histogram,
  type HistogramSnapshot,
  SESSION_SECONDS_BUCKETS,
} from "../stats/mod.ts";
import type { EndReason } from "./end_reason.ts";

/** The counters as diagnostics read them. */
export interface FrontendStatsSnapshot {
  readonly sessionsAccepted: number;
  /** Clients closed at once, near the descriptor limit. */
  readonly clientsShed: number;
  /** Ended sessions by how they ended. */
  readonly endings: ReadonlyMap<EndReason, number>;
  readonly dialSeconds: HistogramSnapshot;
  readonly sessionSeconds: HistogramSnapshot;
}

/** One frontend's counters. */
export class FrontendStats {
  #sessionsAccepted = 0;
  #clientsShed = 0;
  readonly #endings = new Map<EndReason, number>();
  readonly #dialSeconds = new Histogram(DIAL_SECONDS_BUCKETS);
  readonly #sessionSeconds = new Histogram(SESSION_SECONDS_BUCKETS);

  /** A client was accepted. */
  accepted(): void {
    this.#sessionsAccepted++;
  }

  /** A client was closed at once, near the descriptor limit. */
  shed(): void {
    this.#clientsShed++;
  }

  /** A dial succeeded after `dialMs`. */
  dialled(dialMs: number): void {
    this.#dialSeconds.observe(dialMs / 1000);
  }

  /** A session ended for `reason` after `durationMs`. */
  ended(reason: EndReason, durationMs: number): void {
    this.#endings.set(reason, (this.#endings.get(reason) ?? 0) + 1);
    this.#sessionSeconds.observe(durationMs / 1000);
  }

  /** The counters now. */
  snapshot(): FrontendStatsSnapshot {
    return {
      sessionsAccepted: this.#sessionsAccepted,
      clientsShed: this.#clientsShed,
      endings: new Map(this.#endings),
      dialSeconds: this.#dialSeconds.snapshot(),
      sessionSeconds: this.#sessionSeconds.snapshot(),
    };
  }
}
