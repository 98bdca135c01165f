/**
 * The idle-session budget's layers on the sidecar's own tcp data path
 * (bare stream handles), built from the project's `src/net` pieces so each
 * holds what the sidecar holds, one thing more per layer:
 *
 * - `node-socket`: a plain node:net socket accepted paused, for reference:
 *   what one node:net socket costs (the protocol paths use them);
 * - `tcp-accept`: a connection accepted by `listenTcp` (a bare handle), not
 *   yet read;
 * - `tcp-dial`: plus a `tcpDialer` connection to the backend;
 * - `tcp-relay`: the project's `Relay` on both (each direction reading
 *   into its own 512-byte buffer), as a tcp session runs it.
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

/** A data-path layer. */
export type NodeLayer = "node-socket" | "tcp-accept" | "tcp-dial" | "tcp-relay";

/** The data-path layers, smallest first. */
export const NODE_LAYERS: readonly NodeLayer[] = [
  "node-socket",
  "tcp-accept",
  "tcp-dial",
  "tcp-relay",
];

/** Large buffers on demand (an idle session's PING never borrows one). */
const BUFFERS: Buffers = {
  sizes: [64 * 1024],
  borrow: (size) => new Uint8Array(size),
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
  const dial = tcpDialer();
  const joined = async (client: TcpConnection) => {
    const backend = await dial({
      hostname: "127.0.0.1",
      port: backendPort,
      signal: new AbortController().signal,
    });
    if (layer === "tcp-dial") return hold([client, backend]);
    const relay = new Relay(client, backend, { buffers: BUFFERS });
    hold([relay, relay.run()]);
  };
  const listener = await listenTcp({
    hostname: "127.0.0.1",
    port: 0,
    onConnection: (client) => {
      if (layer === "tcp-accept") return hold(client);
      joined(client).catch((error) => {
        console.error(`dial failed: ${error}`);
        client.close();
      });
    },
  });
  return listener.port;
}
