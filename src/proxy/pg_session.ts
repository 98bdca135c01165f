/**
 * PostgreSQL sessions: the client's opening is read here (SSLRequest is
 * answered `N`; a CancelRequest is routed to the backend of the session it
 * names), each backend tried gets TLS when configured and the client's
 * StartupMessage, and a "not now" refusal (57P03, 57P01, 53300) sends the
 * client on to the next pick without its knowing. The copy follows the
 * framing, so drain and failback close a session only when it is idle
 * outside a transaction, after telling the client why (57P01).
 * @module
 */

import type { Logger } from "../log/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import {
  ADMIN_SHUTDOWN,
  cancelKeyString,
  type ClientOpening,
  errorResponse,
  PgSessionState,
  readClientOpening,
  sendStartup,
  startBackendTls,
} from "../protocol/mod.ts";
import { deadlineSignal, type Scheduler } from "../scheduler.ts";
import { dialBackend, type Dialer, DialError } from "./dial.ts";
import type { ProtocolSettings } from "./protocol_settings.ts";
import { scanPump } from "./scan_pump.ts";
import { acceptClientTls, connectBackendTls } from "./stream_tls.ts";
import type { ProtocolFactory, SessionProtocol } from "./session_protocol.ts";
import type { EndReason } from "./end_reason.ts";
import { closeQuietly, type SocketConn, writeAll } from "../net/mod.ts";

/** What PostgreSQL sessions share within a frontend. */
export interface PgDeps {
  readonly frontendName: string;
  readonly settings: ProtocolSettings;
  readonly scheduler: Scheduler;
  /** Dials the backend a cancel request goes to (a short exchange, on Deno's sockets). */
  readonly dialer: Dialer;
  readonly log: Logger;
  /** Cancel key → the backend of the session that holds it (shared across config reloads). */
  readonly cancelKeys: Map<string, BackendSpec>;
}

const TERMINATE = Uint8Array.of(0x58, 0, 0, 0, 4);

/** The least time a backend has to answer a startup (TLS included) before the next is tried. */
export const STARTUP_ANSWER_MS = 5_000;

/** Why a moved session is closed, in the words its client sees. */
function moveMessage(reason: EndReason): string {
  return reason === "failback"
    ? "terminating connection: the iaido sidecar is moving this session to a nearer region; reconnect"
    : "terminating connection: the iaido sidecar is draining this backend; reconnect";
}

/** Makes PostgreSQL sessions for one frontend. */
export class PgProtocol implements ProtocolFactory {
  readonly #deps: PgDeps;

  constructor(deps: PgDeps) {
    this.#deps = deps;
  }

  session(sessionId: number): SessionProtocol {
    return new PgSession(this.#deps, sessionId);
  }
}

class PgSession implements SessionProtocol {
  readonly #deps: PgDeps;
  readonly #id: number;
  readonly #state = new PgSessionState();
  #opening: Extract<ClientOpening, { kind: "startup" }> | undefined;
  #first: Uint8Array | undefined;
  #backend: BackendSpec | undefined;
  #key: string | undefined;
  /** Set once copying: the conns the session talks through. */
  #client: SocketConn | undefined;
  #server: SocketConn | undefined;
  #pending: { reason: EndReason; closeNow: () => void } | undefined;

  constructor(deps: PgDeps, id: number) {
    this.#deps = deps;
    this.#id = id;
    this.#state.onMovable = () => this.#moveIfAsked();
  }

  async open(client: SocketConn): Promise<SocketConn | "done"> {
    const identity = this.#deps.settings.clientTls;
    let conn = client;
    const startTls = identity === undefined ? undefined : async () => {
      conn = await acceptClientTls(client, identity);
      return conn;
    };
    const opening = await readClientOpening(client, startTls);
    if (opening.kind === "closed") return "done";
    if (opening.kind === "cancel") {
      await this.#routeCancel(opening);
      return "done";
    }
    this.#opening = opening;
    return conn;
  }

