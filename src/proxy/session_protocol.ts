/**
 * The seam between a protocol session and the protocol it carries: what
 * the client opens with, preparing a dialled backend (where a refusal
 * sends the client to the next pick), the copy (reading framing as it
 * goes), and closing for drain or failback only when nothing would be
 * lost. The sockets are node:net ones (`SocketConn`), so the session can
 * pass resets on and set keepalive; a protocol may put TLS over them.
 * @module
 */

import type { SocketConn } from "../net/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import type { DialError } from "./dial.ts";
import type { PumpEnd, PumpStats } from "./scan_pump.ts";
import type { EndReason } from "./end_reason.ts";

/** One session's protocol. */
export interface SessionProtocol {
  /**
   * Reads what the client opens with, before any backend is leased.
   * Returns the conn to talk to the client through (`client`, or TLS the
   * sidecar terminated over it), or "done", which ends the session (the
   * client left, or its request was served without a session, such as a
   * PostgreSQL cancel).
   */
  open(client: SocketConn): Promise<SocketConn | "done">;
  /**
   * Prepares a dialled backend. Returns the conn to copy with (`server`,
   * or TLS over it), or a DialError when the backend refused the session
   * (it is then disabled and the next pick is tried; the caller closes
   * `server`).
   */
  start(server: SocketConn, backend: BackendSpec): Promise<SocketConn | DialError>;
  /** Copies both ways; `ended` is told each direction's end as it happens. */
  copy(
    client: SocketConn,
    server: SocketConn,
    io: { up: PumpStats; down: PumpStats },
    ended: (side: "client" | "backend", end: PumpEnd) => void,
  ): Promise<void>;
  /**
   * Asked to close for `reason`. Returns true when the protocol will call
   * `closeNow` itself, once the session can move without losing work;
   * false when the session should close at once.
   */
  closeWhenMovable(reason: EndReason, closeNow: () => void): boolean;
  /** The session has ended: forget what was registered for it. */
  ended(): void;
}

/** Makes each new session's protocol; one per frontend config. */
export interface ProtocolFactory {
  session(sessionId: number): SessionProtocol;
}
