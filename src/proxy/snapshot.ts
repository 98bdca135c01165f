/**
 * What diagnostics read of a running frontend: plain data copied at one
 * instant, so status pages and metrics never hold or reach into the
 * objects that serve traffic.
 * @module
 */

import type { Frontend } from "../config/mod.ts";
import type { AcceptStall } from "../net/mod.ts";
import type { NameFailure } from "../discovery/mod.ts";
import type { Backend, BackendSpec, FailureKind, HealthView } from "../pool/mod.ts";
import type { FrontendStatsSnapshot } from "./frontend_stats.ts";
import type { LiveBytes } from "./session_registry.ts";

/** One backend at the snapshot's instant. */
export interface BackendSnapshot {
  readonly spec: BackendSpec;
  readonly subTier: number;
  readonly latencyMs: number | undefined;
  readonly health: HealthView | undefined;
  readonly load: number;
  readonly sessionsTotal: number;
  readonly bytesUpEnded: number;
  readonly bytesDownEnded: number;
  /** Set while a failure has it disabled. */
  readonly disabledUntil: number | undefined;
  readonly lastFailure:
    | { readonly kind: FailureKind; readonly message: string; readonly at: number }
    | undefined;
  readonly failuresByKind: ReadonlyMap<FailureKind, number>;
  /** Removed from config or DNS, draining. */
  readonly retired: boolean;
  /** Why it cannot take a new session, in plain words; undefined when it can. */
  readonly ineligibility: string | undefined;
  /** Its slow-start share of the new sessions it would get (1: not ramping). */
  readonly slowStartShare: number;
}

/** A frontend's backends and names. */
export interface UpkeepSnapshot {
  readonly backends: readonly BackendSnapshot[];
  readonly retired: readonly BackendSnapshot[];
  /** Per configured tier: since when a better tier has had room, if it has. */
  readonly betterRoomSince: readonly (number | undefined)[];
  readonly unresolvedNames: readonly ({ readonly name: string } & NameFailure)[];
}

/** A whole frontend. */
export interface FrontendSnapshot extends UpkeepSnapshot {
  readonly config: Frontend;
  /** The bound address, with the real port when 0 was configured. */
  readonly address: string;
  readonly activeSessions: number;
  readonly waitingClients: number;
  readonly stats: FrontendStatsSnapshot;
  readonly liveBytes: LiveBytes;
  /** Set while accepting fails (e.g. out of descriptors). */
  readonly acceptStall: AcceptStall | undefined;
}

/** A backend as diagnostics see it at `now`. */
export function backendSnapshot(
  backend: Backend,
  now: number,
  retired: boolean,
  slowStartShare = 1,
): BackendSnapshot {
  const why = retired ? `removed; draining ${backend.load} session(s)` : backend.ineligibility(now);
  return {
    spec: backend.spec,
    subTier: backend.subTier,
    latencyMs: backend.latencyMs,
    health: backend.health === undefined ? undefined : { ...backend.health },
    load: backend.load,
    sessionsTotal: backend.sessionsTotal,
    bytesUpEnded: backend.bytesUpEnded,
    bytesDownEnded: backend.bytesDownEnded,
    disabledUntil: backend.isDisabledAt(now) ? backend.disabledUntil : undefined,
    lastFailure: backend.lastFailure,
    failuresByKind: new Map(backend.failuresByKind),
    retired,
    ineligibility: why,
    slowStartShare,
  };
}
