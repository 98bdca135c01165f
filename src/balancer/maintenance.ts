/**
 * The maintenance tick's decisions: which sessions to close, why, and when
 * within the tick. Two policies:
 *
 * - **Drain.** A backend removed from the config or DNS, disabled in the
 *   config, or over its (lowered) `maxBackendConnections` has its excess
 *   sessions closed once that is confirmed on two consecutive ticks.
 * - **Failback (forced promotion).** Sessions on a tier with
 *   `forcePromotionAfter` are closed, so their clients reconnect nearer,
 *   once a better tier has had room continuously for that long — within a
 *   disruption budget (count and percentage per tick), never more than the
 *   better tiers can take (less the seats earlier moves still hold),
 *   optionally only sessions idle long enough. While
 *   the better tier's backends are in slow start, the budget shrinks to
 *   their share, so failback does not outrun the ramp.
 *
 * Drain closes are smeared over half a tick, failback closes over
 * `failback.jitter`, with random delays so they do not all land at once
 * (nor, across a fleet of sidecars, at the same instant). No I/O: time and
 * randomness come in as arguments.
 * @module
 */

import type { Failback } from "../config/mod.ts";

/** A session as maintenance sees it (those already scheduled to close are left out). */
export interface SessionView {
  readonly id: number;
  readonly backendKey: string;
  readonly tier: number;
  /** How long since it last moved a byte. */
  readonly idleMs: number;
}

/** A backend as maintenance sees it. */
export interface BackendView {
  readonly key: string;
  readonly tier: number;
  /** Most sessions; 0 is no limit. */
  readonly maxConnections: number;
  /** Removed from config or DNS: every session goes. */
  readonly retired: boolean;
  /** `disabled: true` in the config: every session goes. */
  readonly configDisabled: boolean;
  /** How many more sessions it can take now (0 when ineligible; Infinity when unlimited). */
  readonly room: number;
  /** Its slow-start share of new connections, 0–1 (absent: 1, not ramping). */
  readonly share?: number;
}

/** A decision to close one session. */
export interface Closure {
  readonly sessionId: number;
  readonly reason: "drain" | "failback" | "health";
  /** When, within the tick, to close it. */
  readonly delayMs: number;
  /** Plain words for logs and the decision log. */
  readonly why: string;
}

/** Everything one tick decides from. */
export interface MaintenanceInput {
  readonly now: number;
  readonly intervalMs: number;
  readonly backends: readonly BackendView[];
  readonly sessions: readonly SessionView[];
  /** `forcePromotionAfter` of each configured tier (0 = off). */
  readonly forcePromotionAfterMs: readonly number[];
  readonly failback: Failback;
  /** A number in [0, 1). */
  readonly rng: () => number;
  /**
   * Failback moves decided earlier whose clients may not have reconnected
   * yet (`MovesInFlight`): their seats on better tiers are taken.
   */
  readonly movesInFlight?: number;
}

/** How many consecutive ticks must agree before a drain closes sessions. */
export const DRAIN_CONFIRMATIONS = 2;

/** Holds what must persist between ticks: drain confirmations and "room since" times. */
export class MaintenancePlanner {
  readonly #confirmations = new Map<string, number>();
  readonly #roomSince = new Map<number, number>();

  /** Since when tiers better than `tier` have had room, if they have. */
  betterRoomSince(tier: number): number | undefined {
    return this.#roomSince.get(tier);
  }

