/**
 * The frontend's listener on node:net, so that every accepted socket can
 * later be reset and given a keepalive idle time — neither is possible on a
 * `Deno.Conn`. A tcp frontend's clients stay bare stream handles
 * (`TcpConnection`, read by the relay into our own buffers); a protocol
 * frontend's become node:net sockets.
 *
 * Deno 2.9's node:net server stops accepting for good, without an error,
 * once an accept fails for lack of file descriptors (measured: 45 clients
 * left in the backlog after 30 descriptors were freed). A watchdog finds
 * that: while no client arrives, it connects to the listener itself every
 * `watchdogMs`; a probe still not accepted at the next check means the
 * listener is stuck, and it listens again on the same address.
 *
 * TCP_NODELAY and the keepalive options are set once on the listening
 * socket: Linux copies them to every socket it accepts, which saves three
 * `setsockopt` calls (and their ops) per connection.
 * @module
 */

import net from "node:net";
import type { Cancel, Scheduler } from "../scheduler.ts";
import { type AcceptedSocketOptions, setListenerOptions } from "./socket_options.ts";
import type { TcpHandle } from "./stream_handles.ts";
import { TcpConnection } from "./tcp_connection.ts";

/** A listening socket. */
export interface TcpListener {
  /** The bound address. */
  readonly hostname: string;
  readonly port: number;
  /**
   * Set while the listener may not be accepting: the process ran out of
   * descriptors and no probe has been accepted since (or it is listening
   * again). Undefined while it accepts normally.
   */
  readonly stall:
    | { readonly since: number; readonly reason: string; readonly failures: number }
    | undefined;
  /**
   * Sets the keepalive idle time (ms, whole seconds; 0 = off) that sockets
   * accepted from now on start with. Connections already open keep theirs.
   */
  setKeepAlive(ms: number): void;
  /** Stops accepting; resolves once the listening socket is closed (open connections stay). */
  close(): Promise<void>;
}

/** What `listenTcp` needs. */
export interface ListenOptions {
  readonly hostname: string;
  readonly port: number;
  /** TCP keepalive idle time of accepted sockets (ms, whole seconds; 0 = off). @default 0 */
  readonly keepAliveMs?: number;
  /** Each accepted connection, paused until its relay starts. */
  readonly onConnection: (connection: TcpConnection) => void;
  /**
   * When set, accepted sockets read the node way (a fresh chunk per read,
   * for the protocol paths) and go here, paused, instead of `onConnection`,
   * with the keepalive idle time they inherited from the listener (ms).
   */
  readonly onPlainSocket?: (socket: net.Socket, keepAliveMs: number) => void;
  /** A failure of the listening socket after it started. */
  readonly onError?: (error: Error) => void;
  /** Runs the watchdog; without it there is none. */
  readonly scheduler?: Scheduler;
  /** How often an idle listener is checked (every STUCK_AFTER_MS while at risk). @default 2000 */
  readonly watchdogMs?: number;
  /** Whether the process is at (or just hit) its descriptor limit, so an accept may have failed. */
  readonly atRisk?: () => boolean;
  /** The watchdog found the listener stuck: it listened again, or failed to (tried again later). */
  readonly onStuck?: (relistened: boolean, error?: Error) => void;
}

/** How long a probe must wait in the backlog, unaccepted, before the listener counts as stuck. */
const STUCK_AFTER_MS = 500;

/** node's hook that turns an accepted handle into a socket; ours keeps the bare handle. */
type SocketFactory = (handle: TcpHandle) => TcpConnection;

/** An accepted client: a bare handle (tcp frontends) or a node:net socket (protocol ones). */
type Accepted = TcpConnection | net.Socket;

/**
 * Listens on `hostname:port` (port 0: any free port).
 *
 * @throws {Error} with node's code (`EADDRINUSE`, `EACCES`, …) when it cannot bind
 */
