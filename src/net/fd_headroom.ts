/**
 * File descriptor headroom: how many sockets the sidecar may hold before
 * it sheds new clients (closes them at once) rather than run into EMFILE
 * deep inside a dial or an accept. The limit is the soft `ulimit -n` when
 * readable, else learned from the first EMFILE: the sockets held then are
 * about what fits. Pure bookkeeping: the caller counts its sockets and
 * passes the time.
 * @module
 */

/** Descriptors kept for the runtime, stdio, listeners, probes, DNS and diagnostics. */
export const FD_RESERVE = 64;

/** How long after an EMFILE the process still counts as at its limit. */
const EXHAUSTED_FOR_MS = 1000;

/** Learned limits below this are ignored: something else was wrong, not the sessions. */
const MIN_LEARNED = 16;

/** Where the limit came from. */
export type FdLimitSource = "ulimit" | "learned" | "unknown";

/** The headroom as diagnostics show it. */
export interface FdView {
  /** The soft limit, when readable. */
  readonly limit: number | undefined;
  /** Where the shedding mark came from. */
  readonly source: FdLimitSource;
  /** Sockets the sidecar holds now (two per session, for its client and its backend). */
  readonly inUse: number;
  /** New clients are shed while `inUse` is at or above this. */
  readonly shedAt: number | undefined;
  /** Shedding now, or an EMFILE within the last second. */
  readonly atLimit: boolean;
}

/** Decides when to shed, from the sockets in use and the limit. */
export class FdHeadroom {
  readonly #inUse: () => number;
  readonly #configuredLimit: number | undefined;
  #learnedShedAt: number | undefined;
  #exhaustedAt: number | undefined;

  /**
   * @param limit the soft descriptor limit, when known
   * @param inUse counts the sockets the sidecar holds now
   */
  constructor(limit: number | undefined, inUse: () => number) {
    this.#configuredLimit = limit;
    this.#inUse = inUse;
  }

  /** The socket count at which new clients are shed; undefined while the limit is unknown. */
  get shedAt(): number | undefined {
    const limit = this.#configuredLimit;
    const fromLimit = limit === undefined ? undefined : Math.max(1, limit - reserveFor(limit));
    if (fromLimit === undefined) return this.#learnedShedAt;
    return this.#learnedShedAt === undefined ? fromLimit : Math.min(fromLimit, this.#learnedShedAt);
  }

  /** Whether a new client should be closed at once (it needs two more descriptors). */
  shouldShed(): boolean {
    const shedAt = this.shedAt;
    return shedAt !== undefined && this.#inUse() + 2 > shedAt;
  }

  /**
   * An accept or dial failed for lack of descriptors at `now`. Without a
   * readable limit, the sockets held now (less a margin for the dials of
   * waiting clients) become the shedding mark.
   */
  exhausted(now: number): void {
    this.#exhaustedAt = now;
    const held = this.#inUse();
    if (held < MIN_LEARNED) return;
    const mark = held - Math.max(8, Math.floor(held / 16));
    this.#learnedShedAt = Math.min(this.#learnedShedAt ?? Infinity, mark);
  }

  /** The headroom at `now`. */
  view(now: number): FdView {
    const inUse = this.#inUse();
    const shedAt = this.shedAt;
    const recentlyExhausted = this.#exhaustedAt !== undefined &&
      now - this.#exhaustedAt < EXHAUSTED_FOR_MS;
    return {
      limit: this.#configuredLimit,
      source: this.#learnedShedAt !== undefined
        ? "learned"
        : this.#configuredLimit !== undefined
        ? "ulimit"
        : "unknown",
      inUse,
      shedAt,
      atLimit: recentlyExhausted || (shedAt !== undefined && inUse + 2 > shedAt),
    };
  }
}

/** The descriptors a config can hold at once, when every backend is bounded. */
export function descriptorsNeeded(
  tiers: readonly { readonly maxBackendConnections: number; readonly backends: number }[],
): number | undefined {
  let sessions = 0;
  for (const tier of tiers) {
    if (tier.maxBackendConnections === 0) return undefined;
    sessions += tier.maxBackendConnections * tier.backends;
  }
  return sessions * 2 + FD_RESERVE;
}

function reserveFor(limit: number): number {
  // A tiny limit (tests) keeps a quarter for itself rather than all of it.
  return Math.min(FD_RESERVE, Math.floor(limit / 4));
}
