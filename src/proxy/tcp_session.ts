/**
 * One plain tcp client connection (`protocol: tcp`) on the node:net data
 * path: lease a backend (waiting if all are busy), dial it (a failed dial
 * disables that backend and the same client tries the next pick), then
 * relay both ways until both sides are done or someone closes the session.
 * A reset or a dead peer on one side ends the other side with a reset; a
 * half-closed session ends after `halfCloseTimeout`. Nothing here reads the
 * bytes: protocol sessions (postgres, redis) are `ProtocolSession`s.
 * @module
 */

import type { Logger } from "../log/mod.ts";
import {
  type Buffers,
  Relay,
  type RelayOutcome,
  type TcpConnection,
  type TcpDialer,
} from "../net/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import type { Cancel, Scheduler } from "../scheduler.ts";
import { dialSession, type LocalDialError } from "./dial.ts";
import { DialControl, leaseAndDial } from "./lease_dial.ts";
import type { EndReason } from "./end_reason.ts";
import type { LeaseSource, SessionLease } from "./session_lease.ts";

/** What a tcp session needs from its frontend. */
export interface TcpSessionDeps {
  readonly frontendName: string;
  readonly leases: LeaseSource;
  readonly dialer: TcpDialer;
  /** Where a relay borrows large buffers while it moves bulk data. */
  readonly buffers: Buffers;
  readonly scheduler: Scheduler;
  /**
   * Where dial and half-close deadlines are set: one shared check, not a
   * timer per dial, nor per half-close (nearly every session half-closes
   * for an instant: one FIN, then the other).
   */
  readonly deadlines: Pick<Scheduler, "after">;
  readonly log: Logger;
  readonly queueTimeoutMs: number;
  /** TCP keepalive idle time on both sockets; 0 is off. */
  readonly keepAliveMs: number;
  /** How long one direction may go on after the other ended; 0 is forever. */
  readonly halfCloseTimeoutMs: number;
  /** Told of a dial that failed for this process's own reason. */
  readonly localFailure: (error: LocalDialError) => void;
}

/** A client connection and, once dialled, its backend connection. */
export class TcpSession {
  readonly id: number;
  readonly client: TcpConnection;
  readonly startedAt: number;
  /** `host:port` of the client, kept when the access log is on (a closed socket forgets it). */
  #clientAddress: string | undefined;
  #lease: SessionLease | undefined;
  #backend: TcpConnection | undefined;
  #relay: Relay | undefined;
  #endReason: EndReason | undefined;
  /** Only while leasing and dialling: dropped once connected. */
  #dial: DialControl | undefined;
  /** `#end` ran: the session released what it held and called `onEnd`. */
  #ended = false;

  constructor(id: number, client: TcpConnection, startedAt: number) {
    this.id = id;
    this.client = client;
    this.startedAt = startedAt;
  }

  /**
   * `host:port` of the client: kept from the start only when the access log
   * is on, since asking costs a getpeername call.
   */
  get clientAddress(): string {
    if (this.#clientAddress !== undefined) return this.#clientAddress;
    const peer = this.client.peer();
    return peer === undefined ? "unknown" : `${peer.address}:${peer.port}`;
  }

  /** The backend serving it, once leased. */
  get backend(): BackendSpec | undefined {
    return this.#lease?.backend;
  }

  /** Why it ended (or is ending), once known. */
  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  get #closed(): boolean {
    return this.#endReason !== undefined;
  }

  /** Whether it has a backend connection (it is past dialling). */
  get connected(): boolean {
    return this.#backend !== undefined;
  }

  /** Client → backend bytes. */
  get bytesUp(): number {
    return this.client.bytesRead;
  }

  /** Backend → client bytes. */
  get bytesDown(): number {
    return this.#backend?.bytesRead ?? 0;
  }

  /** Bytes moved either way: when it stops changing, the session is idle. */
  get activity(): number {
    return this.bytesUp + this.bytesDown;
  }

