/**
 * One client connection: lease a backend (waiting if all are busy), dial it
 * (a failed dial disables that backend and the same client tries the next
 * pick), then copy both ways until both sides are done or someone closes
 * the session.
 * @module
 */

import type { Logger } from "../log/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import type { BufferPool } from "./buffer_pool.ts";
import { dialBackend, type Dialer, DialError } from "./dial.ts";
import { pump, type PumpEnd, type PumpStats } from "./pump.ts";
import type { LeaseSource, SessionLease } from "./session_lease.ts";
import type { SessionProtocol } from "./session_protocol.ts";
import { closeQuietly } from "../net/mod.ts";
import type { EndReason } from "./end_reason.ts";

/** What a session needs from its frontend. */
export interface SessionDeps {
  readonly frontendName: string;
  readonly leases: LeaseSource;
  readonly dialer: Dialer;
  readonly buffers: BufferPool;
  readonly scheduler: Scheduler;
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
  #lease: SessionLease | undefined;
  #server: Deno.Conn | undefined;
  /** Undefined for tcp: the session copies bytes and reads nothing. */
  readonly #protocol: SessionProtocol | undefined;
  #endReason: EndReason | undefined;
  // Only needed while leasing and dialling; dropped once connected, since
  // idle sessions are most of a sidecar's memory.
  #abort: AbortController | undefined = new AbortController();

  constructor(id: number, client: Deno.TcpConn, startedAt: number, protocol?: SessionProtocol) {
    this.id = id;
    this.client = client;
    this.startedAt = startedAt;
    this.#protocol = protocol;
  }

  /** The backend serving it, once leased. */
  get backend(): BackendSpec | undefined {
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

  /**
   * Ends the session (idle, drain, failback, shutdown). The first reason
   * sticks. A protocol session closed for drain or failback ends once it
   * can move without losing work; otherwise it ends now.
   */
  close(reason: EndReason): void {
    if (this.#protocol?.closeWhenMovable(reason, () => this.#closeNow(reason))) return;
    this.#closeNow(reason);
  }

  #closeNow(reason: EndReason): void {
    this.#endReason ??= reason;
    this.#abort?.abort();
    closeQuietly(this.client);
    if (this.#server !== undefined) closeQuietly(this.#server);
  }

  /** Runs the session to its end and releases everything it held. */
  async run(deps: SessionDeps): Promise<void> {
    try {
      if (await this.#protocol?.open(this.client) === "done") {
        this.#endReason ??= "client close";
        return;
      }
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
      this.#closeNow(this.#endReason ?? "error");
      this.#protocol?.ended();
      this.#lease?.release(this.up.bytes, this.down.bytes);
      this.#logEnd(deps);
    }
  }

  async #connect(deps: SessionDeps): Promise<boolean> {
    const { leases, scheduler } = deps;
    const deadline = this.startedAt + deps.queueTimeoutMs;
    let lease = await leases.acquire(deps.queueTimeoutMs, this.signal);
    while (lease !== undefined) {
      this.#lease = lease;
      const spec = lease.backend;
      try {
        const dialStarted = scheduler.now();
        const tcp = await dialBackend(
          deps.dialer,
          spec,
          spec.dialTimeoutMs,
          this.signal,
          scheduler,
        );
        this.#server = tcp;
        const dialMs = scheduler.now() - dialStarted;
        if (this.#protocol !== undefined && !this.signal.aborted) {
          // The protocol's handshake; a refusal is a failed dial: next pick, same client.
          const started = await this.#protocol.start(tcp, spec);
          if (started instanceof DialError) {
            this.#server = undefined;
            throw started;
          }
          this.#server = started;
        }
        if (this.signal.aborted) return false;
        lease.connected(dialMs);
        return true;
      } catch (error) {
        if (!(error instanceof DialError)) throw error;
        lease.failed(error);
        this.#lease = undefined;
        const remaining = Math.max(0, deadline - scheduler.now());
        lease = await leases.acquire(remaining, this.signal);
      }
    }
    return false;
  }

  async #copy(deps: SessionDeps): Promise<void> {
    const server = this.#server as Deno.Conn;
    this.client.setNoDelay(true);
    let firstEnd: "client" | "backend" | undefined;
    const direction = (side: "client" | "backend") => (end: PumpEnd) => {
      firstEnd ??= side;
      if (end === "error") this.close("error");
    };
    if (this.#protocol !== undefined) {
      const io = { buffers: deps.buffers, up: this.up, down: this.down };
      await this.#protocol.copy(this.client, server, io, (side, end) => direction(side)(end));
      this.#endReason ??= firstEnd === "backend" ? "backend close" : "client close";
      return;
    }
    await Promise.all([
      pump(this.client, server, deps.buffers, this.up).then(direction("client")),
      pump(server, this.client, deps.buffers, this.down).then(direction("backend")),
    ]);
    this.#endReason ??= firstEnd === "backend" ? "backend close" : "client close";
  }

  #logEnd(deps: SessionDeps): void {
    const backend = this.#lease?.backend;
    const remote = this.client.remoteAddr as Deno.NetAddr;
    deps.log.info("session ended", {
      session: this.id,
      client: `${remote.hostname}:${remote.port}`,
      frontend: deps.frontendName,
      backend: backend?.key,
      tier: backend?.tierName,
      up: this.up.bytes,
      down: this.down.bytes,
      ms: Math.round(deps.scheduler.now() - this.startedAt),
      how: this.#endReason,
    });
  }
}
