/**
 * The seam between a session and the protocol it carries. A tcp session has
 * none and copies bytes; a postgres or redis session hands these steps to
 * its protocol: what the client opens with, preparing a dialled backend
 * (where a refusal sends the client to the next pick), the copy (reading
 * framing as it goes), and closing for drain or failback only when nothing
 * would be lost.
 * @module
 */

import type { BackendSpec } from "../pool/mod.ts";
import type { BufferPool } from "./buffer_pool.ts";
import type { DialError } from "./dial.ts";
import type { PumpEnd, PumpStats } from "./pump.ts";
import type { EndReason } from "./end_reason.ts";

/** One session's protocol. */
export interface SessionProtocol {
  /**
   * Reads what the client opens with, before any backend is leased.
   * "done" ends the session (the client left, or its request was served
   * without a session, such as a PostgreSQL cancel).
   */
  open(client: Deno.TcpConn): Promise<"proceed" | "done">;
  /**
   * Prepares a dialled backend. Returns the connection to copy with, or a
   * DialError when the backend refused the session (it is then disabled and
   * the next pick is tried; `server` is closed).
   */
  start(server: Deno.TcpConn, backend: BackendSpec): Promise<Deno.Conn | DialError>;
  /** Copies both ways; `ended` is told each direction's end as it happens. */
  copy(
    client: Deno.TcpConn,
    server: Deno.Conn,
    io: { buffers: BufferPool; up: PumpStats; down: PumpStats },
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
