/**
 * A node:net test server on 127.0.0.1:0 that runs a behaviour on each
 * connection: node:net rather than Deno, so a test backend can reset
 * (`resetAndDestroy`) or half-close at will.
 * @module
 */

import net from "node:net";

/** A running socket server; disposing it destroys every connection and closes it. */
export interface SocketServer extends AsyncDisposable {
  readonly port: number;
}

/** Starts a server that calls `behaviour` with each accepted socket (half-open allowed). */
export async function startSocketServer(
  behaviour: (socket: net.Socket) => void,
): Promise<SocketServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    behaviour(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
