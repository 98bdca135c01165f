/**
 * Dialling a backend on node:net for the data path: the socket can later be
 * reset and given a keepalive idle time, and reads into our own buffers.
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

/** A failed dial with node's error code (`ECONNREFUSED`, `ETIMEDOUT`, …). */
export interface DialFailure extends Error {
  readonly code?: string;
}

/**
 * A dialer whose connections read into `buffers`. The socket is connected,
 * TCP_NODELAY, half-open allowed, and paused until its relay starts.
 */
export function tcpDialer(buffers: Buffers): TcpDialer {
  return ({ hostname, port, signal }) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new DOMException("The dial was aborted", "AbortError"));
      const reader = new SocketReader(buffers);
      const socket = net.connect({
        host: hostname,
        port,
        allowHalfOpen: true,
        noDelay: true,
        onread: onreadOptions(reader),
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
        // Reading starts with the relay: nothing is read before both sides are joined.
        socket.pause();
        resolve({ socket, reader });
      };
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("connect", onConnect);
      socket.once("error", onError);
    });
}
