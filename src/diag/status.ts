/**
 * The status picture diagnostics serve: every frontend → tier → backend
 * with its load, latency, health and a plain-words reason why it is or is
 * not eligible right now, plus reload state and recent decisions. Built
 * from the running objects without I/O; `now` comes in.
 * @module
 */

import type { Decision } from "../balancer/mod.ts";
import type { FdView } from "../net/mod.ts";
import { type ListenerStall, notReadyReasons } from "./readiness.ts";
import type { FailureKind } from "../pool/mod.ts";
import type { BackendSnapshot, FrontendSnapshot } from "../proxy/mod.ts";

/** The reloader's state, as status shows it. */
export interface ReloadView {
  readonly lastSuccessAt: number | undefined;
  /** The last failed reload, until a later one succeeds. */
  readonly lastError: {
    readonly at: number;
    readonly trigger: string;
    readonly problems: readonly string[];
  } | undefined;
  readonly successes: number;
  readonly failures: number;
}

/** One backend, as `/statusz` shows it. */
export interface BackendStatus {
  readonly address: string;
  readonly tier: number;
  readonly tierName: string;
  readonly subTier: number;
  readonly load: number;
  /** 0 is no limit. */
  readonly max: number;
  readonly latencyMs: number | null;
  readonly health: "up" | "down" | "unchecked";
  readonly healthDetail: string | null;
  /** ISO time, while disabled by a failure. */
  readonly disabledUntil: string | null;
  readonly lastFailure: {
    readonly kind: FailureKind;
    readonly message: string;
    readonly at: string;
  } | null;
  readonly eligible: boolean;
  /** Why it is or is not eligible, in plain words. */
  readonly reason: string;
  /** Removed from config or DNS, draining its sessions. */
  readonly retired: boolean;
  readonly sessionsTotal: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly failures: Readonly<Partial<Record<FailureKind, number>>>;
}

/** One configured tier. */
export interface TierStatus {
  readonly index: number;
  readonly name: string;
  readonly maxBackendConnections: number;
  readonly forcePromotionAfterMs: number;
  /** Since when a better tier has had room (ISO), if it has. */
  readonly betterTierRoomSince: string | null;
  readonly backends: readonly BackendStatus[];
}

/** One frontend. */
export interface FrontendStatus {
  readonly name: string;
  readonly bindAddress: string;
  /** The bound address. */
  readonly address: string;
  readonly activeSessions: number;
  readonly waitingClients: number;
  readonly sessionsAccepted: number;
  readonly endings: Readonly<Record<string, number>>;
  /** Whether some backend can take a new session now. */
  readonly ready: boolean;
  /** Whether its listener accepts; false while accepts fail (e.g. out of descriptors). */
  readonly accepting: boolean;
  /** Why accepting fails, while it does. */
  readonly acceptError: string | null;
  /** Clients closed at once near the descriptor limit. */
  readonly clientsShed: number;
  /** Names that fail to resolve (DNS), and whether their last good answer is still used. */
  readonly unresolvedNames: readonly {
    readonly name: string;
    readonly error: string;
    readonly since: string;
    readonly keptLastGood: boolean;
  }[];
  readonly tiers: readonly TierStatus[];
}

/** Everything `/statusz` serves. */
export interface Status {
  readonly version: string;
  readonly now: string;
  readonly startedAt: string;
  readonly configGeneration: number;
  readonly reload: {
    readonly successes: number;
    readonly failures: number;
    readonly lastSuccessAt: string | null;
    readonly lastError: {
      readonly at: string;
      readonly trigger: string;
      readonly problems: readonly string[];
    } | null;
  };
  readonly frontends: readonly FrontendStatus[];
  /** File descriptor headroom: the limit, sockets in use, where shedding starts. */
  readonly fds: {
    readonly limit: number | null;
    readonly shedAtSource: string;
    readonly inUse: number;
    readonly shedAt: number | null;
    readonly atLimit: boolean;
  };
  /** Why `/readyz` fails, one line each; empty when ready. */
  readonly notReady: readonly string[];
  readonly decisions: readonly (Omit<Decision, "at"> & { readonly at: string })[];
}

export type { ListenerStall };

/** What the status is built from. */
export interface StatusInput {
  readonly version: string;
  readonly now: number;
  readonly startedAt: number;
  readonly generation: number;
  readonly frontends: readonly FrontendSnapshot[];
  readonly reload: ReloadView | undefined;
  readonly decisions: readonly Decision[];
  readonly fds: FdView;
  readonly listenerStalls: readonly ListenerStall[];
}

