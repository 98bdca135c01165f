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
import { dialAborting, type Dialer, DialError, LocalDialError } from "./dial.ts";
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
  /** Where dial deadlines are set: one shared check, not a timer per dial. */
  readonly dialDeadlines: Pick<Scheduler, "after">;
  readonly log: Logger;
  readonly queueTimeoutMs: number;
  /** Told of a dial that failed for this process's own reason. */
  readonly localFailure: (error: LocalDialError) => void;
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
  #abort: AbortController | undefined;

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

  /** Aborts when the session is closed from outside (or a dial's deadline passes). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * The controller of the leasing and dialling phase. A dial's deadline
   * aborts it, so after a timeout a fresh one is made for the next try;
   * one made after a close is aborted at once.
   */
  get #controller(): AbortController {
    if (this.#abort === undefined || (this.#abort.signal.aborted && !this.#closed)) {
      this.#abort = new AbortController();
      if (this.#closed) this.#abort.abort();
    }
    return this.#abort;
  }

  get #closed(): boolean {
    return this.#endReason !== undefined;
  }

  /** Whether it has a backend connection (it is past dialling). */
  get connected(): boolean {
    return this.#server !== undefined;
  }

  /** Client → backend bytes. */
  get bytesUp(): number {
    return this.up.bytes;
  }

  /** Backend → client bytes. */
  get bytesDown(): number {
    return this.down.bytes;
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

  /**
   * Runs the session to its end, releases everything it held, then calls
   * `onEnd` once. Once connected it keeps no suspended async function or
   * promise of its own (each direction's end is a callback): idle sessions
   * are most of a sidecar's memory, and whatever a session awaits is held
   * for as long as the connection lasts.
   */
  start(deps: SessionDeps, onEnd: () => void): void {
    void this.#open(deps, onEnd);
  }

  async #open(deps: SessionDeps, onEnd: () => void): Promise<void> {
    let connected = false;
    try {
      if (this.#protocol !== undefined && await this.#protocol.open(this.client) === "done") {
        this.#endReason ??= "client close";
      } else {
        connected = await this.#connect(deps);
        if (!connected) this.#endReason ??= "no backend";
      }
    } catch (error) {
      this.#failed(deps, error);
    }
    this.#abort = undefined;
    if (connected && this.#endReason === undefined) this.#copy(deps, onEnd);
    else this.#finish(deps, onEnd);
  }

  /** Something threw: unless the session was closed from outside (shutdown, drain), it failed. */
  #failed(deps: SessionDeps, error: unknown): void {
    if (this.#endReason !== undefined) return;
    this.#endReason = "error";
    deps.log.warn("session failed", { session: this.id, error: (error as Error).message });
  }

  async #connect(deps: SessionDeps): Promise<boolean> {
    const { leases, scheduler } = deps;
    const deadline = this.startedAt + deps.queueTimeoutMs;
    let lease = leases.tryAcquire() ?? await leases.acquire(deps.queueTimeoutMs, this.signal);
    while (lease !== undefined) {
      this.#lease = lease;
      const spec = lease.backend;
      try {
        const dialStarted = scheduler.now();
        const tcp = await dialAborting(
          deps.dialer,
          spec,
          spec.dialTimeoutMs,
          this.#controller,
          deps.dialDeadlines,
        );
        this.#server = tcp;
        const dialMs = scheduler.now() - dialStarted;
        if (this.#protocol !== undefined && !this.#closed) {
          // The protocol's handshake; a refusal is a failed dial: next pick, same client.
          const started = await this.#protocol.start(tcp, spec);
          if (started instanceof DialError) {
            this.#server = undefined;
            throw started;
          }
          this.#server = started;
        }
        if (this.#closed) return false;
        lease.connected(dialMs);
        return true;
      } catch (error) {
        // The lease goes back in run()'s finally; the backend keeps its standing.
        if (error instanceof LocalDialError) {
          deps.localFailure(error);
          this.#endReason ??= "local error";
          return false;
        }
        if (!(error instanceof DialError)) throw error;
        lease.failed(error);
        this.#lease = undefined;
        const remaining = Math.max(0, deadline - scheduler.now());
        lease = await leases.acquire(remaining, this.signal);
      }
    }
    return false;
  }

  #copy(deps: SessionDeps, onEnd: () => void): void {
    const server = this.#server as Deno.Conn;
    try {
      this.client.setNoDelay(true);
    } catch {
      // The client is already gone: the first read says so.
    }
    let firstEnd: "client" | "backend" | undefined;
    const direction = (side: "client" | "backend", end: PumpEnd) => {
      firstEnd ??= side;
      if (end === "error") this.close("error");
    };
    const finish = () => {
      this.#endReason ??= firstEnd === "backend" ? "backend close" : "client close";
      this.#finish(deps, onEnd);
    };
    if (this.#protocol !== undefined) {
      const io = { buffers: deps.buffers, up: this.up, down: this.down };
      this.#protocol.copy(this.client, server, io, direction).then(finish, (error) => {
        this.#failed(deps, error);
        this.#finish(deps, onEnd);
      });
      return;
    }
    let open = 2;
    const ended = (side: "client" | "backend") => (end: PumpEnd) => {
      direction(side, end);
      if (--open === 0) finish();
    };
    const up = ended("client");
    const down = ended("backend");
    pump(this.client, server, deps.buffers, this.up).then(up, () => up("error"));
    pump(server, this.client, deps.buffers, this.down).then(down, () => down("error"));
  }

  /** Closes both sockets, gives the lease back, logs the end, and tells the registry. */
  #finish(deps: SessionDeps, onEnd: () => void): void {
    try {
      this.#closeNow(this.#endReason ?? "error");
      this.#protocol?.ended();
      this.#lease?.release(this.up.bytes, this.down.bytes);
      this.#logEnd(deps);
    } finally {
      onEnd();
    }
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
