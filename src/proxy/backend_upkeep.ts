/**
 * Keeps one frontend's backends current and hands out leases on them: owns
 * the balancer, discovery and every periodic job (DNS refresh and retry,
 * latency probes, health checks, the maintenance tick); the probes
 * themselves and recovery are `UpkeepProbes`.
 * Sessions see it only as a `LeaseSource`; diagnostics only through
 * `snapshot()`. Wiring only: every decision is the balancer's.
 * @module
 */

import { Balancer, type Closure, type DecisionLog, type SessionView } from "../balancer/mod.ts";
import type { Frontend } from "../config/mod.ts";
import { Discovery, type Resolver } from "../discovery/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Lease } from "../pool/mod.ts";
import { type Scheduler, TimerGroup } from "../scheduler.ts";
import { Admission } from "./admission.ts";
import type { Dialer } from "./dial.ts";
import type { FrontendStats } from "./frontend_stats.ts";
import { NameFailureLog } from "./name_failure_log.ts";
import type { ProtocolProbe } from "./protocol_probe.ts";
import type { LeaseSource, SessionLease } from "./session_lease.ts";
import { type LeaseReports, UpkeepLease } from "./upkeep_lease.ts";
import { UpkeepProbes } from "./upkeep_probes.ts";
import { backendSnapshot, type UpkeepSnapshot } from "./snapshot.ts";

/** What the upkeep needs from the sidecar. */
export interface UpkeepDeps {
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly resolver: Resolver;
  readonly dialer: Dialer;
  readonly decisions: DecisionLog;
  /** A number in [0, 1), for smearing closes. */
  readonly rng: () => number;
}

/** The frontend's sessions, as maintenance sees and closes them. */
export interface SessionDirectory {
  views(now: number): SessionView[];
  closeLater(closure: Closure): void;
  /** Failback moves still holding a seat: closing, or ended less than `windowMs` ago. */
  movesInFlight(now: number, windowMs: number): number;
}

/** One frontend's backends, kept current. */
export class BackendUpkeep implements LeaseSource, Disposable {
  readonly #deps: UpkeepDeps;
  readonly #sessions: SessionDirectory;
  readonly #stats: FrontendStats;
  readonly #balancer: Balancer;
  readonly #discovery = new Discovery();
  readonly #names: NameFailureLog;
  readonly #admission: Admission;
  readonly #probes: UpkeepProbes;
  /** The periodic jobs, restarted with new periods on a reload. */
  readonly #loops: TimerGroup;
  #config: Frontend;
  #rebalancing = false;
  #dnsRetry: (() => void) | undefined;
  /** Set while the first look at the backends runs; leases wait for it. */
  #firstLook: Promise<void> | undefined;