  /** Ends the session now (idle, drain, failback, shutdown …). The first reason sticks. */
  close(reason: EndReason): void {
    this.#endReason ??= reason;
    this.#dial?.abort();
    if (this.#relay !== undefined) this.#relay.close();
    else {
      this.client.close();
      this.#backend?.close();
    }
  }

  /**
   * Runs the session to its end, releases everything it held, then calls
   * `onEnd` once. Each phase ends by callback, so an idle session holds one
   * promise reaction, not suspended async frames (see the idle budget in
   * bench/README.md).
   */
  start(deps: TcpSessionDeps, onEnd: () => void): void {
    if (deps.log.enabled?.("info") ?? true) this.#clientAddress = this.clientAddress;
    this.#connect(deps).then(
      (connected) => {
        this.#dial = undefined;
        if (connected !== "connected") this.#endReason ??= connected;
        if (this.#endReason !== undefined) return this.#end(deps, onEnd);
        this.#copy(deps, onEnd);
      },
      (error) => this.#fail(deps, onEnd, error),
    ).catch((error) => this.#fail(deps, onEnd, error));
  }

  /** A failure: closed from outside (shutdown, drain) while dialling is not one. */
  #fail(deps: TcpSessionDeps, onEnd: () => void, error: unknown): void {
    if (this.#endReason === undefined) {
      this.#endReason = "error";
      deps.log.warn("session failed", { session: this.id, error: (error as Error).message });
    }
    this.#end(deps, onEnd);
  }

  /** Closes what is left, gives the lease back, logs the end, then `onEnd`. */
  #end(deps: TcpSessionDeps, onEnd: () => void): void {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.close(this.#endReason ?? "error");
      this.#lease?.release(this.bytesUp, this.bytesDown);
      this.#logEnd(deps);
    } finally {
      onEnd();
    }
  }

  #connect(deps: TcpSessionDeps): Promise<"connected" | EndReason> {
    const dial = new DialControl(() => this.#closed);
    this.#dial = dial;
    const holder = {
      startedAt: this.startedAt,
      isClosed: () => this.#closed,
      holding: (lease: SessionLease | undefined) => this.#lease = lease,
    };
    return leaseAndDial(deps, holder, dial, async (spec, abort) => {
      this.#backend = await dialSession(
        deps.dialer,
        spec,
        spec.dialTimeoutMs,
        abort,
        deps.deadlines,
      );
    });
  }

  #copy(deps: TcpSessionDeps, onEnd: () => void): void {
    let halfCloseTimer: Cancel | undefined;
    const relay = new Relay(this.client, this.#backend as TcpConnection, {
      buffers: deps.buffers,
      keepAliveMs: deps.keepAliveMs,
      onHalfClose: () => {
        if (deps.halfCloseTimeoutMs <= 0) return;
        halfCloseTimer = deps.deadlines.after(
          deps.halfCloseTimeoutMs,
          () => this.close("half-close timeout"),
        );
      },
    });
    this.#relay = relay;
    relay.run().then(
      (outcome) => {
        halfCloseTimer?.();
        this.#endReason ??= endReasonOf(outcome);
        this.#end(deps, onEnd);
      },
      (error) => {
        halfCloseTimer?.();
        this.#fail(deps, onEnd, error);
      },
    );
  }

  #logEnd(deps: TcpSessionDeps): void {
    logSessionEnd(deps, this, this.#lease?.backend);
  }
}

/** The access log's line for a session that ended. */
export function logSessionEnd(
  deps: Pick<TcpSessionDeps, "log" | "frontendName" | "scheduler">,
  session: {
    readonly id: number;
    readonly clientAddress: string;
    readonly bytesUp: number;
    readonly bytesDown: number;
    readonly startedAt: number;
    readonly endReason: EndReason | undefined;
  },
  backend: BackendSpec | undefined,
): void {
  if (deps.log.enabled?.("info") === false) return;
  deps.log.info("session ended", {
    session: session.id,
    client: session.clientAddress,
    frontend: deps.frontendName,
    backend: backend?.key,
    tier: backend?.tierName,
    up: session.bytesUp,
    down: session.bytesDown,
    ms: Math.round(deps.scheduler.now() - session.startedAt),
    how: session.endReason,
  });
}

/** The end reason a relay's outcome means (a relay closed from outside has none). */
export function endReasonOf(outcome: RelayOutcome | undefined): EndReason {
  if (outcome === undefined) return "error";
  switch (outcome.how) {
    case "eof":
      return `${outcome.first} close`;
    case "reset":
      return `${outcome.first} reset`;
    case "timeout":
      return `${outcome.first} timeout`;
    case "error":
      return "error";
  }
}
