/**
 * A running frontend: its listener, sessions, and the timers that keep its
 * balancer current (discovery and latency every `rebalanceDuration`, health
 * checks, recovery probes, the maintenance tick). Wiring only: every
 * decision is the balancer's.
 * @module
 */

import { Balancer, type ProbePurpose } from "../balancer/balancer.ts";
import type { DecisionLog } from "../balancer/decisions.ts";
import type { Clock } from "../clock.ts";
import { formatHostPort, parseHostPort } from "../config/address.ts";
import type { Frontend } from "../config/types.ts";
import { Discovery } from "../discovery/discover.ts";
import { DIAL_SECONDS_BUCKETS, Histogram, SESSION_SECONDS_BUCKETS } from "../diag/histogram.ts";
import type { Resolver } from "../discovery/resolve.ts";
import type { Logger } from "../log/logger.ts";
import type { Backend } from "../pool/backend.ts";
import { Timers } from "../runtime/timers.ts";
import { Admission } from "./admission.ts";
import type { BufferPool } from "./buffer_pool.ts";
import type { Dialer, DialError } from "./dial.ts";
import { IdleTracker, sweepIntervalMs } from "./idle.ts";
import { probeBackend } from "./probe.ts";
import { type EndReason, Session } from "./session.ts";

/** What every frontend shares. */
export interface FrontendDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly resolver: Resolver;
  readonly dialer: Dialer;
  readonly buffers: BufferPool;
  readonly decisions: DecisionLog;
  /** A number in [0, 1), for smearing closes. */
  readonly rng: () => number;
}

/** A frontend that cannot start, e.g. its address is taken. */
export class ListenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ListenError";
  }
}

/** A frontend's counters for metrics; they only go up. */
export interface FrontendStats {
  sessionsAccepted: number;
  /** Ended sessions by how they ended. */
  readonly endings: Map<EndReason, number>;
  readonly dialSeconds: Histogram;
  readonly sessionSeconds: Histogram;
}

/** A listening frontend and its sessions. */
export class RunningFrontend implements AsyncDisposable {
  readonly stats: FrontendStats = {
    sessionsAccepted: 0,
    endings: new Map(),
    dialSeconds: new Histogram(DIAL_SECONDS_BUCKETS),
    sessionSeconds: new Histogram(SESSION_SECONDS_BUCKETS),
  };
  readonly balancer: Balancer;
  readonly sessions = new Map<number, Session>();
  readonly discovery = new Discovery();
  /** The address actually bound, `host:port` (the real port when 0 was asked). */
  readonly address: string;
  #config: Frontend;
  readonly #deps: FrontendDeps;
  readonly #admission: Admission;
  readonly #listener: Deno.TcpListener;
  readonly #acceptLoop: Promise<void>;
  readonly #running = new Set<Promise<void>>();
  readonly #idle = new IdleTracker<Session>();
  readonly #timers = new Timers();
  readonly #loops = new Timers();
  readonly #recovery = new Map<string, () => void>();
  readonly #closing = new Set<number>();
  readonly #stopProbes = new AbortController();
  #rebalancing = false;
  #dnsRetry: (() => void) | undefined;
  #nextSessionId = 1;

