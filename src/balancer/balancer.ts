/**
 * A frontend's balancer: the pool plus everything that decides about its
 * backends — discovery diffs, passive failures, probes, health checks,
 * latency sub-tiers, maintenance (drain, failback) — and the decision log
 * that explains it. Pure: no sockets, no timers; time comes in as `now`.
 * @module
 */

import type { BackendPool, Tier } from "../config/mod.ts";
import type { Answers } from "../discovery/mod.ts";
import { type Backend, type FailureKind, type Lease, Pool, type PoolDiff } from "../pool/mod.ts";
import type { DecisionKind, DecisionLog } from "./decisions.ts";
import { attachHealth, type HealthState } from "./health.ts";
import { assignSubTiers } from "./latency.ts";
import { type Closure, MaintenancePlanner, type SessionView } from "./maintenance.ts";
import { SlowStart } from "./slow_start.ts";
import { backendSpecs } from "./targets.ts";

/** Why a probe ran: each outcome is handled a little differently. */
export type ProbePurpose = "recovery" | "latency" | "health";

/** A probe's outcome. */
export type ProbeResult =
  | { readonly ok: true; readonly latencyMs: number }
  | { readonly ok: false; readonly kind: FailureKind; readonly message: string };

/** Decides about one frontend's backends. */
export class Balancer {
  readonly #pool = new Pool();
  readonly #frontend: string;
  readonly #decisions: DecisionLog;
  readonly #planner = new MaintenancePlanner();
  readonly #health = new Map<string, HealthState>();
  readonly #slowStart = new SlowStart();
  #config: BackendPool;
  #servingTier: number | undefined;

  constructor(frontend: string, config: BackendPool, decisions: DecisionLog) {
    this.#frontend = frontend;
    this.#config = config;
    this.#decisions = decisions;
  }

  /** Every current backend, in tier order. */
  get backends(): readonly Backend[] {
    return this.#pool.backends;
  }

  /** Removed backends still draining their sessions. */
  get retired(): readonly Backend[] {
    return this.#pool.retired;
  }

  /** The live backend with this address, if any. */
  get(key: string): Backend | undefined {
    return this.#pool.get(key);
  }

  /** Calls `listener` whenever a lease is released; returns its removal. */
  onRelease(listener: (backend: Backend) => void): () => void {
    return this.#pool.onRelease(listener);
  }

  /** A dial to `backend` succeeded: it takes sessions again at once. */
  dialSucceeded(backend: Backend): void {
    this.#pool.recovered(backend);
  }

  /** The backend pool config in force. */
  get config(): BackendPool {
    return this.#config;
  }

  /** Takes a new backend pool config (a reload); call `applyAnswers` next. */
  configure(config: BackendPool): void {
    this.#config = config;
  }

  /** The tier config of a backend. */
  tierOf(backend: Backend): Tier | undefined {
    return this.#config.tiers[backend.spec.tier];
  }

