/**
 * The `node:net` floor of `deno task bench --reference`: the smallest
 * correct TCP proxy on Deno 2.9's `node:net` (the sidecar's data path), next
 * to the `Deno.Conn` one (`deno_conn_proxy.ts`, whose command line, config
 * reading and `listening on` lines it shares).
 *
 * Each accepted socket dials the backend and the two are piped both ways,
 * both with `allowHalfOpen`, so an end of input is passed on as a half-close
 * and each socket closes once both its directions ended; when either closes
 * or fails the other is destroyed. Without `allowHalfOpen` this pattern leaks
 * a socket per connection on Deno 2.9: the client side closes as soon as it
 * ended, `pipe()` then pauses the backend socket, and Deno's `node:net` stops
 * reading a paused socket, so the backend's FIN is never seen (node keeps
 * reading and emits `end`); after a few thousand connections `accept` fails
 * with EMFILE and clients get resets.
 *
 * Run: `deno run --allow-net --allow-read=CONFIG node_net_proxy.ts -c CONFIG`.
 * @module
 */

import * as net from "node:net";
import { formatAddress, readRoutes, type ReferenceRoute } from "./deno_conn_proxy.ts";

function proxyServer(route: ReferenceRoute): net.Server {
  return net.createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const backend = net.connect({
      host: route.backend.hostname,
      port: route.backend.port,
      noDelay: true,
      allowHalfOpen: true,
    });
    client.pipe(backend);
    backend.pipe(client);
    // A reset or a failed dial: the error ends the socket, and its close ends the other one.
    client.on("error", () => {});
    backend.on("error", () => {});
    client.on("close", () => backend.destroy());
    backend.on("close", () => client.destroy());
  });
}

/**
 * Runs a `node:net` floor (`name` in errors): one server per route of the
 * sidecar command line in `argv`, from `makeServer`, each listening on its
 * route and printed as `listening on ADDR`. Exits 1 on an error.
 */
export async function serveRoutes(
  name: string,
  argv: readonly string[],
  makeServer: (route: ReferenceRoute) => net.Server,
): Promise<void> {
  try {
    for (const route of await readRoutes(argv)) {
      const server = makeServer(route);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(route.listen.port, route.listen.hostname, () => resolve());
      });
      const { address, port } = server.address() as net.AddressInfo;
      console.log(`listening on ${formatAddress({ hostname: address, port })}`);
    }
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    // A server already listening would keep the process alive.
    Deno.exit(1);
  }
}

if (import.meta.main) await serveRoutes("node_net_proxy", Deno.args, proxyServer);