  async start(server: SocketConn, backend: BackendSpec): Promise<SocketConn | DialError> {
    const { settings, scheduler } = this.#deps;
    const opening = this.#opening;
    if (opening === undefined) throw new TypeError("start() before open() proceeded");
    let conn = server;
    // A backend that takes TCP but never answers must not hold the client forever; a busy
    // one forks a process per session, so it gets longer than a connect.
    const answerMs = Math.max(backend.dialTimeoutMs, STARTUP_ANSWER_MS);
    using deadline = deadlineSignal(scheduler, answerMs);
    const onTimeout = () => conn.close();
    deadline.signal.addEventListener("abort", onTimeout, { once: true });
    try {
      if (settings.tlsProblem !== undefined) {
        return new DialError("error", backend.key, settings.tlsProblem);
      }
      const tls = settings.tlsFor(backend);
      if (tls !== undefined) conn = await connectBackendTls(server, tls);
      const answer = await sendStartup(conn, opening.packet);
      if (deadline.timedOut()) throw new Error("closed at the deadline");
      if (!answer.taken) {
        conn.close();
        this.#deps.log.info("backend refused a startup; trying the next", {
          frontend: this.#deps.frontendName,
          session: this.#id,
          backend: backend.key,
          answer: answer.message,
        });
        return new DialError("refused", backend.key, answer.message);
      }
      this.#first = answer.first;
      this.#backend = backend;
      return conn;
    } catch (error) {
      conn.close();
      const reason = deadline.timedOut()
        ? `no answer to the startup within ${answerMs}ms`
        : (error as Error).message;
      return new DialError(deadline.timedOut() ? "timeout" : "error", backend.key, reason, {
        cause: error,
      });
    } finally {
      deadline.signal.removeEventListener("abort", onTimeout);
    }
  }

  async copy(
    clientConn: SocketConn,
    server: SocketConn,
    io: Parameters<SessionProtocol["copy"]>[2],
    ended: Parameters<SessionProtocol["copy"]>[3],
  ): Promise<void> {
    this.#client = clientConn;
    this.#server = server;
    const state = this.#state;
    const first = this.#first ?? new Uint8Array(0);
    const rest = this.#opening?.rest ?? new Uint8Array(0);
    this.#first = undefined;
    try {
      await writeAll(clientConn, first);
      io.down.bytes += first.length;
      state.fromServer(first);
      this.#register();
      if (rest.length > 0) {
        state.fromClient(rest);
        await writeAll(server, rest);
        io.up.bytes += rest.length;
      }
    } catch {
      ended("client", "error");
      return;
    }
    await Promise.all([
      scanPump(clientConn, server, io.up, {
        before: (chunk) => state.fromClient(chunk),
      })
        .then((end) => ended("client", end)),
      scanPump(server, clientConn, io.down, {
        after: (chunk) => {
          state.fromServer(chunk);
          if (this.#key === undefined) this.#register();
        },
      }).then((end) => ended("backend", end)),
    ]);
  }

  closeWhenMovable(reason: EndReason, closeNow: () => void): boolean {
    if ((reason !== "failback" && reason !== "drain") || this.#client === undefined) return false;
    this.#pending ??= { reason, closeNow };
    if (this.#state.movable) this.#moveIfAsked();
    else {
      this.#deps.log.info("session will move once idle", {
        frontend: this.#deps.frontendName,
        session: this.#id,
        reason,
        now: this.#state.busyReason,
      });
    }
    return true;
  }

  ended(): void {
    if (this.#key !== undefined) this.#deps.cancelKeys.delete(this.#key);
  }

  #register(): void {
    const key = this.#state.cancelKey;
    if (key === undefined || this.#backend === undefined) return;
    this.#key = cancelKeyString(key);
    this.#deps.cancelKeys.set(this.#key, this.#backend);
  }

  #moveIfAsked(): void {
    const pending = this.#pending;
    const client = this.#client;
    if (pending === undefined || client === undefined) return;
    this.#pending = undefined;
    const notice = errorResponse({
      severity: "FATAL",
      code: ADMIN_SHUTDOWN,
      message: moveMessage(pending.reason),
    });
    // The backend ends the session cleanly; the client is told why before the close,
    // which waits until both are sent (a close drops what is still queued).
    void Promise.allSettled([
      (this.#server as SocketConn).flush(TERMINATE),
      client.flush(notice),
    ]).then(pending.closeNow);
  }

  async #routeCancel(opening: Extract<ClientOpening, { kind: "cancel" }>): Promise<void> {
    const { cancelKeys, dialer, scheduler, settings, log, frontendName } = this.#deps;
    const backend = cancelKeys.get(cancelKeyString(opening.key));
    if (backend === undefined) {
      log.info("cancel request for no session of this sidecar", {
        frontend: frontendName,
        processId: opening.key.processId,
      });
      return;
    }
    using deadline = deadlineSignal(scheduler, backend.dialTimeoutMs);
    let conn: Deno.Conn | undefined;
    const onTimeout = () => conn !== undefined && closeQuietly(conn);
    deadline.signal.addEventListener("abort", onTimeout, { once: true });
    try {
      conn = await dialBackend(dialer, backend, backend.dialTimeoutMs, deadline.signal, scheduler);
      const tls = settings.tlsFor(backend);
      if (tls !== undefined) conn = await startBackendTls(conn as Deno.TcpConn, tls);
      await writeAll(conn, opening.packet);
      // The server answers nothing and closes once it has taken the request.
      await conn.read(new Uint8Array(1));
      log.info("cancel request routed", {
        frontend: frontendName,
        processId: opening.key.processId,
        backend: backend.key,
      });
    } catch (error) {
      log.warn("cancel request could not be delivered", {
        frontend: frontendName,
        backend: backend.key,
        error: (error as Error).message,
      });
    } finally {
      deadline.signal.removeEventListener("abort", onTimeout);
      if (conn !== undefined) closeQuietly(conn);
    }
  }
}
