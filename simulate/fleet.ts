/**
 * The fleet simulation: N sidecars, each the real `Balancer` (pick, slow
 * start, passive health, recovery probes, health checks, latency
 * sub-tiers, maintenance: drain and failback), driven through its public
 * API on a virtual clock, against the scenario's backends and its script
 * of outages and recoveries. What the sidecar's I/O shell does around the
 * balancer — dial, retry the next pick after a failed dial, queue a client
 * while no backend can take it, probe a disabled backend when its time is
 * up, run the maintenance tick and close the sessions it names after their
 * delay — is mirrored here in a few lines each, with dials and probes
 * answered at once from the backend's state.
 * @module
 */

import {
  Balancer,
  DecisionLog,
  MovesInFlight,
  type ProbeResult,
  type SessionView,
} from "../src/balancer/mod.ts";
import type { Backend, Lease } from "../src/pool/mod.ts";
import { seededRandom } from "../toxiproxy/random.ts";
import { FleetMetrics } from "./metrics.ts";
import type { Scenario } from "./scenario.ts";
import { EventWheel } from "./wheel.ts";

// Event kinds.
const ARRIVAL = 0;
const START = 1;
const END = 2;
const CLOSE = 3;
const TICK = 4;
const REBALANCE = 5;
const RECOVERY = 6;
const HEALTH = 7;
const QUEUE_TIMEOUT = 8;
const SCRIPT = 9;
const SAMPLE = 10;

/** The virtual time, shared with sessions so they can answer `idleMs`. */
interface VirtualTime {
  now: number;
}

/**
 * An open session. It is also its own END event and the maintenance view
 * of itself (`SessionView`), so the hot path allocates nothing more.
 */
class Session implements SessionView {
  readonly kind = END;
  next: SimEvent | undefined = undefined;
  /** Its place in its sidecar's `sessions` (kept up to date by swap-removal). */
  slot: number;
  closing = false;
  gone = false;
  readonly backendKey: string;
  readonly tier: number;

  constructor(
    readonly id: number,
    readonly sidecar: Sidecar,
    readonly lease: Lease,
    /** The scenario's index of its backend. */
    readonly backend: number,
    readonly startedAt: number,
    /** When the client is done with it (a reconnect carries this over). */
    readonly endAt: number,
    readonly time: VirtualTime,
  ) {
    this.slot = sidecar.sessions.length;
    this.backendKey = lease.backend.key;
    this.tier = lease.backend.spec.tier;
  }

  /** Sessions are modelled as idle between their bytes: idle since they connected. */
  get idleMs(): number {
    return this.time.now - this.startedAt;
  }
}

interface Waiter {
  readonly endAt: number;
  done: boolean;
}

interface SimEvent {
  readonly kind: number;
  readonly sidecar: Sidecar | undefined;
  readonly data?: unknown;
  /** The wheel's link to the next event of the same millisecond. */
  next: SimEvent | undefined;
}

function ev(kind: number, sidecar: Sidecar | undefined, data: unknown): SimEvent {
  return { kind, sidecar, data, next: undefined };
}

class Sidecar {
  readonly balancer: Balancer;
  /** Open sessions, unordered (an array: removal swaps the last one in). */
  readonly sessions: Session[] = [];
  readonly waiting: Waiter[] = [];
  readonly pendingRecovery = new Set<string>();
  started = false;
  /** Sessions maintenance has scheduled to close. */
  closing = 0;
  /** Failback moves still holding a seat, as the sidecar's session registry counts them. */
  readonly moves = new MovesInFlight();

  constructor(readonly index: number, scenario: Scenario, decisions: DecisionLog) {
    this.balancer = new Balancer(`sidecar-${index}`, scenario.frontend.backendPool, decisions);
  }
}

/** What one run produced. */
export interface FleetRun {
  readonly sidecars: number;
  readonly metrics: FleetMetrics;
  /** Wall-clock time the run took (ms). */
  readonly elapsedMs: number;
  /** Events handled. */
  readonly events: number;
}

