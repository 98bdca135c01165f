/**
 * The data path of one session: bytes both ways between the client's and
 * the backend's sockets, a half-close passed on (FIN for FIN), and an
 * abortive end passed on as an abortive end — a reset, a keepalive timeout
 * or any socket error on one side resets the other, so a client never
 * mistakes a cut-off reply for a complete one.
 * @module
 */

import { type Buffers, Pump, type PumpEvents } from "./pump.ts";
import type { HandleError } from "./stream_handles.ts";
import type { TcpConnection } from "./tcp_connection.ts";

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
  /** Where each direction borrows a large buffer while it moves bulk data. */
  readonly buffers: Buffers;
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
export class Relay implements PumpEvents {
  readonly #client: TcpConnection;
  readonly #backend: TcpConnection;
  readonly #options: RelayOptions;
  readonly #up: Pump;
  readonly #down: Pump;
  #outcome: RelayOutcome | undefined;
  #halfClosed = false;
  /** Sockets closed so far; at 2 the relay is done. */
  #closedCount = 0;
  #done: ((outcome: RelayOutcome | undefined) => void) | undefined;

  constructor(client: TcpConnection, backend: TcpConnection, options: RelayOptions) {
    this.#client = client;
    this.#backend = backend;
    this.#options = options;
    this.#up = new Pump(client, backend, options.buffers, this);
    this.#down = new Pump(backend, client, options.buffers, this);
  }

  /** Client → backend bytes. */
  get bytesUp(): number {
    return this.#client.bytesRead;
  }

  /** Backend → client bytes. */
  get bytesDown(): number {
    return this.#backend.bytesRead;
  }

  /** Whether a write to `side` is queued (the other side's reading waits for it). */
  writeQueued(side: Side): boolean {
    return (side === "backend" ? this.#up : this.#down).writing;
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
      client.whenClosed(this.#socketClosed);
      backend.whenClosed(this.#socketClosed);
      client.ensureKeepAlive(keepAliveMs);
      backend.ensureKeepAlive(keepAliveMs);
      this.#up.start();
      this.#down.start();
    } catch (error) {
      return Promise.reject(error);
    }
    return promise;
  }

  /** Ends both sides with a FIN after what is already written (idle, drain, shutdown). */
  close(): void {
    this.#client.close();
    this.#backend.close();
  }

  /** Ends both sides at once with a reset. */
  reset(): void {
    this.#client.reset();
    this.#backend.reset();
  }

  /** A FIN from `pump.from`: pass it on once what we owe the other side is written. */
  ended(pump: Pump): void {
    const side = this.#sideOf(pump.from);
    this.#outcome ??= { first: side, how: "eof" };
    const other = pump === this.#up ? this.#down : this.#up;
    if (!this.#halfClosed && !other.ended) {
      this.#halfClosed = true;
      this.#options.onHalfClose?.(side);
    }
    // Both FINs are in and all is written: closing sends the FIN, so no shutdown first.
    if (other.shut && !pump.writing) return this.close();
    pump.passEnd();
  }

  /** A FIN passed on: once both directions are done, both sockets close. */
  shut(): void {
    if (this.#up.ended && this.#up.shut && this.#down.ended && this.#down.shut) this.close();
  }

  /** A read or write failed: that socket is done, and the other is reset. */
  failed(connection: TcpConnection, error: HandleError): void {
    const how = classifySocketError(error);
    this.#outcome ??= { first: this.#sideOf(connection), how, error: error.message };
    connection.close();
    (connection === this.#client ? this.#backend : this.#client).reset();
  }

  #sideOf(connection: TcpConnection): Side {
    return connection === this.#client ? "client" : "backend";
  }

  /** Each socket's close callback (one function for both). */
  readonly #socketClosed = (): void => {
    if (++this.#closedCount < 2) return;
    this.#up.release();
    this.#down.release();
    this.#done?.(this.#outcome);
    this.#done = undefined;
  };
}
