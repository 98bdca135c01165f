/**
 * The idle-session budget's layers on the sidecar's own tcp data path
 * (node:net), built from the project's `src/net` pieces so each holds what
 * the sidecar holds, one thing more per layer:
 *
 * - `node-socket`: a plain node:net socket accepted paused (no `onread`),
 *   for reference: what node:net costs before any of ours;
 * - `node-accept`: a socket accepted by `listenTcp` (with its
 *   `SocketReader` and 512-byte buffer, which Deno asks for and keeps even
 *   while the socket is paused), held paused;
 * - `node-dial`: plus a `tcpDialer` socket to the backend (the same), paused;
 * - `node-onread`: plus both reading through `onread`, each forwarding to
 *   the other (`SocketReader.pipe`), so a PING gets through;
 * - `node-relay`: the project's `Relay` on both instead (its listeners,
 *   closures and `Promise.all`), as a tcp session runs it.
 * @module
 */

import net from "node:net";
import {
  type Buffers,
  listenTcp,
  Relay,
  type TcpConnection,
  tcpDialer,
} from "../../src/net/mod.ts";

/** A node:net layer. */
export type NodeLayer = "node-socket" | "node-accept" | "node-dial" | "node-onread" | "node-relay";

/** The node:net layers, smallest first. */
export const NODE_LAYERS: readonly NodeLayer[] = [
  "node-socket",
  "node-accept",
  "node-dial",
  "node-onread",
  "node-relay",
];

/** Large buffers on demand (an idle session's PING never borrows one). */
const BUFFERS: Buffers = {
  borrow: () => new Uint8Array(64 * 1024),
  giveBack: () => {},
};

/**
 * Listens on 127.0.0.1:0 and, for each client, holds what `layer` holds,
 * calling `hold` with it; resolves with the listening port.
 */
export async function nodeLayer(
  layer: NodeLayer,
  backendPort: number,
  hold: (held: unknown) => void,
): Promise<number> {
  if (layer === "node-socket") {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, hold);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as net.AddressInfo).port;
  }
  const dial = tcpDialer(BUFFERS);
  const joined = async (client: TcpConnection) => {
    const backend = await dial({
      hostname: "127.0.0.1",
      port: backendPort,
      signal: new AbortController().signal,
    });
    if (layer === "node-dial") return hold([client, backend]);
    if (layer === "node-onread") {
      client.reader.pipe(client.socket, backend.socket);
      backend.reader.pipe(backend.socket, client.socket);
      return hold([client, backend]);
    }
    const relay = new Relay(client, backend);
    hold([relay, relay.run()]);
  };
  const listener = await listenTcp({
    hostname: "127.0.0.1",
    port: 0,
    buffers: BUFFERS,
    onConnection: (client) => {
      if (layer === "node-accept") return hold(client);
      joined(client).catch((error) => {
        console.error(`dial failed: ${error}`);
        client.socket.destroy();
      });
    },
  });
  return listener.port;
}
