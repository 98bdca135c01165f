/**
 * The child process of the idle-session budget: a proxy stripped down to
 * one layer of what an idle session holds, so the parent can measure each
 * layer's memory apart. It listens on 127.0.0.1:0, prints `port N`, and
 * for every accepted client keeps what its layer keeps:
 *
 * - `accept`: the accepted `Deno.TcpConn`;
 * - `dial`: that and a `Deno.TcpConn` to the backend (two sockets);
 * - `reads`: both, each with a pending `read` into its own 512-byte buffer;
 * - `forward`: `reads` plus the copy loops, so a PING gets through;
 * - `node-net`: the same as `forward` with `node:net` sockets piped both ways;
 * - `node-socket`, `tcp-accept` … `tcp-relay`: the sidecar's own tcp path, layer by
 *   layer (node_layers.ts).
 *
 * It prints `held N` whenever it holds N more clients (every 100).
 * Run: `deno run --allow-net layers.ts LAYER BACKEND_PORT`.
 * @module
 */

import * as net from "node:net";
import { NODE_LAYERS, type NodeLayer, nodeLayer } from "./node_layers.ts";

/** What one child keeps per client. */
export type Layer = DenoLayer | "node-net" | NodeLayer;

/** The `Deno.Conn` layers. */
type DenoLayer = "accept" | "dial" | "reads" | "forward";

/** Every layer: the `Deno.Conn` ones and piped node:net for reference, then the sidecar's path. */
export const LAYERS: readonly Layer[] = [
  "accept",
  "dial",
  "reads",
  "forward",
  "node-net",
  ...NODE_LAYERS,
];

const held: unknown[] = [];
const report = () => {
  if (held.length % 100 === 0) console.log(`held ${held.length}`);
};
const hold = (item: unknown) => {
  held.push(item);
  report();
};

async function copy(from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> {
  const buffer = new Uint8Array(512);
  try {
    while (true) {
      const count = await from.read(buffer);
      if (count === null) return;
      let written = 0;
      while (written < count) written += await to.write(buffer.subarray(written, count));
    }
  } catch {
    // The peer went away.
  }
}

async function denoLayer(layer: DenoLayer, backendPort: number): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log(`port ${(listener.addr as Deno.NetAddr).port}`);
  for await (const client of listener) {
    if (layer === "accept") {
      held.push(client);
      report();
      continue;
    }
    void (async () => {
      const server = await Deno.connect({ hostname: "127.0.0.1", port: backendPort });
      if (layer === "dial") {
        held.push([client, server]);
      } else if (layer === "reads") {
        held.push([
          client,
          server,
          client.read(new Uint8Array(512)),
          server.read(new Uint8Array(512)),
        ]);
      } else {
        held.push([client, server, copy(client, server), copy(server, client)]);
      }
      report();
    })();
  }
}

function pipedLayer(backendPort: number): void {
  const server = net.createServer((client) => {
    const backend = net.connect({ host: "127.0.0.1", port: backendPort }, () => {
      held.push([client, backend]);
      report();
    });
    client.pipe(backend);
    backend.pipe(client);
    const stop = () => {
      client.destroy();
      backend.destroy();
    };
    client.on("error", stop);
    backend.on("error", stop);
  });
  server.listen(0, "127.0.0.1", () => {
    console.log(`port ${(server.address() as net.AddressInfo).port}`);
  });
}

if (import.meta.main) {
  const [layer, port] = Deno.args;
  if (!(LAYERS as readonly string[]).includes(layer ?? "") || !(Number(port) > 0)) {
    console.error(`usage: layers.ts ${LAYERS.join("|")} BACKEND_PORT`);
    Deno.exit(2);
  }
  if (layer === "node-net") pipedLayer(Number(port));
  else if ((NODE_LAYERS as readonly string[]).includes(layer as string)) {
    console.log(`port ${await nodeLayer(layer as NodeLayer, Number(port), hold)}`);
  } else await denoLayer(layer as DenoLayer, Number(port));
}
