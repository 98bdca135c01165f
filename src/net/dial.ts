/**
 * Dialling a backend for the data path. The tcp path's connections are
 * stream handles (`tcpDialer`: see `stream_handles.ts`), which can later be
 * reset and given a keepalive idle time; the protocol paths' are node:net
 * sockets that read the node way (`socketDialer`).
 * @module
 */

import { lookup } from "node:dns/promises";
import net from "node:net";
import {
  type HandleError,
  handleError,
  newConnectRequest,
  newTcpHandle,
} from "./stream_handles.ts";
import { TcpConnection } from "./tcp_connection.ts";

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
 * A dialer of the tcp path's connections: connected, TCP_NODELAY, not yet
 * read (reading starts with the relay). A name is looked up first and its
 * addresses tried in turn.
 */
export function tcpDialer(): TcpDialer {
  // Not an async function: an IP (the usual case) costs no frame of its own.
  return ({ hostname, port, signal }) =>
    isIPLiteral(hostname)
      ? connectHandle(hostname, port, signal)
      : connectByName(hostname, port, signal);
}

async function connectByName(
  hostname: string,
  port: number,
  signal: AbortSignal,
): Promise<TcpConnection> {
  const addresses = await lookup(hostname, { all: true });
  let failure: unknown = new Error(`${hostname} has no address`);
  for (const { address } of addresses) {
    if (signal.aborted) break;
    try {
      return await connectHandle(address, port, signal);
    } catch (error) {
      failure = error;
    }
  }
  if (signal.aborted) throw aborted();
  throw failure;
}

/** Connects a new handle to the IP `address`; a failure is a `HandleError` (`ECONNREFUSED` …). */
function connectHandle(address: string, port: number, signal: AbortSignal): Promise<TcpConnection> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    const handle = newTcpHandle();
    const request = newConnectRequest();
    const fail = (error: HandleError | DOMException) => {
      signal.removeEventListener("abort", onAbort);
      handle.close();
      reject(error);
    };
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      fail(aborted());
    };
    const v6 = address.includes(":");
    // Only a failure names the address: no string per connection that works.
    const failed = (status: number) =>
      fail(handleError(status, "connect", v6 ? `[${address}]:${port}` : `${address}:${port}`));
    request.oncomplete = (status: number) => {
      if (settled) return; // Aborted: the handle is already closing.
      settled = true;
      if (status < 0) return failed(status);
      signal.removeEventListener("abort", onAbort);
      handle.setNoDelay(true);
      resolve(new TcpConnection(handle));
    };
    const status = v6
      ? handle.connect6(request, address, port)
      : handle.connect(request, address, port);
    if (status < 0) {
      settled = true;
      return failed(status);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Whether `hostname` is an IP address rather than a name to look up. A
 * plain test, not `net.isIP`'s regular expressions: it runs for every new
 * connection, and a name never has a colon.
 */
function isIPLiteral(hostname: string): boolean {
  return hostname.includes(":") || DOTTED_QUAD.test(hostname);
}

function aborted(): DOMException {
  return new DOMException("The dial was aborted", "AbortError");
}

/**
 * A dialer of plain sockets that read the node way (a fresh chunk per
 * read): connected, TCP_NODELAY, half-open allowed, not yet read.
 */
export function socketDialer(): SocketDialer {
  return (options) => connect(options);
}

function connect(
  { hostname, port, signal }: DialOptions,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    const socket = net.connect({
      host: hostname,
      port,
      allowHalfOpen: true,
      noDelay: true,
    });
    const settle = () => {
      signal.removeEventListener("abort", onAbort);
      socket.off("connect", onConnect);
      socket.off("error", onError);
    };
    const onAbort = () => {
      settle();
      socket.destroy();
      reject(aborted());
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onConnect = () => {
      settle();
      resolve(socket);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", onConnect);
    socket.once("error", onError);
  });
}