/** Runs the scenario for a fleet of `sidecars`. */
export function simulateFleet(scenario: Scenario, sidecars: number): FleetRun {
  const started = performance.now();
  const rng = seededRandom(scenario.seed);
  const pool = scenario.frontend.backendPool;
  const backendNames = scenario.backends.map((b) => b.name);
  const indexOfName = new Map(backendNames.map((name, i) => [name, i]));
  const up = scenario.backends.map(() => true);
  const load = new Int32Array(scenario.backends.length);
  const maxSessions = scenario.backends.map((b) => b.maxSessions);
  const latency = scenario.backends.map((b) => b.latencyMs);
  const indexOfKey = new Map<string, number>();
  const hosts = new Map<string, string[]>();
  for (const tier of pool.tiers) {
    for (const target of tier.targets) {
      for (const host of target.hosts) {
        hosts.set(host, [host]);
        indexOfKey.set(`${host}:${target.port}`, indexOfName.get(host) as number);
      }
    }
  }
  const answers = { hosts, srv: new Map() };
  const metrics = new FleetMetrics(scenario, sidecars);
  const wheel = new EventWheel<SimEvent>(scenario.durationMs);
  const decisions = new DecisionLog(1);
  const fleet = Array.from({ length: sidecars }, (_, i) => new Sidecar(i, scenario, decisions));
  const queueTimeoutMs = scenario.frontend.queueTimeoutMs;
  const time: VirtualTime = { now: 0 };
  let nextSessionId = 1;
  let waitingNow = 0;
  let events = 0;

  const backendIndex = (backend: Backend) => indexOfKey.get(backend.key) as number;
  // Probe outcomes are the same objects every time: no allocation per probe.
  const answered: ProbeResult[] = latency.map((latencyMs) => ({ ok: true, latencyMs }));
  const refused: ProbeResult = { ok: false, kind: "refused", message: "connection refused" };
  const probe = (backend: Backend): ProbeResult => {
    const g = backendIndex(backend);
    return up[g] ? answered[g] as ProbeResult : refused;
  };
  const sessionLength = (): number => {
    const mean = scenario.sessionLengthMs;
    switch (scenario.sessionDistribution) {
      case "fixed":
        return mean;
      case "uniform":
        return 2 * mean * rng();
      default:
        return -mean * Math.log(1 - rng());
    }
  };

  const planRecovery = (sidecar: Sidecar, backend: Backend) => {
    if (sidecar.pendingRecovery.has(backend.key)) return;
    sidecar.pendingRecovery.add(backend.key);
    wheel.at(backend.disabledUntil, ev(RECOVERY, sidecar, backend));
  };

  /** One admission attempt: dial the picks until one answers. False when none can take it. */
  const connect = (sidecar: Sidecar, endAt: number, now: number, counted = true): boolean => {
    for (;;) {
      const lease = sidecar.balancer.acquire(now);
      if (lease === undefined) return false;
      const backend = lease.backend;
      const g = backendIndex(backend);
      const full = (maxSessions[g] as number) > 0 &&
        (load[g] as number) >= (maxSessions[g] as number);
      if (!up[g] || full) {
        sidecar.balancer.dialFailed(backend, "refused", "connection refused", now);
        lease.release();
        metrics.refused(g, now);
        planRecovery(sidecar, backend);
        continue;
      }
      if (backend.recovering) sidecar.balancer.dialSucceeded(backend);
      const session = new Session(nextSessionId++, sidecar, lease, g, now, endAt, time);
      sidecar.sessions.push(session);
      load[g] = (load[g] as number) + 1;
      if (counted) metrics.connected(g, now);
      wheel.at(endAt, session);
      return true;
    }
  };

  const arrive = (sidecar: Sidecar, endAt: number, now: number) => {
    if (connect(sidecar, endAt, now)) return;
    const waiter: Waiter = { endAt, done: false };
    sidecar.waiting.push(waiter);
    waitingNow++;
    wheel.at(now + queueTimeoutMs, ev(QUEUE_TIMEOUT, sidecar, waiter));
  };

  /** Waiting clients try again in order (a session ended, a backend recovered). */
  const wake = (sidecar: Sidecar, now: number) => {
    while (sidecar.waiting.length > 0) {
      const waiter = sidecar.waiting[0] as Waiter;
      if (waiter.done) {
        sidecar.waiting.shift();
        continue;
      }
      if (!connect(sidecar, waiter.endAt, now)) return;
      waiter.done = true;
      waitingNow--;
      sidecar.waiting.shift();
    }
  };

  const end = (sidecar: Sidecar, session: Session, now: number) => {
    session.gone = true;
    sidecar.moves.ended(session.id, now);
    if (session.closing) sidecar.closing--;
    session.lease.release();
    load[session.backend] = (load[session.backend] as number) - 1;
    const last = sidecar.sessions.pop() as Session;
    if (last !== session) {
      sidecar.sessions[session.slot] = last;
      last.slot = session.slot;
    }
  };

  const reconnect = (sidecar: Sidecar, session: Session, now: number) => {
    if (scenario.reconnect && session.endAt > now) arrive(sidecar, session.endAt, now);
  };

  const script = (event: Scenario["events"][number], now: number) => {
    for (const name of event.up) up[indexOfName.get(name) as number] = true;
    const down = new Set(event.down.map((name) => indexOfName.get(name) as number));
    for (const g of down) up[g] = false;
    if (down.size === 0) return;
    for (const sidecar of fleet) {
      const cut = sidecar.sessions.filter((s) => down.has(s.backend));
      for (const session of cut) {
        end(sidecar, session, now);
        metrics.cut(session.backend, now);
      }
      for (const session of cut) reconnect(sidecar, session, now);
    }
  };

  const handle = (event: SimEvent, now: number) => {
    events++;
    time.now = now;
    const sidecar = event.sidecar as Sidecar;
    switch (event.kind) {
      case ARRIVAL: {
        const picked = fleet[Math.floor(rng() * sidecars)] as Sidecar;
        if (picked.started) arrive(picked, now + sessionLength(), now);
        // The exact arrival time is carried on: rounding each gap up to the ms would slow the rate.
        const next = (event.data as number) - Math.log(1 - rng()) * arrivalGapMs;
        wheel.at(next, ev(ARRIVAL, undefined, next));
        break;
      }
      case START: {
        sidecar.balancer.applyAnswers(answers, now, true);
        sidecar.started = true;
        // Start in the steady state: the sessions its clients would hold by now (not counted
        // as new connections: they stand for connections made before the run).
        for (let i = 0; i < warmSessions; i++) connect(sidecar, now + sessionLength(), now, false);
        wheel.at(now, ev(REBALANCE, sidecar, undefined));
        wheel.at(now + pool.maintenanceTimeMs, ev(TICK, sidecar, undefined));
        pool.tiers.forEach((tier, index) => {
          if (tier.healthCheck === undefined) return;
          wheel.at(now + tier.healthCheck.intervalMs, ev(HEALTH, sidecar, index));
        });
        break;
      }
      case END: {
        const session = event as Session;
        if (session.gone) break;
        end(sidecar, session, now);
        if (sidecar.waiting.length > 0) wake(sidecar, now);
        break;
      }
      case CLOSE: {
        const { session, reason } = event.data as { session: Session; reason: string };
        if (session.gone) break;
        end(sidecar, session, now);
        metrics.closed(session.backend, reason, now);
        reconnect(sidecar, session, now);
        break;
      }
      case TICK: {
        const views = sidecar.closing === 0
          ? sidecar.sessions
          : sidecar.sessions.filter((session) => !session.closing);
        const moves = sidecar.moves.count(now, pool.maintenanceTimeMs);
        const closures = sidecar.balancer.maintain(now, views, rng, moves);
        const byId = closures.length === 0
          ? undefined
          : new Map(sidecar.sessions.map((session) => [session.id, session]));
        for (const closure of closures) {
          const session = byId?.get(closure.sessionId);
          if (session === undefined) continue;
          session.closing = true;
          sidecar.closing++;
          if (closure.reason === "failback") sidecar.moves.closing(session.id);
          wheel.at(now + closure.delayMs, ev(CLOSE, sidecar, { session, reason: closure.reason }));
        }
        wheel.at(now + pool.maintenanceTimeMs, event);
        break;
      }
      case REBALANCE: {
        for (const backend of sidecar.balancer.backends) {
          if (backend.recovering) continue;
          const wasDisabled = backend.isDisabledAt(now);
          sidecar.balancer.probed(backend, "latency", probe(backend), now);
          metrics.probed(backendIndex(backend), now);
          if (!wasDisabled && backend.isDisabledAt(now)) planRecovery(sidecar, backend);
        }
        sidecar.balancer.regroupByLatency(now);
        wheel.at(now + scenario.frontend.rebalanceDurationMs, event);
        break;
      }
      case RECOVERY: {
        const backend = event.data as Backend;
        sidecar.pendingRecovery.delete(backend.key);
        if (!backend.recovering || sidecar.balancer.get(backend.key) !== backend) break;
        if (backend.isDisabledAt(now)) {
          planRecovery(sidecar, backend);
          break;
        }
        metrics.probed(backendIndex(backend), now);
        if (sidecar.balancer.probed(backend, "recovery", probe(backend), now)) wake(sidecar, now);
        if (backend.recovering) planRecovery(sidecar, backend);
        break;
      }
      case HEALTH: {
        const tier = event.data as number;
        for (const backend of sidecar.balancer.backends) {
          if (backend.spec.tier !== tier) continue;
          metrics.probed(backendIndex(backend), now);
          if (sidecar.balancer.probed(backend, "health", probe(backend), now)) wake(sidecar, now);
        }
        const interval = pool.tiers[tier]?.healthCheck?.intervalMs as number;
        wheel.at(now + interval, event);
        break;
      }
      case QUEUE_TIMEOUT: {
        const waiter = event.data as Waiter;
        if (waiter.done) break;
        waiter.done = true;
        waitingNow--;
        metrics.gaveUpWaiting(now);
        break;
      }
      case SCRIPT:
        script(event.data as Scenario["events"][number], now);
        break;
      case SAMPLE:
        metrics.sample(load, waitingNow, now);
        wheel.at(now + scenario.binMs, event);
        break;
    }
  };

  const arrivalGapMs = 1000 / (sidecars * scenario.arrivalsPerSecond);
  // Exponential lengths are memoryless: a held session's remaining length has the same law.
  const warmSessions = scenario.warm
    ? Math.round(scenario.arrivalsPerSecond * scenario.sessionLengthMs / 1000)
    : 0;
  for (const sidecar of fleet) {
    wheel.at(rng() * scenario.startSpreadMs, ev(START, sidecar, undefined));
  }
  for (const event of scenario.events) {
    wheel.at(event.atMs, ev(SCRIPT, undefined, event));
  }
  wheel.at(0, ev(ARRIVAL, undefined, 0));
  wheel.at(scenario.binMs - 1, ev(SAMPLE, undefined, undefined));
  wheel.run(handle);
  return { sidecars, metrics, elapsedMs: performance.now() - started, events };
}
