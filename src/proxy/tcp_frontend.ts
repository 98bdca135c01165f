/**
 * The socket side of a frontend, every protocol: its node:net listener
 * (with the watchdog that re-listens when Deno's node:net server silently
 * stops accepting), what its sessions share, and closing a failed
 * backend's sessions (`healthCheck.closeSessionsOnFailure`).
 * @module
 */

import {
  type Closure,
  type Decision,
  type DecisionLog,
  healthFailureClosures,
  type SessionView,
} from "../balancer/mod.ts";
import type net from "node:net";
import type { Frontend } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import {
  isResourceExhaustion,
  listenTcp,
  type TcpConnection,
  type TcpDialer,
  type TcpListener,
} from "../net/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import type { BufferPool } from "./buffer_pool.ts";
import type { LeaseSource } from "./session_lease.ts";
import type { TcpSessionDeps } from "./tcp_session.ts";

/** What the tcp side needs from the sidecar. */
export interface TcpFrontendDeps {
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly buffers: BufferPool;
  readonly sessionDialer: TcpDialer;
  readonly fds: {
    exhausted(now: number): void;
    view?(now: number): { readonly atLimit: boolean };
  };
}

/**
 * Listens for a frontend on node:net: tcp clients read into our buffers
 * (`onClient`); a protocol frontend's (`onPlainSocket`) read the node way.
 *
 * @throws {Error} when the address cannot be bound
 */
export function listenForTcp(
  config: Frontend,
  address: { readonly hostname: string; readonly port: number },
  deps: TcpFrontendDeps,
  onClient: (client: TcpConnection) => void,
  onPlainSocket?: (socket: net.Socket, keepAliveMs: number) => void,
): Promise<TcpListener> {
  const { scheduler, log, fds } = deps;
  return listenTcp({
    ...address,
    keepAliveMs: config.keepAliveMs,
    onConnection: onClient,
    ...(onPlainSocket === undefined ? {} : { onPlainSocket }),
    onError: (error) => log.error("accept failed", { frontend: config.name, error: error.message }),
    scheduler,
    atRisk: () => fds.view?.(scheduler.now()).atLimit ?? false,
    // Not `fds.exhausted()`: by now descriptors are free again, and it would learn a low limit.
    onStuck: (relistened, error) => {
      log.warn(
        relistened
          ? "listener had stopped accepting (out of file descriptors?): listening again"
          : "listener stopped accepting and cannot listen again yet",
        { frontend: config.name, ...(error ? { error: error.message } : {}) },
      );
    },
  });
}

/**
 * What every tcp session of `config` shares: made once per config, not per
 * session. `deadlines` is the frontend's shared deadline check, for dials
 * and half-closes.
 */
export function tcpSessionDeps(
  config: Frontend,
  deps: TcpFrontendDeps,
  leases: LeaseSource,
  deadlines: Pick<Scheduler, "after">,
): TcpSessionDeps {
  const { scheduler, sessionDialer, log, fds } = deps;
  return {
    frontendName: config.name,
    leases,
    dialer: sessionDialer,
    buffers: deps.buffers,
    scheduler,
    deadlines,
    log,
    queueTimeoutMs: config.queueTimeoutMs,
    keepAliveMs: config.keepAliveMs,
    halfCloseTimeoutMs: config.halfCloseTimeoutMs,
    localFailure: (error) => {
      if (isResourceExhaustion(error.cause)) fds.exhausted(scheduler.now());
    },
  };
}

/**
 * Watches the decision log for a health check taking one of the frontend's
 * backends down; when that backend's tier sets `closeSessionsOnFailure`,
 * its sessions are closed, smeared over half a maintenance tick. Returns
 * the function that stops watching.
 */
export function closeSessionsOnHealthFailure(
  config: () => Frontend,
  sessions: {
    views(now: number): SessionView[];
    closeLater(closure: Closure): void;
  },
  deps: {
    readonly decisions: DecisionLog;
    readonly scheduler: Scheduler;
    readonly rng: () => number;
  },
): () => void {
  return deps.decisions.subscribe((decision: Decision) => {
    const frontend = config();
    if (decision.kind !== "health" || decision.frontend !== frontend.name) return;
    if (!decision.reason.startsWith("went down") || decision.backend === undefined) return;
    const views = sessions.views(deps.scheduler.now());
    const tier = views.find((view) => view.backendKey === decision.backend)?.tier;
    const pool = frontend.backendPool;
    if (pool.tiers[tier ?? -1]?.healthCheck?.closeSessionsOnFailure !== true) return;
    const detail = decision.reason.replace(/^went down: /, "");
    const closures = healthFailureClosures(
      decision.backend,
      views,
      pool.maintenanceTimeMs,
      deps.rng,
      detail,
    );
    for (const closure of closures) sessions.closeLater(closure);
  });
}
