/**
 * Socket plumbing shared by the proxy and the diagnostics: accept loops
 * that survive running out of descriptors, retry backoff, and telling
 * local failures from the peer's.
 *
 * And the session data path: listening, dialling, and relaying bytes
 * between a client and a backend with half-close, reset and keepalive
 * passed through — `Relay` on bare stream handles for tcp frontends,
 * `SocketConn` on node:net sockets for the protocol-aware ones, which read
 * framing as it flows. Not `Deno.Conn`, because a `Deno.Conn` always sends
 * a FIN when closed (it shuts the write side down first) and has no
 * keepalive idle time.
 * @module
 */

export { AcceptLoop, type AcceptLoopOptions, type AcceptStall } from "./accept_loop.ts";
export { Backoff } from "./backoff.ts";
export { closeQuietly } from "./close_quietly.ts";
export { writeAll } from "./write_all.ts";
export { errnoCode, isLocalError, isResourceExhaustion } from "./local_error.ts";
export {
  descriptorsNeeded,
  FD_RESERVE,
  FdHeadroom,
  type FdLimitSource,
  type FdView,
} from "./fd_headroom.ts";
export { parseOpenFilesLimit, readFdSoftLimit } from "./fd_limit.ts";
export {
  type DialFailure,
  type DialOptions,
  type SocketDialer,
  socketDialer,
  type TcpDialer,
  tcpDialer,
} from "./dial.ts";
export { resetSocket, SocketConn, type StreamSocket } from "./socket_conn.ts";
export { type ListenOptions, listenTcp, type TcpListener } from "./listen.ts";
export { ensureKeepAlive } from "./socket_options.ts";
export { type Buffers, SMALL_BUFFER_SIZE } from "./pump.ts";
export { TcpConnection } from "./tcp_connection.ts";
export {
  endOfStream,
  lastWriteWasAsync,
  newConnectRequest,
  newShutdownRequest,
  newTcpHandle,
  newWriteRequest,
  readResult,
  type TcpHandle,
} from "./stream_handles.ts";
export {
  classifySocketError,
  Relay,
  type RelayOptions,
  type RelayOutcome,
  type Side,
  type SideEnd,
} from "./relay.ts";
