/**
 * One client connection: lease a backend (waiting if all are busy), dial it
 * (a failed dial disables that backend and the same client tries the next
 * pick), then copy both ways until both sides are done or someone closes
 * the session.
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Logger } from "../log/logger.ts";
import type { Backend } from "../pool/backend.ts";
import type { Lease } from "../pool/lease.ts";
import type { Admission } from "./admission.ts";
import type { BufferPool } from "./buffer_pool.ts";
import { dialBackend, type Dialer, DialError } from "./dial.ts";
import { pump, type PumpEnd, type PumpStats } from "./pump.ts";

/** How a session ended, as the access log says it. */
export type EndReason =
  | "client close"
  | "backend close"
  | "idle"
  | "drain"
  | "failback"
  | "shutdown"
  | "error"
  | "no backend";

/** What a session needs from its frontend. */
export interface SessionDeps {
  readonly frontendName: string;
  readonly admission: Admission;
  /** A dial to `backend` failed: disable it (and plan its recovery). */
  readonly onDialFailure: (backend: Backend, error: DialError) => void;
  /** A dial to `backend` succeeded after `dialMs`. */
  readonly onDialSuccess: (backend: Backend, dialMs: number) => void;
  /** The session has ended and released its backend. */
  readonly onEnd: (session: Session) => void;
  readonly dialer: Dialer;
  readonly buffers: BufferPool;
  readonly clock: Clock;
  readonly log: Logger;
  readonly queueTimeoutMs: number;
}

/** A client connection and, once dialled, its backend connection. */
export class Session {
  readonly id: number;
  readonly client: Deno.TcpConn;
  readonly startedAt: number;
  /** Client → backend bytes. */
  readonly up: PumpStats = { bytes: 0 };
  /** Backend → client bytes. */
  readonly down: PumpStats = { bytes: 0 };
  #lease: Lease | undefined;
  #server: Deno.TcpConn | undefined;
  #endReason: EndReason | undefined;
  // Only needed while leasing and dialling; dropped once connected, since
  // idle sessions are most of a sidecar's memory.
  #abort: AbortController | undefined = new AbortController();

  constructor(id: number, client: Deno.TcpConn, startedAt: number) {
    this.id = id;
    this.client = client;
    this.startedAt = startedAt;
  }

  /** The backend serving it, once leased. */
  get backend(): Backend | undefined {
    return this.#lease?.backend;
  }

  /** Why it ended (or is ending), once known. */
  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  /** Aborts when the session is closed from outside. */
  get signal(): AbortSignal {
    return (this.#abort ??= new AbortController()).signal;
  }

  /** Whether it has a backend connection (it is past dialling). */
  get connected(): boolean {
    return this.#server !== undefined;
  }

  /** Bytes moved either way: when it stops changing, the session is idle. */
  get activity(): number {
    return this.up.bytes + this.down.bytes;
  }

  /** Ends the session now (idle, drain, failback, shutdown). The first reason sticks. */
  close(reason: EndReason): void {
    this.#endReason ??= reason;
    this.#abort?.abort();
    closeQuietly(this.client);
    if (this.#server !== undefined) closeQuietly(this.#server);
  }

  /** Runs the session to its end and releases everything it held. */
  async run(deps: SessionDeps): Promise<void> {
    try {
      const connected = await this.#connect(deps);
      if (!connected) {
        this.#endReason ??= "no backend";
        return;
      }
      this.#abort = undefined;
      if (this.#endReason !== undefined) return;
      await this.#copy(deps);
    } catch (error) {
      // Closed from outside (shutdown, drain) while dialling: not a failure.
      if (this.#endReason === undefined) {
        this.#endReason = "error";
        deps.log.warn("session failed", { session: this.id, error: (error as Error).message });
      }
    } finally {
      this.close(this.#endReason ?? "error");
      this.#lease?.release();
      this.#logEnd(deps);
      deps.onEnd(this);
    }
  }

  async #connect(deps: SessionDeps): Promise<boolean> {
    const { admission, clock } = deps;
    const deadline = this.startedAt + deps.queueTimeoutMs;
    let lease = await admission.acquire(deps.queueTimeoutMs, this.signal);
    while (lease !== undefined) {
      this.#lease = lease;
      const { spec } = lease.backend;
      try {
        const dialStarted = clock.now();
        this.#server = await dialBackend(deps.dialer, spec, spec.dialTimeoutMs, this.signal);
        if (this.signal.aborted) return false;
        deps.onDialSuccess(lease.backend, clock.now() - dialStarted);
        return true;
      } catch (error) {
        if (!(error instanceof DialError)) throw error;
        deps.onDialFailure(lease.backend, error);
        lease.release();
        this.#lease = undefined;
        const remaining = Math.max(0, deadline - clock.now());
        lease = await admission.acquire(remaining, this.signal);
      }
    }
    return false;
  }

  async #copy(deps: SessionDeps): Promise<void> {
    const server = this.#server as Deno.TcpConn;
    this.client.setNoDelay(true);
    let firstEnd: "client" | "backend" | undefined;
    const direction = (side: "client" | "backend") => (end: PumpEnd) => {
      firstEnd ??= side;
      if (end === "error") this.close("error");
    };
    await Promise.all([
      pump(this.client, server, deps.buffers, this.up).then(direction("client")),
      pump(server, this.client, deps.buffers, this.down).then(direction("backend")),
    ]);
    this.#endReason ??= firstEnd === "backend" ? "backend close" : "client close";
  }

  #logEnd(deps: SessionDeps): void {
    const backend = this.#lease?.backend.spec;
    const remote = this.client.remoteAddr as Deno.NetAddr;
    deps.log.info("session ended", {
      session: this.id,
      client: `${remote.hostname}:${remote.port}`,
      frontend: deps.frontendName,
      backend: backend?.key,
      tier: backend?.tierName,
      up: this.up.bytes,
      down: this.down.bytes,
      ms: Math.round(deps.clock.now() - this.startedAt),
      how: this.#endReason,
    });
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
