/**
 * Dialling a backend on node:net for the data path: the socket can later be
 * reset and given a keepalive idle time. The tcp path's sockets read into
 * our own buffers (`tcpDialer`); the protocol paths' read the node way
 * (`socketDialer`).
 * @module
 */

import net from "node:net";
import { type Buffers, onreadOptions, SocketReader, type TcpConnection } from "./reader.ts";

/** Where and how to dial. */
export interface DialOptions {
  readonly hostname: string;
  readonly port: number;
  /** Aborting it abandons the dial (the promise rejects with an AbortError). */
  readonly signal: AbortSignal;
}

/** Opens a data-path connection. The default is `dialTcp`; tests may inject one. */
export type TcpDialer = (options: DialOptions) => Promise<TcpConnection>;

/** Opens a plain node:net connection (protocol sessions). */
export type SocketDialer = (options: DialOptions) => Promise<net.Socket>;

/** A failed dial with node's error code (`ECONNREFUSED`, `ETIMEDOUT`, …). */
export interface DialFailure extends Error {
  readonly code?: string;
}

/**
 * A dialer whose connections read into `buffers`. The socket is connected,
 * TCP_NODELAY, half-open allowed, and paused until its relay starts.
 */
export function tcpDialer(buffers: Buffers): TcpDialer {
  return async (options) => {
    const reader = new SocketReader(buffers);
    // Paused in the connect event itself (reading starts with the relay: nothing is
    // read before both sides are joined); later, node would already be reading.
    const socket = await connect(options, { onread: onreadOptions(reader) }, true);
    return { socket, reader };
  };
}

/**
 * A dialer of plain sockets that read the node way (a fresh chunk per
 * read): connected, TCP_NODELAY, half-open allowed, not yet read.
 */
export function socketDialer(): SocketDialer {
  return (options) => connect(options, {}, false);
}

function connect(
  { hostname, port, signal }: DialOptions,
  extra: Record<string, unknown>,
  pause: boolean,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException("The dial was aborted", "AbortError"));
    const socket = net.connect({
      host: hostname,
      port,
      allowHalfOpen: true,
      noDelay: true,
      ...extra,
    } as net.NetConnectOpts);
    const settle = () => {
      signal.removeEventListener("abort", onAbort);
      socket.off("connect", onConnect);
      socket.off("error", onError);
    };
    const onAbort = () => {
      settle();
      socket.destroy();
      reject(new DOMException("The dial was aborted", "AbortError"));
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onConnect = () => {
      settle();
      if (pause) socket.pause();
      resolve(socket);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", onConnect);
    socket.once("error", onError);
  });
}