  /** Decides this tick's closures. */
  plan(input: MaintenanceInput): Closure[] {
    return [...this.#drain(input), ...this.#failback(input)];
  }

  #drain(input: MaintenanceInput): Closure[] {
    // Most ticks have nothing to drain: skip grouping every session then.
    if (!input.backends.some((b) => b.retired || b.configDisabled || b.maxConnections > 0)) {
      this.#confirmations.clear();
      return [];
    }
    const byBackend = groupBy(input.sessions, (session) => session.backendKey);
    const closures: Closure[] = [];
    const seen = new Set<string>();
    for (const backend of input.backends) {
      seen.add(backend.key);
      const sessions = byBackend.get(backend.key) ?? [];
      const [excess, why] = backend.retired
        ? [sessions.length, "backend removed"]
        : backend.configDisabled
        ? [sessions.length, "target disabled in config"]
        : backend.maxConnections > 0 && sessions.length > backend.maxConnections
        ? [
          sessions.length - backend.maxConnections,
          `over maxBackendConnections ${backend.maxConnections}`,
        ]
        : [0, ""];
      if (excess === 0) {
        this.#confirmations.delete(backend.key);
        continue;
      }
      const confirmed = (this.#confirmations.get(backend.key) ?? 0) + 1;
      this.#confirmations.set(backend.key, confirmed);
      if (confirmed < DRAIN_CONFIRMATIONS) continue;
      for (const session of mostIdleFirst(sessions).slice(0, excess)) {
        closures.push({
          sessionId: session.id,
          reason: "drain",
          delayMs: smear(input),
          why: `${why}: ${backend.key}`,
        });
      }
    }
    for (const key of this.#confirmations.keys()) {
      if (!seen.has(key)) this.#confirmations.delete(key);
    }
    return closures;
  }

  #failback(input: MaintenanceInput): Closure[] {
    const tierCount = input.forcePromotionAfterMs.length;
    const roomInTier = Array.from({ length: tierCount }, () => 0);
    const shareSum = Array.from({ length: tierCount }, () => 0);
    const withRoom = Array.from({ length: tierCount }, () => 0);
    const retiredKeys = new Set<string>();
    for (const backend of input.backends) {
      if (backend.retired || backend.configDisabled) retiredKeys.add(backend.key);
      else if (backend.tier < tierCount) {
        roomInTier[backend.tier] = (roomInTier[backend.tier] ?? 0) + backend.room;
        if (backend.room > 0) {
          shareSum[backend.tier] = (shareSum[backend.tier] ?? 0) + (backend.share ?? 1);
          withRoom[backend.tier] = (withRoom[backend.tier] ?? 0) + 1;
        }
      }
    }
    // The nearest tier with room is where moved sessions land: its mean slow-start share.
    const nearest = withRoom.findIndex((count) => count > 0);
    const share = nearest < 0 ? 1 : (shareSum[nearest] as number) / (withRoom[nearest] as number);
    let betterRoom = 0;
    const roomBetterThan: number[] = [];
    const promised = input.movesInFlight ?? 0;
    for (let tier = 0; tier < tierCount; tier++) {
      roomBetterThan.push(Math.max(0, betterRoom - promised));
      if (betterRoom > 0) this.#roomSince.set(tier, this.#roomSince.get(tier) ?? input.now);
      else this.#roomSince.delete(tier);
      betterRoom += roomInTier[tier] ?? 0;
    }

    const onWorseTiers = input.sessions.filter((session) =>
      (input.forcePromotionAfterMs[session.tier] ?? 0) > 0 && !retiredKeys.has(session.backendKey)
    );
    const due = onWorseTiers.filter((session) => {
      const since = this.#roomSince.get(session.tier);
      const after = input.forcePromotionAfterMs[session.tier] ?? 0;
      return since !== undefined && input.now - since >= after &&
        session.idleMs >= input.failback.idleForMs;
    });
    const { maxSessions, maxPercent } = input.failback;
    let budget = maxSessions > 0 ? maxSessions : Infinity;
    if (maxPercent > 0) {
      budget = Math.min(budget, Math.max(1, Math.floor((onWorseTiers.length * maxPercent) / 100)));
    }
    if (share < 1) budget = scaledBudget(budget, share, due.length, input.rng);
    const closures: Closure[] = [];
    let moved = 0;
    const ordered = [...due].sort((a, b) => b.tier - a.tier || b.idleMs - a.idleMs);
    for (const session of ordered) {
      if (closures.length >= budget) break;
      if (moved >= (roomBetterThan[session.tier] ?? 0)) continue;
      moved++;
      closures.push({
        sessionId: session.id,
        reason: "failback",
        delayMs: Math.floor(input.rng() * input.failback.jitterMs),
        why: `a better tier than ${session.tier} has had room for ${
          Math.round(input.now - (this.#roomSince.get(session.tier) ?? input.now))
        }ms`,
      });
    }
    return closures;
  }
}

/**
 * A budget scaled to a slow-start share, rounded at random so small budgets
 * still move their expected number (2 × 0.3 moves 1 with chance 0.6).
 */
function scaledBudget(budget: number, share: number, due: number, rng: () => number): number {
  const expected = Math.min(budget, due) * share;
  return Math.floor(expected + rng());
}

function smear(input: MaintenanceInput): number {
  return Math.floor(input.rng() * input.intervalMs * 0.5);
}

function mostIdleFirst(sessions: readonly SessionView[]): SessionView[] {
  return [...sessions].sort((a, b) => b.idleMs - a.idleMs);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item)) ?? [];
    group.push(item);
    groups.set(key(item), group);
  }
  return groups;
}