  private constructor(config: Frontend, deps: FrontendDeps, listener: Deno.TcpListener) {
    this.#config = config;
    this.#deps = deps;
    this.#listener = listener;
    this.balancer = new Balancer(config.name, config.backendPool, deps.decisions);
    this.#admission = new Admission(
      (now) => this.balancer.acquire(now),
      this.balancer.pool,
      deps.clock,
    );
    const bound = listener.addr as Deno.NetAddr;
    this.address = formatHostPort(bound.hostname, bound.port);
    this.#acceptLoop = this.#accept();
  }

  /**
   * Starts listening, resolves the backends and starts the loops.
   *
   * @throws {ListenError} when the bind address cannot be bound
   */
  static async start(config: Frontend, deps: FrontendDeps): Promise<RunningFrontend> {
    const { hostname, port } = parseHostPort(config.bindAddress) as {
      hostname: string;
      port: number;
    };
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname: hostname === "" ? "0.0.0.0" : hostname, port });
    } catch (error) {
      throw new ListenError(
        `frontend ${config.name}: cannot listen on ${config.bindAddress}: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
    const frontend = new RunningFrontend(config, deps, listener);
    await frontend.refreshDiscovery(true);
    frontend.#startLoops();
    return frontend;
  }

  /** The frontend config in force. */
  get config(): Frontend {
    return this.#config;
  }

  /** Clients waiting for a backend. */
  get waiting(): number {
    return this.#admission.waiting;
  }

  /**
   * Takes a new config for the same bind address (a reload): sessions stay,
   * backends are reconciled by address, loops restart with the new periods.
   */
  async update(config: Frontend): Promise<void> {
    this.#config = config;
    this.balancer.configure(config.backendPool);
    this.#loops.clear();
    this.#dnsRetry = undefined;
    await this.refreshDiscovery();
    this.#startLoops();
  }

  /** Resolves every name again and applies the answers to the pool. */
  async refreshDiscovery(initial = false): Promise<void> {
    const tiers = this.#config.backendPool.tiers;
    const { answers, failures } = await this.discovery.refresh(
      tiers,
      this.#deps.resolver,
      this.#deps.clock.now(),
    );
    let neverResolved = false;
    for (const [name, error] of failures) {
      const kept = answers.hosts.has(name) || answers.srv.has(name);
      neverResolved ||= !kept;
      this.#deps.log.warn("cannot resolve backend name", {
        frontend: this.#config.name,
        name,
        error,
        kept: kept ? "last good answer" : "nothing",
      });
    }
    this.balancer.applyAnswers(answers, this.#deps.clock.now(), initial);
    this.#admission.wakeAll();
    // One pending retry at most: every refresh would otherwise start a chain of its own.
    if (neverResolved && this.#dnsRetry === undefined) {
      const retryMs = Math.min(...tiers.map((tier) => tier.disableFor.dnsMs));
      this.#dnsRetry = this.#loops.after(retryMs, () => {
        this.#dnsRetry = undefined;
        void this.refreshDiscovery();
      });
    }
  }

  /** Stops accepting new clients; resolves once the listener is really closed. */
  async stopAccepting(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    await this.#acceptLoop;
  }

  /** Closes every open session with `reason`. */
  closeSessions(reason: EndReason): void {
    for (const session of this.sessions.values()) session.close(reason);
  }

  /** Resolves when every session has ended. */
  async sessionsDone(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#loops[Symbol.dispose]();
    this.#timers[Symbol.dispose]();
    this.#stopProbes.abort();
    await this.stopAccepting();
    this.closeSessions("shutdown");
    await this.sessionsDone();
    this.#admission[Symbol.dispose]();
  }

  #startLoops(): void {
    const config = this.#config;
    // Measure latency at once rather than a whole rebalanceDuration later.
    this.#loops.after(0, () => void this.#rebalance(false));
    this.#loops.every(sweepIntervalMs(config.idleDurationMs), () => this.#closeIdle());
    this.#loops.every(config.rebalanceDurationMs, () => void this.#rebalance());
    this.#loops.every(config.backendPool.maintenanceTimeMs, () => this.#maintain());
    config.backendPool.tiers.forEach((tier, index) => {
      if (tier.healthCheck === undefined) return;
      this.#loops.every(tier.healthCheck.intervalMs, () => void this.#checkHealth(index));
    });
  }

  async #rebalance(refreshNames = true): Promise<void> {
    if (this.#rebalancing) return;
    this.#rebalancing = true;
    try {
      if (refreshNames) await this.refreshDiscovery();
      const live = this.balancer.pool.backends.filter((b) => !b.recovering);
      await Promise.all(live.map((backend) => this.#probe(backend, "latency")));
      this.balancer.regroupByLatency(this.#deps.clock.now());
    } finally {
      this.#rebalancing = false;
    }
  }

  async #checkHealth(tierIndex: number): Promise<void> {
    const backends = this.balancer.pool.backends.filter((b) => b.spec.tier === tierIndex);
    await Promise.all(backends.map((backend) => this.#probe(backend, "health")));
  }

  async #probe(backend: Backend, purpose: ProbePurpose): Promise<void> {
    const tier = this.balancer.tierOf(backend);
    const check = tier?.healthCheck;
    const options = check === undefined
      ? { timeoutMs: backend.spec.dialTimeoutMs, send: "", expect: "" }
      : { timeoutMs: check.timeoutMs, send: check.send, expect: check.expect };
    const { dialer, clock } = this.#deps;
    const result = await probeBackend(
      dialer,
      backend.spec,
      options,
      clock,
      this.#stopProbes.signal,
    );
    if (this.#stopProbes.signal.aborted) return;
    const wasDisabled = backend.isDisabledAt(clock.now());
    if (this.balancer.probed(backend, purpose, result, clock.now())) {
      this.#deps.log.info("backend recovered", {
        frontend: this.#config.name,
        backend: backend.key,
        purpose,
      });
      this.#admission.wakeAll();
    }
    if (!wasDisabled && backend.isDisabledAt(clock.now())) this.#planRecovery(backend);
  }

  #onDialFailure = (backend: Backend, error: DialError): void => {
    const durationMs = this.balancer.dialFailed(
      backend,
      error.kind,
      error.reason,
      this.#deps.clock.now(),
    );
    this.#deps.log.warn("backend disabled after a failed dial", {
      frontend: this.#config.name,
      backend: backend.key,
      tier: backend.spec.tierName,
      kind: error.kind,
      forMs: durationMs,
    });
    this.#planRecovery(backend);
  };

  #onDialSuccess = (backend: Backend, dialMs: number): void => {
    this.balancer.pool.recovered(backend);
    this.stats.dialSeconds.observe(dialMs / 1000);
  };

  #onEnd = (session: Session): void => {
    const reason = session.endReason ?? "error";
    this.stats.endings.set(reason, (this.stats.endings.get(reason) ?? 0) + 1);
    this.stats.sessionSeconds.observe((this.#deps.clock.now() - session.startedAt) / 1000);
    const backend = session.backend;
    if (backend !== undefined) {
      backend.bytesUpEnded += session.up.bytes;
      backend.bytesDownEnded += session.down.bytes;
    }
  };

  /** Probes a disabled backend as soon as its disable time is up, until it recovers. */
  #planRecovery(backend: Backend): void {
    this.#recovery.get(backend.key)?.();
    const waitMs = backend.disabledUntil - this.#deps.clock.now();
    this.#recovery.set(
      backend.key,
      this.#timers.after(waitMs, async () => {
        this.#recovery.delete(backend.key);
        if (!backend.recovering || this.balancer.pool.get(backend.key) !== backend) return;
        await this.#probe(backend, "recovery");
        if (backend.recovering) this.#planRecovery(backend);
      }),
    );
  }

  #maintain(): void {
    const now = this.#deps.clock.now();
    const views = [];
    for (const session of this.sessions.values()) {
      const backend = session.backend;
      if (backend === undefined || !session.connected || this.#closing.has(session.id)) continue;
      views.push({
        id: session.id,
        backendKey: backend.key,
        tier: backend.spec.tier,
        idleMs: this.#idle.observe(session, now),
      });
    }
    for (const closure of this.balancer.maintain(now, views, this.#deps.rng)) {
      const session = this.sessions.get(closure.sessionId);
      if (session === undefined) continue;
      this.#closing.add(session.id);
      this.#deps.log.info("closing session", {
        frontend: this.#config.name,
        session: session.id,
        reason: closure.reason,
        why: closure.why,
        inMs: closure.delayMs,
      });
      this.#timers.after(closure.delayMs, () => session.close(closure.reason));
    }
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) this.#startSession(client);
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) {
        this.#deps.log.error("accept failed", {
          frontend: this.#config.name,
          error: (error as Error).message,
        });
      }
    }
  }

  #startSession(client: Deno.TcpConn): void {
    const session = new Session(this.#nextSessionId++, client, this.#deps.clock.now());
    this.sessions.set(session.id, session);
    this.stats.sessionsAccepted++;
    const running = session.run({
      frontendName: this.#config.name,
      admission: this.#admission,
      onDialFailure: this.#onDialFailure,
      onDialSuccess: this.#onDialSuccess,
      onEnd: this.#onEnd,
      dialer: this.#deps.dialer,
      buffers: this.#deps.buffers,
      clock: this.#deps.clock,
      log: this.#deps.log,
      queueTimeoutMs: this.#config.queueTimeoutMs,
    }).finally(() => {
      this.sessions.delete(session.id);
      this.#closing.delete(session.id);
      this.#running.delete(running);
    });
    this.#running.add(running);
  }

  #closeIdle(): void {
    const now = this.#deps.clock.now();
    for (const session of this.sessions.values()) {
      if (this.#idle.isIdle(session, now, this.#config.idleDurationMs)) session.close("idle");
    }
  }
}
