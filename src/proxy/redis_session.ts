/**
 * Redis sessions: bytes are copied as they are, while the RESP framing is
 * followed so that drain and failback close a session only between
 * commands (every reply delivered), never inside MULTI or WATCH, never a
 * subscriber or a blocked command. Redis has no way to tell a client why
 * its connection ends, so the close is a plain one.
 * @module
 */

import type { Logger } from "../log/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import { RedisSessionState } from "../protocol/mod.ts";
import type { SocketConn } from "../net/mod.ts";
import type { DialError } from "./dial.ts";
import { scanPump } from "./scan_pump.ts";
import type { ProtocolFactory, SessionProtocol } from "./session_protocol.ts";
import type { EndReason } from "./end_reason.ts";

/** Makes Redis sessions for one frontend. */
export class RedisProtocol implements ProtocolFactory {
  readonly #frontendName: string;
  readonly #log: Logger;

  constructor(frontendName: string, log: Logger) {
    this.#frontendName = frontendName;
    this.#log = log;
  }

  session(sessionId: number): SessionProtocol {
    return new RedisSession(this.#frontendName, this.#log, sessionId);
  }
}

class RedisSession implements SessionProtocol {
  readonly #state = new RedisSessionState();
  readonly #frontendName: string;
  readonly #log: Logger;
  readonly #id: number;
  #copying = false;
  #closeNow: (() => void) | undefined;

  constructor(frontendName: string, log: Logger, id: number) {
    this.#frontendName = frontendName;
    this.#log = log;
    this.#id = id;
    this.#state.onMovable = () => this.#closeNow?.();
  }

  open(client: SocketConn): Promise<SocketConn> {
    return Promise.resolve(client);
  }

  start(server: SocketConn, _backend: BackendSpec): Promise<SocketConn | DialError> {
    return Promise.resolve(server);
  }

  async copy(
    client: SocketConn,
    server: SocketConn,
    io: Parameters<SessionProtocol["copy"]>[2],
    ended: Parameters<SessionProtocol["copy"]>[3],
  ): Promise<void> {
    const state = this.#state;
    this.#copying = true;
    await Promise.all([
      scanPump(client, server, io.up, { before: (chunk) => state.fromClient(chunk) })
        .then((end) => ended("client", end)),
      scanPump(server, client, io.down, { after: (chunk) => state.fromServer(chunk) })
        .then((end) => ended("backend", end)),
    ]);
  }

  closeWhenMovable(reason: EndReason, closeNow: () => void): boolean {
    if ((reason !== "failback" && reason !== "drain") || !this.#copying) return false;
    if (this.#state.movable) {
      closeNow();
      return true;
    }
    this.#closeNow ??= closeNow;
    this.#log.info("session will move once idle", {
      frontend: this.#frontendName,
      session: this.#id,
      reason,
      now: this.#state.busyReason,
    });
    return true;
  }

  ended(): void {}
}