export async function listenTcp(options: ListenOptions): Promise<TcpListener> {
  /** The watchdog's probe of the last check, when it connected (monotonic ms), and when it settled. */
  let probe: Probe | undefined;
  let acceptedSinceCheck = false;
  const socketOptions: AcceptedSocketOptions = {
    keepAliveMs: options.keepAliveMs ?? 0,
    inherited: false,
  };
  const accepted = (client: Accepted) => {
    acceptedSinceCheck = true;
    const current = probe;
    if (current === undefined) return handOver(options, socketOptions, client);
    // The probe's own port is known only once its connect completes on its side.
    void current.settled.then(() => {
      const port = client instanceof TcpConnection ? client.peer()?.port : client.remotePort;
      if (port !== current.socket.localPort) return handOver(options, socketOptions, client);
      if (client instanceof TcpConnection) client.close();
      else client.destroy();
    });
  };
  const plain = options.onPlainSocket !== undefined;
  let server = await bind(options.hostname, options.port, plain, socketOptions, accepted);
  server.on("error", (error) => options.onError?.(error));
  const bound = server.address() as net.AddressInfo;
  const probeHost = bound.address === "0.0.0.0"
    ? "127.0.0.1"
    : bound.address === "::"
    ? "::1"
    : bound.address;
  let closed = false;
  let relistening = false;
  /** Since when an accept may have failed (the process hit its limit), until a probe gets through. */
  let suspectSince: number | undefined;
  let ticks = 0;
  const check = () => {
    if (closed || relistening) return;
    if (!server.listening) return void relisten(); // The last attempt failed: try again.
    const now = options.scheduler?.now() ?? 0;
    if (suspectSince === undefined && options.atRisk?.()) suspectSince = now;
    // Idle and not at risk: look every watchdogMs only.
    const everyTicks = Math.max(1, Math.round((options.watchdogMs ?? 2_000) / STUCK_AFTER_MS));
    if (suspectSince === undefined && ++ticks % everyTicks !== 0 && probe === undefined) return;
    const wasAccepted = acceptedSinceCheck;
    acceptedSinceCheck = false;
    // Our last probe reached the backlog a while ago (real time, so a fake
    // clock's jumps cannot fake it), yet nothing was accepted since: stuck.
    const connectedAt = probe?.connectedAt;
    const stuck = connectedAt !== undefined && !wasAccepted &&
      performance.now() - connectedAt >= STUCK_AFTER_MS;
    if (wasAccepted && probe !== undefined && !options.atRisk?.()) suspectSince = undefined;
    if (stuck) {
      probe?.socket.destroy();
      probe = undefined;
      return void relisten();
    }
    if (connectedAt === undefined || wasAccepted) {
      probe?.socket.destroy();
      probe = undefined;
    }
    if (probe !== undefined || (wasAccepted && suspectSince === undefined)) return;
    probe = startProbe(probeHost, bound.port);
  };
  const stopWatchdog: Cancel = options.scheduler?.every(STUCK_AFTER_MS, check) ?? (() => {});
  const relisten = async () => {
    relistening = true;
    if (server.listening) server.close();
    try {
      server = await bind(bound.address, bound.port, plain, socketOptions, accepted);
      server.on("error", (error) => options.onError?.(error));
      if (closed) server.close();
      suspectSince = undefined;
      options.onStuck?.(true);
    } catch (error) {
      options.onStuck?.(false, error as Error);
    } finally {
      relistening = false;
    }
  };
  return {
    hostname: bound.address,
    port: bound.port,
    get stall() {
      return suspectSince === undefined ? undefined : {
        since: suspectSince,
        reason: "out of file descriptors: checking the listener still accepts",
        failures: 1,
      };
    },
    setKeepAlive: (ms: number) => {
      socketOptions.keepAliveMs = ms;
      if (server.listening) socketOptions.inherited = setListenerOptions(server, socketOptions);
    },
    close: () => {
      closed = true;
      stopWatchdog();
      probe?.socket.destroy();
      // `close(callback)` waits for every connection to end; the listening socket goes at once.
      if (server.listening) server.close();
      return Promise.resolve();
    },
  };
}

/** The watchdog's connection to its own listener. */
interface Probe {
  readonly socket: net.Socket;
  /** When it connected (monotonic ms); undefined until then. */
  connectedAt: number | undefined;
  /** Resolves once it has connected or failed. */
  readonly settled: Promise<void>;
}

function startProbe(host: string, port: number): Probe {
  const socket = net.connect({ host, port });
  const settled = Promise.withResolvers<void>();
  const probe: Probe = { socket, connectedAt: undefined, settled: settled.promise };
  socket.on("error", () => settled.resolve()); // Out of descriptors ourselves: no verdict.
  socket.once("close", () => settled.resolve());
  socket.once("connect", () => {
    probe.connectedAt = performance.now();
    settled.resolve();
  });
  return probe;
}

function handOver(
  options: ListenOptions,
  socketOptions: AcceptedSocketOptions,
  client: Accepted,
): void {
  const keepAliveMs = socketOptions.inherited ? socketOptions.keepAliveMs : 0;
  if (!(client instanceof TcpConnection)) return void options.onPlainSocket?.(client, keepAliveMs);
  client.keepAliveMs = keepAliveMs;
  options.onConnection(client);
}

/**
 * A node:net server listening on `hostname:port` whose clients stay bare
 * handles, or become node:net sockets with `plain`.
 */
async function bind(
  hostname: string,
  port: number,
  plain: boolean,
  options: AcceptedSocketOptions,
  onConnection: (client: Accepted) => void,
): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  if (plain) {
    server.on("connection", (socket: net.Socket) => {
      if (!options.inherited) socket.setNoDelay(true);
      onConnection(socket);
    });
    await listening(server, hostname, port);
    options.inherited = setListenerOptions(server, options);
    return server;
  }
  const internal = server as unknown as { _createSocket?: SocketFactory; _connections: number };
  if (typeof internal._createSocket !== "function") {
    throw new Error(
      "node:net Server has no _createSocket hook in this Deno: accepted sockets cannot stay bare handles",
    );
  }
  // node builds each accepted socket in `Server._createSocket`, then emits
  // it; Deno 2.9 keeps node's code, so the handle is wrapped here instead.
  internal._createSocket = (handle: TcpHandle) => {
    if (!options.inherited) handle.setNoDelay(true);
    return new TcpConnection(handle);
  };
  server.on("connection", (client: TcpConnection) => {
    // node counts the sockets it made, to tell when a closed server is drained; this one is ours.
    internal._connections--;
    onConnection(client);
  });
  await listening(server, hostname, port);
  options.inherited = setListenerOptions(server, options);
  return server;
}

function listening(server: net.Server, hostname: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: hostname, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