/** Builds the status picture. */
export function buildStatus(input: StatusInput): Status {
  const iso = (ms: number) => new Date(ms).toISOString();
  const frontends = input.frontends.map(frontendStatus);
  return {
    version: input.version,
    now: iso(input.now),
    startedAt: iso(input.startedAt),
    configGeneration: input.generation,
    reload: {
      successes: input.reload?.successes ?? 0,
      failures: input.reload?.failures ?? 0,
      lastSuccessAt: input.reload?.lastSuccessAt === undefined
        ? null
        : iso(input.reload.lastSuccessAt),
      lastError: input.reload?.lastError === undefined ? null : {
        at: iso(input.reload.lastError.at),
        trigger: input.reload.lastError.trigger,
        problems: input.reload.lastError.problems,
      },
    },
    frontends,
    fds: {
      limit: input.fds.limit ?? null,
      shedAtSource: input.fds.source,
      inUse: input.fds.inUse,
      shedAt: input.fds.shedAt ?? null,
      atLimit: input.fds.atLimit,
    },
    notReady: notReadyReasons(frontends, input.fds, input.listenerStalls),
    decisions: input.decisions.map((decision) => ({ ...decision, at: iso(decision.at) })),
  };
}

function frontendStatus(frontend: FrontendSnapshot): FrontendStatus {
  const live = frontend.backends;
  const all = [...live, ...frontend.retired];
  const fastestByTier = new Map<number, number>();
  for (const backend of live) {
    if (backend.latencyMs === undefined) continue;
    fastestByTier.set(
      backend.spec.tier,
      Math.min(fastestByTier.get(backend.spec.tier) ?? Infinity, backend.latencyMs),
    );
  }
  const tiers = frontend.config.backendPool.tiers.map((tier, index): TierStatus => {
    const since = frontend.betterRoomSince[index];
    return {
      index,
      name: tier.name,
      maxBackendConnections: tier.maxBackendConnections,
      forcePromotionAfterMs: tier.forcePromotionAfterMs,
      betterTierRoomSince: since === undefined ? null : new Date(since).toISOString(),
      backends: all.filter((b) => b.spec.tier === index).map((backend) =>
        backendStatus(backend, frontend.liveBytes.get(backend.spec.key), fastestByTier)
      ),
    };
  });
  return {
    name: frontend.config.name,
    bindAddress: frontend.config.bindAddress,
    address: frontend.address,
    activeSessions: frontend.activeSessions,
    waitingClients: frontend.waitingClients,
    sessionsAccepted: frontend.stats.sessionsAccepted,
    endings: Object.fromEntries(frontend.stats.endings),
    ready: live.some((backend) => backend.ineligibility === undefined),
    accepting: frontend.acceptStall === undefined,
    acceptError: frontend.acceptStall?.reason ?? null,
    clientsShed: frontend.stats.clientsShed,
    unresolvedNames: frontend.unresolvedNames.map((failure) => ({
      name: failure.name,
      error: failure.error,
      since: new Date(failure.since).toISOString(),
      keptLastGood: failure.keptLastGood,
    })),
    tiers,
  };
}

function backendStatus(
  backend: BackendSnapshot,
  live: { up: number; down: number } | undefined,
  fastestByTier: ReadonlyMap<number, number>,
): BackendStatus {
  const why = backend.ineligibility;
  return {
    address: backend.spec.key,
    tier: backend.spec.tier,
    tierName: backend.spec.tierName,
    subTier: backend.subTier,
    load: backend.load,
    max: backend.spec.maxConnections,
    latencyMs: backend.latencyMs === undefined ? null : round(backend.latencyMs),
    health: backend.health?.status ?? "unchecked",
    healthDetail: backend.health?.lastResult ?? null,
    disabledUntil: backend.disabledUntil === undefined
      ? null
      : new Date(backend.disabledUntil).toISOString(),
    lastFailure: backend.lastFailure === undefined ? null : {
      kind: backend.lastFailure.kind,
      message: backend.lastFailure.message,
      at: new Date(backend.lastFailure.at).toISOString(),
    },
    eligible: why === undefined,
    reason: why ?? eligibleReason(backend, fastestByTier.get(backend.spec.tier)),
    retired: backend.retired,
    sessionsTotal: backend.sessionsTotal,
    bytesUp: backend.bytesUpEnded + (live?.up ?? 0),
    bytesDown: backend.bytesDownEnded + (live?.down ?? 0),
    failures: Object.fromEntries(backend.failuresByKind),
  };
}

function eligibleReason(backend: BackendSnapshot, fastest: number | undefined): string {
  const ramp = backend.slowStartShare < 1
    ? `; slow start: ${Math.round(backend.slowStartShare * 100)} % of its new sessions`
    : "";
  const load =
    (backend.spec.maxConnections === 0
      ? `load ${backend.load}`
      : `load ${backend.load}/${backend.spec.maxConnections}`) + ramp;
  if (backend.subTier > 0 && backend.latencyMs !== undefined && fastest !== undefined) {
    return `eligible, ${load}; sub-tier ${backend.subTier}: ${round(backend.latencyMs)} ms vs ${
      round(fastest)
    } ms`;
  }
  return `eligible, ${load}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
