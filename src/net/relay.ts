/**
 * The data path of one session: bytes both ways between the client's and
 * the backend's sockets, a half-close passed on (FIN for FIN), and an
 * abortive end passed on as an abortive end — a reset, a keepalive timeout
 * or any socket error on one side resets the other, so a client never
 * mistakes a cut-off reply for a complete one.
 * @module
 */

import { ensureKeepAlive } from "./socket_options.ts";
import type { TcpConnection } from "./reader.ts";

/** One end of a session. */
export type Side = "client" | "backend";

/** How a side's socket ended: FIN, RST, a timeout (keepalive, retransmission), another error. */
export type SideEnd = "eof" | "reset" | "timeout" | "error";

/** How a relay ended: the first side to end, and how. */
export interface RelayOutcome {
  readonly first: Side;
  readonly how: SideEnd;
  /** The socket error's message, for `timeout` and `error`. */
  readonly error?: string;
}

/** Options for `Relay`. */
export interface RelayOptions {
  /** TCP keepalive idle time on both sockets, ms (whole seconds; 0 = off). @default 0 */
  readonly keepAliveMs?: number;
  /** Called once when the first direction ends with EOF while the other goes on. */
  readonly onHalfClose?: (side: Side) => void;
}

/** node's error codes for a peer that reset or vanished. */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT"]);

/** What a socket error means for the session. */
export function classifySocketError(error: unknown): Exclude<SideEnd, "eof"> {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string") return "error";
  if (RESET_CODES.has(code)) return "reset";
  if (TIMEOUT_CODES.has(code)) return "timeout";
  return "error";
}

/** Copies between a client and a backend connection until both are closed. */
export class Relay {
  readonly #client: TcpConnection;
  readonly #backend: TcpConnection;
  readonly #options: RelayOptions;
  #outcome: RelayOutcome | undefined;
  #halfClosed = false;
  /** Sockets closed so far; at 2 the relay is done. */
  #closedCount = 0;
  #done: ((outcome: RelayOutcome | undefined) => void) | undefined;

  constructor(client: TcpConnection, backend: TcpConnection, options: RelayOptions = {}) {
    this.#client = client;
    this.#backend = backend;
    this.#options = options;
  }

  /** Client → backend bytes. */
  get bytesUp(): number {
    return this.#client.reader.bytes;
  }

  /** Backend → client bytes. */
  get bytesDown(): number {
    return this.#backend.reader.bytes;
  }

  /**
   * Starts copying; resolves once both sockets are closed, with who ended
   * first and how. No async frame, `Promise.all` or promise per socket is
   * held while the connection idles: one count and one resolver (see the
   * idle budget in bench/README.md).
   */
  run(): Promise<RelayOutcome | undefined> {
    const client = this.#client;
    const backend = this.#backend;
    const keepAliveMs = this.#options.keepAliveMs ?? 0;
    const { promise, resolve } = Promise.withResolvers<RelayOutcome | undefined>();
    this.#done = resolve;
    try {
      this.#watch("client");
      this.#watch("backend");
      ensureKeepAlive(client.socket, keepAliveMs, client.keepAliveMs);
      ensureKeepAlive(backend.socket, keepAliveMs, backend.keepAliveMs);
      client.reader.pipe(client.socket, backend.socket);
      backend.reader.pipe(backend.socket, client.socket);
    } catch (error) {
      return Promise.reject(error);
    }
    return promise;
  }

  /** Ends both sides with a FIN after what is already written (idle, drain, shutdown). */
  close(): void {
    this.#client.socket.destroy();
    this.#backend.socket.destroy();
  }

  /** Ends both sides at once with a reset. */
  reset(): void {
    resetQuietly(this.#client);
    resetQuietly(this.#backend);
  }

  #watch(side: Side): void {
    const own = side === "client" ? this.#client : this.#backend;
    const other = side === "client" ? this.#backend : this.#client;
    const { socket } = own;
    // `on`, not `once`: node emits each of these once per socket, and `once`
    // would hold a wrapper and its state per listener for the session's life.
    socket.on("end", () => {
      // FIN from this side: pass it on once what we owe the other side is written.
      this.#outcome ??= { first: side, how: "eof" };
      const to = other.socket;
      if (!this.#halfClosed && !to.readableEnded) {
        this.#halfClosed = true;
        this.#options.onHalfClose?.(side);
      }
      if (to.destroyed) return;
      // Both FINs are in and all is written: closing sends the FIN, so no shutdown first.
      if (to.readableEnded && to.writableLength === 0) to.destroy();
      else to.end();
    });
    socket.on("error", (error: Error) => {
      const how = classifySocketError(error);
      this.#outcome ??= { first: side, how, error: error.message };
      resetQuietly(other);
    });
    socket.on("close", this.#socketClosed);
  }

  /** Each socket's `close` listener (one function for both). */
  readonly #socketClosed = (): void => {
    if (++this.#closedCount < 2) return;
    this.#client.reader.release();
    this.#backend.reader.release();
    this.#done?.(this.#outcome);
    this.#done = undefined;
  };
}

function resetQuietly(connection: TcpConnection): void {
  const { socket } = connection;
  if (socket.destroyed) return;
  // A socket still connecting or already gone cannot be reset; destroy it instead.
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