  constructor(
    config: Frontend,
    deps: UpkeepDeps,
    sessions: SessionDirectory,
    stats: FrontendStats,
  ) {
    this.#config = config;
    this.#deps = deps;
    this.#sessions = sessions;
    this.#stats = stats;
    this.#loops = new TimerGroup(deps.scheduler);
    this.#names = new NameFailureLog(deps.scheduler, deps.log);
    this.#balancer = new Balancer(config.name, config.backendPool, deps.decisions);
    this.#admission = new Admission(
      (now) => this.#balancer.acquire(now),
      (listener) => this.#balancer.onRelease(listener),
      deps.scheduler,
    );
    this.#probes = new UpkeepProbes(
      deps,
      this.#balancer,
      () => this.#config.name,
      () => this.#admission.wakeAll(),
    );
  }

  /** Clients waiting for a backend. */
  get waiting(): number {
    return this.#admission.waiting;
  }

  /** Resolves the backends (a protocol frontend also checks them), then starts the jobs. */
  async start(): Promise<void> {
    this.#firstLook = this.#lookFirst();
    await this.#firstLook;
    this.#firstLook = undefined;
    this.#startLoops();
  }

  async #lookFirst(): Promise<void> {
    await this.refreshDiscovery(true);
    // Health checks that speak the protocol run before the first lease, so that (say)
    // a standby under `role: primary` is never picked, not even at start.
    if (!this.#probes.speaksProtocol) return;
    const tiers = this.#config.backendPool.tiers;
    await Promise.all(tiers.map((tier, i) => tier.healthCheck && this.#probes.checkHealth(i)));
  }

  /** Takes a reloaded config: backends reconciled by address, jobs restarted. */
  async update(config: Frontend): Promise<void> {
    this.#config = config;
    this.#balancer.configure(config.backendPool);
    this.#loops.clear();
    this.#dnsRetry = undefined;
    await this.refreshDiscovery();
    this.#startLoops();
  }

  /** Health and recovery probes speak the frontend's protocol (undefined: plain checks). */
  useProtocolProbe(probe: ProtocolProbe | undefined): void {
    this.#probes.useProtocolProbe(probe);
  }

  tryAcquire(): SessionLease | undefined {
    return this.#sessionLease(this.#firstLook ? undefined : this.#admission.tryAcquire());
  }

  async acquire(timeoutMs: number, signal: AbortSignal): Promise<SessionLease | undefined> {
    if (this.#firstLook !== undefined) await this.#firstLook;
    return this.#sessionLease(await this.#admission.acquire(timeoutMs, signal));
  }

  /** Resolves every name again and applies the answers to the pool. */
  async refreshDiscovery(initial = false): Promise<void> {
    const { resolver, scheduler } = this.#deps;
    const tiers = this.#config.backendPool.tiers;
    const { answers, failures } = await this.#discovery.refresh(tiers, resolver, scheduler.now());
    const neverResolved = this.#names.record(
      this.#config.name,
      failures,
      (name) => answers.hosts.has(name) || answers.srv.has(name),
    );
    const { added } = this.#balancer.applyAnswers(answers, scheduler.now(), initial);
    this.#admission.wakeAll();
    void this.#probes.checkJoined(added);
    // One pending retry at most: every refresh would otherwise start a chain of its own.
    if (neverResolved && this.#dnsRetry === undefined) {
      const retryMs = Math.min(...tiers.map((tier) => tier.disableFor.dnsMs));
      this.#dnsRetry = this.#loops.after(retryMs, () => {
        this.#dnsRetry = undefined;
        void this.refreshDiscovery();
      });
    }
  }

  /** The backends as diagnostics show them, at `now`. */
  snapshot(now: number): UpkeepSnapshot {
    const balancer = this.#balancer;
    return {
      backends: balancer.backends.map((backend) =>
        backendSnapshot(backend, now, false, balancer.slowStartShare(backend, now))
      ),
      retired: balancer.retired.map((backend) => backendSnapshot(backend, now, true)),
      betterRoomSince: this.#config.backendPool.tiers.map((_, index) =>
        balancer.betterRoomSince(index)
      ),
      unresolvedNames: [...this.#discovery.failing].map(([name, failure]) => ({
        name,
        ...failure,
      })),
    };
  }

  /** Stops every periodic job and probe; leases still work (for the sessions left). */
  stopJobs(): void {
    this.#loops[Symbol.dispose]();
    this.#probes[Symbol.dispose]();
  }

  /** Stops the jobs and wakes any client still waiting (call once sessions are done). */
  [Symbol.dispose](): void {
    this.stopJobs();
    this.#admission[Symbol.dispose]();
  }

  #sessionLease(lease: Lease | undefined): SessionLease | undefined {
    return lease === undefined ? undefined : new UpkeepLease(lease, this.#reports);
  }

  /** What a session's lease reports to; one object for all of them. */
  readonly #reports: LeaseReports = {
    connected: (backend, dialMs) => {
      this.#balancer.dialSucceeded(backend);
      this.#stats.dialled(dialMs);
    },
    failed: (backend, error) =>
      this.#probes.dialFailed(backend, { kind: error.kind, message: error.reason }),
  };

  #startLoops(): void {
    const config = this.#config;
    // Measure latency at once rather than a whole rebalanceDuration later.
    this.#loops.after(0, () => void this.#rebalance(false));
    this.#loops.every(config.rebalanceDurationMs, () => void this.#rebalance());
    this.#loops.every(config.backendPool.maintenanceTimeMs, () => this.#maintain());
    config.backendPool.tiers.forEach((tier, index) => {
      if (tier.healthCheck === undefined) return;
      this.#loops.every(tier.healthCheck.intervalMs, () => void this.#probes.checkHealth(index));
    });
  }

  async #rebalance(refreshNames = true): Promise<void> {
    if (this.#rebalancing) return;
    this.#rebalancing = true;
    try {
      if (refreshNames) await this.refreshDiscovery();
      await this.#probes.measureLatency();
      this.#balancer.regroupByLatency(this.#deps.scheduler.now());
    } finally {
      this.#rebalancing = false;
    }
  }

  #maintain(): void {
    const now = this.#deps.scheduler.now();
    const views = this.#sessions.views(now);
    // A moved client has a tick to reconnect before its seat counts as free again.
    const moves = this.#sessions.movesInFlight(now, this.#config.backendPool.maintenanceTimeMs);
    for (const closure of this.#balancer.maintain(now, views, this.#deps.rng, moves)) {
      this.#sessions.closeLater(closure);
    }
  }
}
