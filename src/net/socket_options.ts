/**
 * TCP options of the data path's sockets. What every accepted socket
 * needs is set once on the listening socket: Linux copies TCP_NODELAY,
 * SO_KEEPALIVE and TCP_KEEPIDLE from a listening socket to the sockets it
 * accepts, which saves three `setsockopt` calls (and their ops) per
 * connection.
 * @module
 */

import type net from "node:net";

/** Options every accepted socket starts with. */
export interface AcceptedSocketOptions {
  /** Keepalive idle time, ms (0 = off). */
  keepAliveMs: number;
  /** Whether accepted sockets inherit them (and TCP_NODELAY) from the listening socket. */
  inherited: boolean;
}

/** node's listening handle (Deno's `TCPWrap`), whose options accepted sockets inherit. */
interface ListeningHandle {
  setNoDelay?(enable: boolean): number;
  setKeepAlive?(enable: boolean, seconds: number): number;
}

/**
 * Sets TCP_NODELAY and keepalive on the listening socket, for the sockets
 * it accepts to inherit. False when this Deno's server has no handle to
 * set them on; each accepted socket then gets them itself.
 */
export function setListenerOptions(server: net.Server, options: AcceptedSocketOptions): boolean {
  const handle = (server as unknown as { _handle?: ListeningHandle })._handle;
  if (typeof handle?.setNoDelay !== "function" || typeof handle.setKeepAlive !== "function") {
    return false;
  }
  const seconds = keepAliveSeconds(options.keepAliveMs);
  return handle.setNoDelay(true) === 0 && handle.setKeepAlive(seconds > 0, seconds) === 0;
}

/**
 * Sets a socket's keepalive idle time, unless it has that one already
 * (`hasMs`: inherited from its listener). Throws if the socket is closed.
 */
export function ensureKeepAlive(socket: net.Socket, keepAliveMs: number, hasMs = 0): void {
  const seconds = keepAliveSeconds(keepAliveMs);
  if (seconds === keepAliveSeconds(hasMs)) return;
  socket.setKeepAlive(seconds > 0, seconds * 1000);
}

/** TCP_KEEPIDLE is whole seconds (node floors ms to seconds, and 0 is invalid): round up. */
export function keepAliveSeconds(ms: number): number {
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}
