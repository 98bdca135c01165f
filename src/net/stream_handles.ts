/**
 * node's stream handles, the layer under `node:net`'s sockets: Deno 2.9
 * implements them (a libuv-like TCP handle in Rust) and exposes them to
 * programs through `process.binding`, as node did. The tcp data path works
 * on them directly: a `net.Socket` wraps each handle in a Duplex stream,
 * event emitters and their state, which cost an idle connection about
 * 4.6 KiB per socket and a new connection tens of µs (see bench/README.md,
 * "What an idle session costs").
 *
 * Only what the data path uses is typed here. Every call returns a status:
 * 0, or a negative errno (libuv's numbering) that `handleError` names.
 * @module
 */

import process from "node:process";

/** A connected (or connecting) TCP handle. */
export interface TcpHandle {
  /** Called with `this` set to the handle after each read; the result is in `readResult()`. */
  onread: (() => void) | null;
  /** Reads go into `buffer` (from its start) from now on, not into fresh memory. */
  useUserBuffer(buffer: Uint8Array): void;
  readStart(): number;
  readStop(): number;
  /**
   * Writes at once what the kernel takes and queues the rest, which keeps
   * pointing into `data` until `request.oncomplete`. `lastWriteWasAsync()`
   * says which.
   */
  writeBuffer(request: WriteRequest, data: Uint8Array): number;
  /** Sends a FIN once queued writes are out. */
  shutdown(request: ShutdownRequest): number;
  /** Closes the descriptor (a FIN, unless `reset` ran first); `callback` once it is gone. */
  close(callback?: () => void): void;
  /** Makes the next `close` send a reset (SO_LINGER 0). */
  reset(): number;
  setNoDelay(enable: boolean): number;
  /** Keepalive on or off, with its idle time in whole seconds. */
  setKeepAlive(enable: boolean, seconds: number): number;
  getpeername(out: { address?: string; port?: number }): number;
  connect(request: ConnectRequest, address: string, port: number): number;
  connect6(request: ConnectRequest, address: string, port: number): number;
}

/** A write in flight; `oncomplete` runs only for a write that was queued. */
export interface WriteRequest {
  handle: TcpHandle;
  oncomplete: (status: number) => void;
}

/** A shutdown in flight. */
export interface ShutdownRequest {
  handle: TcpHandle;
  oncomplete: (status: number) => void;
}

/** A connect in flight. */
export interface ConnectRequest {
  oncomplete: (status: number) => void;
}

/** The constructors and shared state of the bindings. */
interface Bindings {
  readonly TCP: new (type: number) => TcpHandle;
  readonly socketType: number;
  readonly TCPConnectWrap: new () => ConnectRequest;
  readonly WriteWrap: new () => WriteRequest;
  readonly ShutdownWrap: new () => ShutdownRequest;
  /** Where a read's result and a write's asynchrony are left (node's `streamBaseState`). */
  readonly state: Int32Array;
  readonly readResultIndex: number;
  readonly asyncIndex: number;
  readonly eof: number;
  readonly errname: (status: number) => string;
}

let bindings: Bindings | undefined;

/**
 * The bindings, loaded on first use.
 *
 * @throws {Error} naming what is missing, when this Deno does not expose them
 */
function load(): Bindings {
  if (bindings !== undefined) return bindings;
  const binding = (process as unknown as { binding?: (name: string) => Record<string, unknown> })
    .binding;
  if (typeof binding !== "function") throw missing("process.binding");
  const tcp = binding("tcp_wrap");
  const stream = binding("stream_wrap");
  const uv = binding("uv");
  const constants = tcp.constants as { SOCKET?: number } | undefined;
  const loaded = {
    TCP: tcp.TCP,
    socketType: constants?.SOCKET,
    TCPConnectWrap: tcp.TCPConnectWrap,
    WriteWrap: stream.WriteWrap,
    ShutdownWrap: stream.ShutdownWrap,
    state: stream.streamBaseState,
    readResultIndex: stream.kReadBytesOrError,
    asyncIndex: stream.kLastWriteWasAsync,
    eof: uv.UV_EOF,
    errname: uv.errname,
  };
  for (const [name, value] of Object.entries(loaded)) {
    if (value === undefined) throw missing(name);
  }
  bindings = loaded as unknown as Bindings;
  return bindings;
}

function missing(what: string): Error {
  return new Error(
    `this Deno exposes no ${what} among node's stream handles (process.binding): the tcp data path needs Deno 2.9`,
  );
}

/** A new, unconnected TCP handle. */
export function newTcpHandle(): TcpHandle {
  const { TCP, socketType } = load();
  return new TCP(socketType);
}

/** A request object for `connect`. */
export function newConnectRequest(): ConnectRequest {
  return new (load().TCPConnectWrap)();
}

/** A request object for `writeBuffer` on `handle`, reusable once its write completed. */
export function newWriteRequest(handle: TcpHandle): WriteRequest {
  const request = new (load().WriteWrap)();
  request.handle = handle;
  return request;
}

/** A request object for `shutdown` on `handle`. */
export function newShutdownRequest(handle: TcpHandle): ShutdownRequest {
  const request = new (load().ShutdownWrap)();
  request.handle = handle;
  return request;
}

/** The last read's result, inside `onread`: bytes read (> 0), `END_OF_STREAM`, or an error status. */
export function readResult(): number {
  const { state, readResultIndex } = load();
  return state[readResultIndex] as number;
}

/** Whether the last `writeBuffer` queued part of its data (its `oncomplete` will run). */
export function lastWriteWasAsync(): boolean {
  const { state, asyncIndex } = load();
  return state[asyncIndex] !== 0;
}

/** The read result that means the peer sent a FIN. */
export function endOfStream(): number {
  return load().eof;
}

/** A failed call's error, with node's `code` (`ECONNRESET`) and `syscall`, as node:net makes them. */
export interface HandleError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
}

/** The error a negative `status` of `syscall` means; `where` (an address) ends the message. */
export function handleError(status: number, syscall: string, where?: string): HandleError {
  let code: string;
  try {
    code = load().errname(status);
  } catch {
    code = `E${-status}`;
  }
  const message = `${syscall} ${code}${where === undefined ? "" : ` ${where}`}`;
  return Object.assign(new Error(message), { code, errno: status, syscall });
}
