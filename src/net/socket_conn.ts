/**
 * A node:net (or node:tls) socket read and written through promises, the
 * way the protocol-aware sessions hold a conversation: the short exchanges
 * they speak themselves (a PostgreSQL startup, TLS negotiation) and the
 * copy that follows the framing. The tcp fast path does not use it (see
 * `relay.ts`). It reads the node way, a fresh chunk per read, so a chunk
 * can be forwarded as it is, without a copy.
 *
 * It also records how its socket ended (FIN, reset, timeout, error) and
 * can end it abortively, so a session can pass a reset on.
 * @module
 */

import type { Duplex } from "node:stream";
import { classifySocketError, type SideEnd } from "./relay.ts";

/** Most bytes queued unread before the socket is paused. */
const HIGH_WATER = 64 * 1024;

/** The socket calls that `SocketConn` makes (a `net.Socket` or a `tls.TLSSocket`). */
export type StreamSocket = Duplex & {
  resetAndDestroy?: () => unknown;
};

/** A socket read and written with promises; one reader and one writer at a time. */
export class SocketConn {
  readonly socket: StreamSocket;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #end: SideEnd | undefined;
  #error: Error | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  #onAbortive: ((how: Exclude<SideEnd, "eof">, error: Error) => void) | undefined;
  /** Set in flow mode: each chunk goes here as it is read, and the end to `#flowEnd`. */
  #sink: ((chunk: Uint8Array) => void) | undefined;
  #flowEnd: ((end: "eof" | "error") => void) | undefined;
  readonly #onData = (chunk: Uint8Array) => {
    if (this.#sink !== undefined) return this.#sink(chunk);
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > HIGH_WATER) this.socket.pause();
    this.#notify();
  };
  readonly #onEnd = () => {
    this.#end ??= "eof";
    this.#notify();
  };
  readonly #onError = (error: Error) => {
    this.#error ??= error;
    if (this.#end === undefined || this.#end === "eof") {
      const how = classifySocketError(error);
      this.#end = how;
      this.#onAbortive?.(how, error);
    }
    this.#notify();
  };
  readonly #onClose = () => {
    this.#closed = true;
    this.#notify();
  };

  /** Starts reading `socket` (resuming it if it was paused). */
  constructor(socket: StreamSocket) {
    this.socket = socket;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    socket.resume();
  }

  /** How the socket's reading side ended, once it has: FIN, reset, timeout or another error. */
  get ended(): SideEnd | undefined {
    return this.#end;
  }

  /** The socket's error, once it failed. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Whether the socket is closed (destroyed, or both ways finished). */
  get closed(): boolean {
    return this.#closed || this.socket.destroyed;
  }

  /** Called once when the socket fails abortively (a reset, a keepalive timeout, an error). */
  set onAbortive(callback: ((how: Exclude<SideEnd, "eof">, error: Error) => void) | undefined) {
    this.#onAbortive = callback;
  }

  /**
   * The next chunk as read, now owned by the caller; null at the end of the stream.
   * @throws {Error} the socket's error, once nothing read before it is left
   */
  async readChunk(): Promise<Uint8Array | null> {
    while (this.#queue.length === 0) {
      if (this.#error !== undefined) throw this.#error;
      // Not `socket.destroyed`: node destroys first and tells the error a tick later.
      if (this.#end !== undefined || this.#closed) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const chunk = this.#queue.shift() as Uint8Array;
    this.#queued -= chunk.length;
    if (this.#queued <= HIGH_WATER && this.socket.isPaused()) this.socket.resume();
    return chunk;
  }

  /** Reads into `buffer`, like `Deno.Conn.read`; null at the end of the stream. */
  async read(buffer: Uint8Array): Promise<number | null> {
    const chunk = await this.readChunk();
    if (chunk === null) return null;
    const count = Math.min(buffer.length, chunk.length);
    buffer.set(chunk.subarray(0, count));
    if (count < chunk.length) {
      const rest = chunk.subarray(count);
      this.#queue.unshift(rest);
      this.#queued += rest.length;
    }
    return count;
  }

  /**
   * Writes all of `bytes`, which the socket keeps until it is sent (do not
   * change them afterwards). Resolves at once while the socket takes more,
   * else once it drains.
   * @throws {Error} when the socket is closed or fails first
   */
  write(bytes: Uint8Array): Promise<number> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) {
      return Promise.reject(this.#error ?? new Error("write on a closed socket"));
    }
    if (socket.write(bytes)) return Promise.resolve(bytes.length);
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        socket.off("drain", onDrain);
        socket.off("close", onClose);
        if (error === undefined) resolve(bytes.length);
        else reject(error);
      };
      const onDrain = () => settle();
      const onClose = () => settle(this.#error ?? new Error("socket closed while writing"));
      socket.once("drain", onDrain);
      socket.once("close", onClose);
    });
  }

  /**
   * Writes `bytes` and resolves once the socket has sent them (not merely
   * queued them): for last words before a close, which would drop what
   * is still queued.
   */
  flush(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => socket.write(bytes, () => resolve()));
  }

  /** Sends a FIN after what is written; reading goes on. */
  closeWrite(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => socket.end(resolve));
  }

  /** Closes now: a FIN after what the kernel already holds. */
  close(): void {
    this.socket.destroy();
  }

  /** Closes now with a reset (RST), so the peer knows the stream was cut off. */
  reset(): void {
    resetSocket(this.socket);
  }

  /**
   * Switches to flow mode for the copy: each chunk read (those queued
   * first) goes to `onChunk` as it arrives, with no promise per read; the
   * caller pauses and resumes `socket` for backpressure. Resolves once
   * reading ends: "eof" (a FIN, or closed), "error" (a reset, a timeout).
   */
  flow(onChunk: (chunk: Uint8Array) => void): Promise<"eof" | "error"> {
    const { promise, resolve } = Promise.withResolvers<"eof" | "error">();
    this.#sink = onChunk;
    this.#flowEnd = resolve;
    for (let chunk = this.#queue.shift(); chunk !== undefined; chunk = this.#queue.shift()) {
      onChunk(chunk);
    }
    this.#queued = 0;
    this.#notify();
    if (this.socket.isPaused()) this.socket.resume();
    return promise;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
    const end = this.#error !== undefined
      ? "error"
      : this.#end !== undefined || this.#closed
      ? "eof"
      : undefined;
    if (end !== undefined && this.#flowEnd !== undefined) {
      const flowEnd = this.#flowEnd;
      this.#flowEnd = undefined;
      flowEnd(end);
    }
  }
}

/** Closes `socket` now with a reset (RST); one that cannot be reset is destroyed. */
export function resetSocket(socket: StreamSocket): void {
  if (socket.destroyed) return;
  try {
    if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
    else socket.destroy();
  } catch {
    // A socket still connecting cannot be reset.
    socket.destroy();
  }
}
