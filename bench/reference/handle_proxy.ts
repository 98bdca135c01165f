/**
 * The stream-handle floor of `deno task bench --reference`: the smallest
 * correct TCP proxy on the layer the sidecar's tcp path runs on, node's
 * bare TCP handles as Deno 2.9 exposes them (`src/net/stream_handles.ts`),
 * next to the `Deno.Conn` and `node:net` floors (whose command line, config
 * reading and `listening on` lines it shares).
 *
 * Accepted handles are taken from a `node:net` server before they become
 * sockets, as the sidecar does. Each dials the backend (no-delay on both)
 * and each direction reads into its own buffer (512 bytes, 16 KiB once a
 * read fills it) and writes each read on from there, reading no more while
 * a write is queued; an end of input is passed on as a shutdown, both close
 * once both directions ended, and a failure on either resets both.
 *
 * Run: `deno run --allow-net --allow-read=CONFIG handle_proxy.ts -c CONFIG`.
 * @module
 */

import net from "node:net";
import {
  endOfStream,
  lastWriteWasAsync,
  newConnectRequest,
  newShutdownRequest,
  newTcpHandle,
  newWriteRequest,
  readResult,
  type TcpHandle,
} from "../../src/net/mod.ts";
import type { ReferenceRoute } from "./deno_conn_proxy.ts";
import { serveRoutes } from "./node_net_proxy.ts";

const SMALL_BUFFER = 512;
const LARGE_BUFFER = 16 * 1024;

/** Both sockets of one connection. */
class Pair {
  #open = true;
  #directionsDone = 0;

  constructor(readonly client: TcpHandle, readonly backend: TcpHandle) {}

  /** One direction passed its FIN on: both done closes both. */
  directionDone(): void {
    if (++this.#directionsDone === 2) this.close();
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.client.close();
    this.backend.close();
  }

  /** A failed read or write: both are reset. */
  fail(): void {
    if (!this.#open) return;
    this.client.reset();
    this.backend.reset();
    this.close();
  }
}

/** Copies `from` to `to`. */
function copy(from: TcpHandle, to: TcpHandle, pair: Pair): void {
  let buffer = new Uint8Array(SMALL_BUFFER);
  let ended = false;
  const request = newWriteRequest(to);
  const passEnd = () => {
    const shutdown = newShutdownRequest(to);
    shutdown.oncomplete = () => pair.directionDone();
    if (to.shutdown(shutdown) !== 0) pair.directionDone();
  };
  request.oncomplete = (status) => {
    if (status < 0) return pair.fail();
    if (ended) return passEnd();
    from.readStart();
  };
  from.useUserBuffer(buffer);
  from.onread = () => {
    const count = readResult();
    if (count === endOfStream()) {
      ended = true;
      return passEnd();
    }
    if (count < 0) return pair.fail();
    if (count === 0) return;
    if (to.writeBuffer(request, buffer.subarray(0, count)) < 0) return pair.fail();
    if (lastWriteWasAsync()) return void from.readStop();
    if (count === buffer.length && buffer.length < LARGE_BUFFER) {
      buffer = new Uint8Array(LARGE_BUFFER);
      from.useUserBuffer(buffer);
    }
  };
  from.readStart();
}

function proxy(client: TcpHandle, backend: ReferenceRoute["backend"]): void {
  const server = newTcpHandle();
  const request = newConnectRequest();
  request.oncomplete = (status) => {
    if (status < 0) {
      client.close();
      return server.close();
    }
    client.setNoDelay(true);
    server.setNoDelay(true);
    const pair = new Pair(client, server);
    copy(client, server, pair);
    copy(server, client, pair);
  };
  const failed = backend.hostname.includes(":")
    ? server.connect6(request, backend.hostname, backend.port)
    : server.connect(request, backend.hostname, backend.port);
  if (failed < 0) {
    client.close();
    server.close();
  }
}

function handleServer(route: ReferenceRoute): net.Server {
  const server = net.createServer();
  // Take each accepted handle before node makes it a socket (the sidecar's hook).
  (server as unknown as { _createSocket: (handle: TcpHandle) => unknown })._createSocket = (
    handle,
  ) => {
    proxy(handle, route.backend);
    return handle; // node's accept code then emits it; nothing listens.
  };
  return server;
}

if (import.meta.main) await serveRoutes("handle_proxy", Deno.args, handleServer);
