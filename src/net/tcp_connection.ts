/**
 * One socket of the tcp data path: a stream handle (see
 * `stream_handles.ts`) with what a session asks of it — the peer's
 * address, keepalive, a close (FIN) or a reset (RST), and being told once
 * the descriptor is gone. Reading and writing are the relay's (`Pump`).
 * @module
 */

import { keepAliveSeconds } from "./socket_options.ts";
import type { TcpHandle } from "./stream_handles.ts";

/** A data-path TCP socket. */
export class TcpConnection {
  readonly handle: TcpHandle;
  /** The keepalive idle time the socket already has (ms; inherited from its listener), or 0. */
  keepAliveMs: number;
  /** Bytes read from it so far. */
  bytesRead = 0;
  #closing = false;
  /** The descriptor is closed: true, or who waits for it. */
  #gone: boolean | (() => void) = false;

  constructor(handle: TcpHandle, keepAliveMs = 0) {
    this.handle = handle;
    this.keepAliveMs = keepAliveMs;
  }

  /** Whether it was closed (or is closing): nothing more is read or written. */
  get closed(): boolean {
    return this.#closing;
  }

  /** The peer's address and port, while open. */
  peer(): { readonly address: string; readonly port: number } | undefined {
    const out: { address?: string; port?: number } = {};
    if (this.#closing || this.handle.getpeername(out) !== 0) return undefined;
    if (out.address === undefined || out.port === undefined) return undefined;
    return { address: out.address, port: out.port };
  }

  /** Sets the keepalive idle time (ms, whole seconds; 0 = off), unless it has that one. */
  ensureKeepAlive(keepAliveMs: number): void {
    const seconds = keepAliveSeconds(keepAliveMs);
    if (this.#closing || seconds === keepAliveSeconds(this.keepAliveMs)) return;
    this.handle.setKeepAlive(seconds > 0, seconds);
    this.keepAliveMs = keepAliveMs;
  }

  /** Calls `callback` once its descriptor is closed (at once if it is already). One waiter. */
  whenClosed(callback: () => void): void {
    if (this.#gone === true) return callback();
    this.#gone = callback;
  }

  /** Closes it: a FIN after what the kernel already holds. Once only. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.handle.onread = ignoreRead;
    // A closure made now, not held by every open connection.
    this.handle.close(() => {
      const waiting = this.#gone;
      this.#gone = true;
      if (typeof waiting === "function") waiting();
    });
  }

  /** Closes it with a reset, so the peer knows the stream was cut. Once only. */
  reset(): void {
    if (this.#closing) return;
    this.handle.reset();
    this.close();
  }
}

/** A closed handle's `onread`: a read that raced the close is dropped. */
function ignoreRead(): void {}
