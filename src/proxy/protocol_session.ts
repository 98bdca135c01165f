/**
 * One client connection of a protocol-aware frontend (postgres, redis) on
 * node:net sockets: its protocol reads what the client opens with, the
 * shared lease-and-dial loop finds a backend (the protocol prepares each
 * one dialled, and a refusal sends the client to the next pick), then both
 * directions are copied while the protocol follows the framing. Faults
 * pass through as the tcp path passes them: a reset, a keepalive timeout
 * or a socket error on one side resets the other; keepalive is set on both
 * sockets; a half-closed session ends after `halfCloseTimeout`.
 * @module
 */

import type net from "node:net";
import {
  ensureKeepAlive,
  type RelayOutcome,
  resetSocket,
  type Side,
  SocketConn,
  type SocketDialer,
} from "../net/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import type { Cancel } from "../scheduler.ts";
import { DialError, dialSession } from "./dial.ts";
import type { EndReason } from "./end_reason.ts";
import { DialControl, leaseAndDial } from "./lease_dial.ts";
import type { PumpEnd, PumpStats } from "./scan_pump.ts";
import type { SessionLease } from "./session_lease.ts";
import type { SessionProtocol } from "./session_protocol.ts";
import { endReasonOf, logSessionEnd, type TcpSessionDeps } from "./tcp_session.ts";

/** What a protocol session needs from its frontend: a tcp session's, with another dialer. */
export type ProtocolSessionDeps = Omit<TcpSessionDeps, "dialer" | "buffers"> & {
  readonly dialer: SocketDialer;
};

/** A client connection and, once dialled, its backend connection. */
export class ProtocolSession {
  readonly id: number;
  readonly startedAt: number;
  /** `host:port` of the client, kept for the access log (a closed socket forgets it). */
  readonly clientAddress: string;
  /** Client → backend bytes. */
  readonly up: PumpStats = { bytes: 0 };
  /** Backend → client bytes. */
  readonly down: PumpStats = { bytes: 0 };
  readonly #protocol: SessionProtocol;
  /** The TCP sockets, for keepalive and resets; the conns below may be TLS over them. */
  readonly #clientSocket: net.Socket;
  #serverSocket: net.Socket | undefined;
  /** The conns on those sockets; a reset under TLS is seen there, not in the TLS conns. */
  readonly #clientRaw: SocketConn;
  #serverRaw: SocketConn | undefined;
  #client: SocketConn;
  #server: SocketConn | undefined;
  #lease: SessionLease | undefined;
  #endReason: EndReason | undefined;
  #outcome: RelayOutcome | undefined;
  #halfCloseTimer: Cancel | undefined;
  /** The keepalive idle time the client's socket inherited from the listener (ms). */
  readonly #clientKeepAliveMs: number;
  /** Only while leasing and dialling: dropped once connected. */
  #dial: DialControl | undefined;

  constructor(
    id: number,
    client: net.Socket,
    startedAt: number,
    protocol: SessionProtocol,
    clientKeepAliveMs = 0,
  ) {
    this.id = id;
    this.#clientKeepAliveMs = clientKeepAliveMs;
    this.startedAt = startedAt;
    this.clientAddress = `${client.remoteAddress}:${client.remotePort}`;
    this.#protocol = protocol;
    this.#clientSocket = client;
    this.#clientRaw = this.#client = new SocketConn(client);
  }

  /** The backend serving it, once leased. */
  get backend(): BackendSpec | undefined {
    return this.#lease?.backend;
  }

