/**
 * The runtime floor of `deno task bench --reference`: the smallest correct
 * TCP proxy Deno 2.9 allows, with nothing of the sidecar (no balancing,
 * health, stats, deadlines or logging), so the bench can show what any Deno
 * proxy reaches on the machine next to what the sidecar reaches.
 *
 * It takes the sidecar's command line as the bench passes it
 * (`-c CONFIG.json --log-level LEVEL`), reads from the JSON config each
 * frontend's `bindAddress` and the first host and port of its first tier's
 * first target, listens there and prints `listening on ADDR` like the
 * sidecar. Each accepted connection dials the backend, sets no-delay on
 * both sockets and copies both ways with `Deno.Conn` reads and writes; an
 * end of input is passed on as a half-close (`closeWrite`), and both sockets
 * close once both directions ended, or at once when either fails.
 *
 * Run: `deno run --allow-net --allow-read=CONFIG deno_conn_proxy.ts -c CONFIG`.
 * @module
 */

import { parseArgs } from "node:util";

/** One listener and where its connections go. */
export interface ReferenceRoute {
  /** `host:port` to listen on (`[v6]:port` for IPv6). */
  readonly bindAddress: string;
  readonly listen: { readonly hostname: string; readonly port: number };
  readonly backend: { readonly hostname: string; readonly port: number };
}

/**
 * Reads are into a small buffer first, so an idle connection holds what the
 * sidecar's sessions hold (two pending 512-byte reads); a read that fills it
 * switches that direction to the large one, for streams.
 */
const SMALL_BUFFER = 512;
const LARGE_BUFFER = 16 * 1024;

/** `host:port` or `[v6]:port` split. @throws {TypeError} naming `where` when malformed */
export function splitHostPort(
  address: string,
  where: string,
): { hostname: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(address);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new TypeError(`${where}: expected host:port, got ${JSON.stringify(address)}`);
  }
  return { hostname: (match[1] ?? match[2]) as string, port };
}

/**
 * The routes of a sidecar JSON config (`file` names it in errors).
 *
 * @throws {TypeError} naming the file and the config path on anything missing or malformed
 */
export function parseReferenceConfig(text: string, file: string): ReferenceRoute[] {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`${file}: not JSON: ${(error as Error).message}`);
  }
  const at = (value: unknown, path: string, key: string | number): unknown => {
    if (typeof value !== "object" || value === null || !(key in value)) {
      throw new TypeError(`${file}: ${path} is missing`);
    }
    return (value as Record<string | number, unknown>)[key];
  };
  const frontends = at(config, "frontends", "frontends");
  if (!Array.isArray(frontends) || frontends.length === 0) {
    throw new TypeError(`${file}: frontends must be a non-empty list`);
  }
  return frontends.map((frontend, index) => {
    const path = `frontends[${index}]`;
    const bindAddress = at(frontend, `${path}.bindAddress`, "bindAddress");
    if (typeof bindAddress !== "string") {
      throw new TypeError(`${file}: ${path}.bindAddress must be a string`);
    }
    const pool = at(frontend, `${path}.backendPool`, "backendPool");
    const tier = at(
      at(pool, `${path}.backendPool.tiers`, "tiers"),
      `${path}.backendPool.tiers[0]`,
      0,
    );
    const targetPath = `${path}.backendPool.tiers[0].targets[0]`;
    const target = at(at(tier, `${path}.backendPool.tiers[0].targets`, "targets"), targetPath, 0);
    const host = at(at(target, `${targetPath}.hosts`, "hosts"), `${targetPath}.hosts[0]`, 0);
    const port = at(target, `${targetPath}.port`, "port");
    if (typeof host !== "string" || host === "") {
      throw new TypeError(`${file}: ${targetPath}.hosts[0] must be a host name`);
    }
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new TypeError(`${file}: ${targetPath}.port must be a port number`);
    }
    return {
      bindAddress,
      listen: splitHostPort(bindAddress, `${file}: ${path}.bindAddress`),
      backend: { hostname: host, port },
    };
  });
}

/** Copies `from` to `to` until end of input, then half-closes `to`; throws on a failed read or write. */
async function copy(from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> {
  let buffer = new Uint8Array(SMALL_BUFFER);
  while (true) {
    const count = await from.read(buffer);
    if (count === null) break;
    let written = 0;
    while (written < count) written += await to.write(buffer.subarray(written, count));
    if (count === buffer.length && buffer.length < LARGE_BUFFER) {
      buffer = new Uint8Array(LARGE_BUFFER);
    }
  }
  await to.closeWrite();
}

function closeQuietly(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch {
    // Already closed by the other direction's failure.
  }
}

async function proxy(client: Deno.TcpConn, backend: ReferenceRoute["backend"]): Promise<void> {
  let server: Deno.TcpConn;
  try {
    server = await Deno.connect({ ...backend, transport: "tcp" });
  } catch {
    closeQuietly(client);
    return;
  }
  client.setNoDelay(true);
  server.setNoDelay(true);
  // A failure in one direction (a reset, a closed peer) closes both sockets,
  // which ends the other direction's pending read at once.
  const fail = () => {
    closeQuietly(client);
    closeQuietly(server);
  };
  await Promise.all([copy(client, server).catch(fail), copy(server, client).catch(fail)]);
  closeQuietly(client);
  closeQuietly(server);
}

async function serve(listener: Deno.TcpListener, backend: ReferenceRoute["backend"]) {
  for await (const client of listener) void proxy(client, backend);
}

/** An address as the sidecar prints it: IPv6 in brackets. */
export const formatAddress = ({ hostname, port }: { hostname: string; port: number }): string =>
  hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;

/**
 * The routes of the sidecar command line the bench passes
 * (`-c CONFIG.json --log-level LEVEL`).
 *
 * @throws {TypeError} on another flag, no `-c`, or a bad config
 */
export async function readRoutes(argv: readonly string[]): Promise<ReferenceRoute[]> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: "string", short: "c" },
      // Accepted for the sidecar's command line; these proxies never log.
      "log-level": { type: "string" },
    },
    strict: true,
  });
  if (values.config === undefined) throw new TypeError("-c CONFIG.json is required");
  return parseReferenceConfig(await Deno.readTextFile(values.config), values.config);
}

async function main(argv: readonly string[]): Promise<number> {
  const routes = await readRoutes(argv);
  const listeners = routes.map((route) => Deno.listen({ ...route.listen, transport: "tcp" }));
  for (const listener of listeners) console.log(`listening on ${formatAddress(listener.addr)}`);
  await Promise.all(
    routes.map((route, index) => serve(listeners[index] as Deno.TcpListener, route.backend)),
  );
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    console.error(`deno_conn_proxy: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exitCode = 1;
  }
}