  /** Makes the pool match the config and the latest discovery answers. */
  applyAnswers(answers: Answers, now: number, initial = false): PoolDiff {
    const diff = this.#pool.apply(backendSpecs(this.#config.tiers, answers));
    attachHealth(this.#health, diff, initial, (b) => this.tierOf(b)?.healthCheck !== undefined);
    // Health state lives on a removed backend (for status) but is not kept for it.
    for (const backend of diff.removed) {
      this.#health.delete(backend.key);
      this.#slowStart.forget(backend.key);
    }
    if (!initial) {
      for (const backend of diff.added) {
        this.#slowStart.began(backend.key, now, this.tierOf(backend));
        this.#record(now, "discovery", `joined ${backend.spec.tierName}`, backend);
      }
      for (const backend of diff.removed) {
        this.#record(now, "discovery", `removed from ${backend.spec.tierName}; draining`, backend);
      }
    }
    return diff;
  }

  /** Leases the best backend, noting when the serving tier changes and why. */
  acquire(now: number): Lease | undefined {
    const admit = this.#slowStart.admitter(now);
    const lease = this.#pool.acquire(now, admit);
    const tier = lease?.backend.spec.tier ?? -1;
    // A pick a ramping backend declined is no failover: noting it would flap the serving tier.
    const serving = this.#servingTier ?? -1;
    const declined = admit !== undefined && serving >= 0 && tier > serving;
    if (tier !== this.#servingTier && !declined) {
      const previous = this.#servingTier;
      this.#servingTier = tier;
      if (previous !== undefined || tier > 0) this.#noteServingTier(now, previous, lease?.backend);
    }
    return lease;
  }

  /** A dial failed: disable the backend for its failure class's time. Returns that time. */
  dialFailed(backend: Backend, kind: FailureKind, message: string, now: number): number {
    const tier = this.tierOf(backend);
    const disableFor = tier?.disableFor;
    const durationMs = disableFor === undefined
      ? backend.spec.dialTimeoutMs
      : kind === "refused"
      ? disableFor.refusedMs
      : kind === "timeout"
      ? disableFor.timeoutMs
      : disableFor.otherMs;
    const wasEligible = backend.isEligible(now);
    this.#pool.disable(backend, kind, message, now, durationMs);
    this.#slowStart.forget(backend.key);
    if (wasEligible) {
      this.#record(now, "disable", `${kind}: ${message}; disabled for ${durationMs}ms`, backend);
    }
    return durationMs;
  }

  /**
   * Applies a probe's outcome. Returns true when the backend became
   * eligible again (waiting clients should retry).
   */
  probed(backend: Backend, purpose: ProbePurpose, result: ProbeResult, now: number): boolean {
    const tier = this.tierOf(backend);
    if (purpose === "health") {
      const state = this.#health.get(backend.key);
      const check = tier?.healthCheck;
      if (state !== undefined && check !== undefined) {
        const detail = result.ok
          ? `ok in ${result.latencyMs.toFixed(1)}ms`
          : `${result.kind}: ${result.message}`;
        const transition = state.record(result.ok, check.rise, check.fall, now, detail);
        if (transition !== undefined) {
          this.#record(now, "health", `${transition}: ${detail}`, backend);
        }
        if (transition === "went down" || transition === "failed its first check") {
          this.#slowStart.forget(backend.key);
        }
        if (transition === "came up") this.#slowStart.began(backend.key, now, this.tierOf(backend));
        if (transition === "came up") return true;
      }
      if (result.ok) backend.measured(result.latencyMs);
      return false;
    }
    if (!result.ok) {
      if (purpose === "recovery" || backend.isEligible(now)) {
        this.dialFailed(backend, result.kind, result.message, now);
      }
      return false;
    }
    backend.measured(result.latencyMs);
    if (!backend.recovering || backend.isDisabledAt(now)) return false;
    this.#pool.recovered(backend);
    this.#slowStart.began(backend.key, now, this.tierOf(backend));
    this.#record(now, "recover", `probe succeeded in ${result.latencyMs.toFixed(1)}ms`, backend);
    return true;
  }

  /** Its slow-start share of the new sessions it would get at `now` (1: not ramping). */
  slowStartShare(backend: Backend, now: number): number {
    return this.#slowStart.share(backend.key, now);
  }

  /** Backends whose disable time is up and that wait for a recovery probe. */
  awaitingRecovery(now: number): Backend[] {
    return this.#pool.backends.filter((b) => b.recovering && !b.isDisabledAt(now));
  }

  /** Regroups backends into latency sub-tiers from their last measurements. */
  regroupByLatency(now: number): void {
    const backends = this.#pool.backends;
    const subTiers = assignSubTiers(
      backends.map((b) => ({
        key: b.key,
        tier: b.spec.tier,
        latencyMs: b.latencyMs,
        subTier: b.subTier,
      })),
      this.#config.latencyBucketMs,
    );
    for (const backend of backends) {
      const next = subTiers.get(backend.key) ?? 0;
      if (next === backend.subTier) continue;
      const fastest = Math.min(
        ...backends.filter((b) => b.spec.tier === backend.spec.tier && b.latencyMs !== undefined)
          .map((b) => b.latencyMs as number),
      );
      this.#record(
        now,
        "latency",
        `sub-tier ${backend.subTier} → ${next}: ${backend.latencyMs?.toFixed(1)}ms vs ${
          fastest.toFixed(1)
        }ms`,
        backend,
      );
      backend.moveToSubTier(next);
    }
  }

  /** The maintenance tick: closures for drains and failback (less seats `movesInFlight` hold). */
  maintain(
    now: number,
    sessions: readonly SessionView[],
    rng: () => number,
    movesInFlight = 0,
  ): Closure[] {
    this.#pool.pruneRetired();
    const backends = [
      ...this.#pool.backends.map((b) => ({
        key: b.key,
        tier: b.spec.tier,
        maxConnections: b.spec.maxConnections,
        retired: false,
        configDisabled: b.spec.configDisabled,
        room: !b.isEligible(now)
          ? 0
          : b.spec.maxConnections === 0
          ? Infinity
          : b.spec.maxConnections - b.load,
        share: this.#slowStart.share(b.key, now),
      })),
      ...this.#pool.retired.map((b) => ({
        key: b.key,
        tier: b.spec.tier,
        maxConnections: b.spec.maxConnections,
        retired: true,
        configDisabled: b.spec.configDisabled,
        room: 0,
      })),
    ];
    const closures = this.#planner.plan({
      now,
      intervalMs: this.#config.maintenanceTimeMs,
      backends,
      sessions,
      forcePromotionAfterMs: this.#config.tiers.map((tier) => tier.forcePromotionAfterMs),
      failback: this.#config.failback,
      rng,
      movesInFlight,
    });
    for (const closure of closures) this.#record(now, closure.reason, closure.why);
    return closures;
  }

  /** Since when a better tier than `tier` has had room (for status pages). */
  betterRoomSince(tier: number): number | undefined {
    return this.#planner.betterRoomSince(tier);
  }

  #noteServingTier(now: number, previous: number | undefined, backend: Backend | undefined): void {
    const tier = backend?.spec.tier ?? -1;
    const name = (index: number) => this.#config.tiers[index]?.name ?? `tier-${index}`;
    if (tier >= 0 && previous !== undefined && (previous < 0 || tier < previous)) {
      this.#record(now, "return", `new sessions go to ${name(tier)} again`, backend);
      return;
    }
    const better = this.#pool.backends.filter((b) => tier < 0 || b.spec.tier < tier);
    const reasons = better.map((b) => `${b.key} ${b.ineligibility(now) ?? "eligible"}`);
    const allFull = better.length > 0 &&
      better.every((b) => !b.hasRoom() && b.ineligibility(now)?.startsWith("full"));
    const kind: DecisionKind = allFull ? "spill" : "failover";
    const target = tier < 0 ? "no eligible backend" : `new sessions go to ${name(tier)}`;
    this.#record(now, kind, `${target}: ${reasons.join("; ") || "no backends"}`, backend);
  }

  #record(now: number, kind: DecisionKind, reason: string, backend?: Backend): void {
    this.#decisions.record({
      at: now,
      kind,
      frontend: this.#frontend,
      ...(backend === undefined ? {} : { backend: backend.key }),
      reason,
    });
  }
}