  /** Why it ended (or is ending), once known. */
  get endReason(): EndReason | undefined {
    return this.#endReason;
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
   * sticks. Closed for drain or failback, it ends once it can move without
   * losing work; otherwise it ends now.
   */
  close(reason: EndReason): void {
    if (this.#protocol.closeWhenMovable(reason, () => this.#closeNow(reason))) return;
    this.#closeNow(reason);
  }

  #closeNow(reason: EndReason): void {
    this.#endReason ??= reason;
    this.#dial?.abort();
    for (const conn of [this.#client, this.#server]) conn?.close();
    this.#clientSocket.destroy();
    this.#serverSocket?.destroy();
  }

  /** Ends `side` with a reset, because the other side ended abortively. */
  #reset(side: Side): void {
    const socket = side === "client" ? this.#clientSocket : this.#serverSocket;
    const conn = side === "client" ? this.#client : this.#server;
    if (socket !== undefined) resetSocket(socket);
    conn?.close();
  }

  /**
   * Runs the session to its end, releases everything it held, then calls
   * `onEnd` once. Once connected it holds only its two directions' loops,
   * which report their end by callback.
   */
  start(deps: ProtocolSessionDeps, onEnd: () => void): void {
    void this.#open(deps, onEnd);
  }

  async #open(deps: ProtocolSessionDeps, onEnd: () => void): Promise<void> {
    let connected: "connected" | EndReason = "no backend";
    try {
      const client = await this.#protocol.open(this.#client);
      if (client === "done") this.#endReason ??= "client close";
      else {
        this.#client = client;
        connected = await this.#connect(deps);
        if (connected !== "connected") this.#endReason ??= connected;
      }
    } catch (error) {
      this.#failed(deps, error);
    }
    this.#dial = undefined;
    if (connected === "connected" && this.#endReason === undefined) this.#copy(deps, onEnd);
    else this.#finish(deps, onEnd);
  }

  /** Something threw: unless the session was closed from outside (shutdown, drain), it failed. */
  #failed(deps: ProtocolSessionDeps, error: unknown): void {
    if (this.#endReason !== undefined) return;
    this.#endReason = "error";
    deps.log.warn("session failed", { session: this.id, error: (error as Error).message });
  }

  #connect(deps: ProtocolSessionDeps): Promise<"connected" | EndReason> {
    const dial = new DialControl(() => this.#endReason !== undefined);
    this.#dial = dial;
    const holder = {
      startedAt: this.startedAt,
      isClosed: () => this.#endReason !== undefined,
      holding: (lease: SessionLease | undefined) => this.#lease = lease,
    };
    return leaseAndDial(deps, holder, dial, async (spec, abort) => {
      const socket = await dialSession(
        deps.dialer,
        spec,
        spec.dialTimeoutMs,
        abort,
        deps.deadlines,
      );
      this.#serverSocket = socket;
      const raw = new SocketConn(socket);
      this.#serverRaw = this.#server = raw;
      if (this.#endReason !== undefined) return;
      // The protocol's handshake; a refusal is a failed dial: next pick, same client.
      const started = await this.#protocol.start(raw, spec);
      if (started instanceof DialError) {
        socket.destroy();
        this.#serverSocket = this.#serverRaw = this.#server = undefined;
        throw started;
      }
      this.#server = started;
    });
  }

  #copy(deps: ProtocolSessionDeps, onEnd: () => void): void {
    const client = this.#client;
    const server = this.#server as SocketConn;
    try {
      ensureKeepAlive(this.#clientSocket, deps.keepAliveMs, this.#clientKeepAliveMs);
      if (this.#serverSocket !== undefined) ensureKeepAlive(this.#serverSocket, deps.keepAliveMs);
    } catch {
      // Already closed: its conn says so.
    }
    const abortive = (side: Side) => (how: RelayOutcome["how"], error: Error) => {
      this.#outcome ??= { first: side, how, error: error.message };
      this.#reset(side === "client" ? "backend" : "client");
    };
    const sides = [
      ["client", [this.#clientRaw, client]],
      ["backend", [this.#serverRaw ?? server, server]],
    ] as const;
    for (const [side, conns] of sides) {
      for (const conn of new Set(conns)) {
        // A socket that failed during the handshake already says so.
        const ended = conn.ended;
        if (ended !== undefined && ended !== "eof") abortive(side)(ended, new Error(ended));
        else conn.onAbortive = abortive(side);
      }
    }
    let open = 2;
    const direction = (side: Side, end: PumpEnd) => {
      open--;
      if (end === "error" && this.#outcome === undefined) this.#closeNow("error");
      if (end !== "eof") return;
      this.#outcome ??= { first: side, how: "eof" };
      if (open === 1 && deps.halfCloseTimeoutMs > 0 && this.#halfCloseTimer === undefined) {
        this.#halfCloseTimer = deps.deadlines.after(
          deps.halfCloseTimeoutMs,
          () => this.#closeNow("half-close timeout"),
        );
      }
    };
    this.#protocol.copy(client, server, this, direction).then(
      () => this.#finish(deps, onEnd),
      (error) => {
        this.#failed(deps, error);
        this.#finish(deps, onEnd);
      },
    );
  }

  /** Closes both sockets, gives the lease back, logs the end, and tells the registry. */
  #finish(deps: ProtocolSessionDeps, onEnd: () => void): void {
    try {
      this.#halfCloseTimer?.();
      this.#endReason ??= this.#outcome === undefined ? "error" : endReasonOf(this.#outcome);
      this.#closeNow(this.#endReason);
      this.#protocol.ended();
      this.#lease?.release(this.up.bytes, this.down.bytes);
      this.#logEnd(deps);
    } finally {
      onEnd();
    }
  }

  #logEnd(deps: ProtocolSessionDeps): void {
    logSessionEnd(deps, this, this.#lease?.backend);
  }
}
