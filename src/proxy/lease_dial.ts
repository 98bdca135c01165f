/**
 * The lease-and-dial loop every session runs, tcp or protocol-aware: take a
 * lease (waiting while every backend is busy, up to `queueTimeout` from the
 * client's arrival), dial its backend, and on a failed dial report it (the
 * backend is disabled for its failure class) and try the next pick for the
 * same client. A local failure (EMFILE, a denied permission) ends the
 * client without blaming any backend.
 * @module
 */

import type { BackendSpec } from "../pool/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import { DialError, LocalDialError } from "./dial.ts";
import type { EndReason } from "./end_reason.ts";
import type { LeaseSource, SessionLease } from "./session_lease.ts";

/** What the loop needs from the frontend. */
export interface LeaseDialDeps {
  readonly leases: LeaseSource;
  readonly scheduler: Scheduler;
  readonly queueTimeoutMs: number;
  /** Told of a dial that failed for this process's own reason. */
  readonly localFailure: (error: LocalDialError) => void;
}

/**
 * The abort controller of one session's leasing and dialling. A dial's
 * deadline aborts it, so after a timeout a fresh one is made for the next
 * try; once the session is closed every controller is aborted. Dropped
 * once connected: idle sessions are most of a sidecar's memory.
 */
export class DialControl {
  readonly #closed: () => boolean;
  #abort: AbortController | undefined;

  /** `closed` says whether the session was closed from outside. */
  constructor(closed: () => boolean) {
    this.#closed = closed;
  }

  /** The controller for the next wait or dial. */
  get controller(): AbortController {
    if (this.#abort === undefined || (this.#abort.signal.aborted && !this.#closed())) {
      this.#abort = new AbortController();
      if (this.#closed()) this.#abort.abort();
    }
    return this.#abort;
  }

  /** Abandons whatever wait or dial is in progress (the session was closed). */
  abort(): void {
    this.#abort?.abort();
  }
}

/** The session the loop works for. */
export interface LeaseHolder {
  readonly startedAt: number;
  /** Whether the session was closed from outside (shutdown, drain, idle). */
  isClosed(): boolean;
  /** The lease in hand (undefined once it is given back after a failed dial). */
  holding(lease: SessionLease | undefined): void;
}

/**
 * Leases and dials until one dial works, no backend has room within the
 * queue timeout, or the session is closed. `dial` opens (and prepares) a
 * connection to `backend`, keeping it where `close` can reach it; it throws
 * a `DialError` for the backend's failure, a `LocalDialError` for ours.
 *
 * @returns "connected" (the lease reported connected), or the reason the session ends
 * @throws what `dial` throws that is neither
 */
export async function leaseAndDial(
  deps: LeaseDialDeps,
  holder: LeaseHolder,
  control: DialControl,
  dial: (backend: BackendSpec, abort: AbortController) => Promise<void>,
): Promise<"connected" | EndReason> {
  const { leases, scheduler } = deps;
  const deadline = holder.startedAt + deps.queueTimeoutMs;
  let lease = leases.tryAcquire() ??
    await leases.acquire(deps.queueTimeoutMs, control.controller.signal);
  while (lease !== undefined) {
    holder.holding(lease);
    try {
      const dialStarted = scheduler.now();
      await dial(lease.backend, control.controller);
      if (holder.isClosed()) return "no backend";
      lease.connected(scheduler.now() - dialStarted);
      return "connected";
    } catch (error) {
      // The holder gives the lease back when it ends; the backend keeps its standing.
      if (error instanceof LocalDialError) {
        deps.localFailure(error);
        return "local error";
      }
      if (!(error instanceof DialError)) throw error;
      lease.failed(error);
      holder.holding(undefined);
      const remaining = Math.max(0, deadline - scheduler.now());
      lease = await leases.acquire(remaining, control.controller.signal);
    }
  }
  return "no backend";
}
