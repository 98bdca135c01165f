/**
 * Rate-limited repeats: the same warning for the same cause is logged
 * once, then only as a count, at intervals that double (1 s, 2 s, 4 s, …
 * up to a ceiling); when the cause clears, one "recovered" line. Pure
 * bookkeeping over an injected clock; the caller writes the lines.
 * @module
 */

/** What to log for an occurrence, when anything. */
export type RepeatVerdict =
  | { readonly log: "first" }
  | { readonly log: "again"; readonly suppressed: number; readonly sinceMs: number }
  | { readonly log: "quiet" };

/** Options for `RepeatLimiter`. */
export interface RepeatLimiterOptions {
  readonly now: () => number;
  /** Quiet time after the first line. @default 1000 */
  readonly firstBackoffMs?: number;
  /** Longest quiet time. @default 300_000 (5 min) */
  readonly maxBackoffMs?: number;
}

interface Episode {
  cause: string;
  startedAt: number;
  occurrences: number;
  suppressed: number;
  nextLineAt: number;
  backoffMs: number;
}

/** Tracks one episode per key (e.g. a config file, a host name). */
export class RepeatLimiter {
  readonly #options: Required<RepeatLimiterOptions>;
  readonly #episodes = new Map<string, Episode>();

  constructor(options: RepeatLimiterOptions) {
    this.#options = { firstBackoffMs: 1000, maxBackoffMs: 300_000, ...options };
  }

  /**
   * Records that `key` failed with `cause`. A new key or a different cause
   * is logged at once; the same cause again only once its backoff is over,
   * with the count suppressed meanwhile.
   */
  occurred(key: string, cause: string): RepeatVerdict {
    const now = this.#options.now();
    const episode = this.#episodes.get(key);
    if (episode === undefined || episode.cause !== cause) {
      this.#episodes.set(key, {
        cause,
        startedAt: now,
        occurrences: 1,
        suppressed: 0,
        nextLineAt: now + this.#options.firstBackoffMs,
        backoffMs: this.#options.firstBackoffMs,
      });
      return { log: "first" };
    }
    episode.occurrences++;
    if (now < episode.nextLineAt) {
      episode.suppressed++;
      return { log: "quiet" };
    }
    const suppressed = episode.suppressed + 1;
    episode.suppressed = 0;
    episode.backoffMs = Math.min(episode.backoffMs * 2, this.#options.maxBackoffMs);
    episode.nextLineAt = now + episode.backoffMs;
    return { log: "again", suppressed, sinceMs: now - episode.startedAt };
  }

  /**
   * Records that `key` works again. Returns how many times it failed and
   * for how long when it was failing (log "recovered"), else undefined.
   */
  recovered(key: string): { occurrences: number; forMs: number } | undefined {
    const episode = this.#episodes.get(key);
    if (episode === undefined) return undefined;
    this.#episodes.delete(key);
    return { occurrences: episode.occurrences, forMs: this.#options.now() - episode.startedAt };
  }
}
