/**
 * A backend node that says who it is: writes `region/node\n` on every
 * connection, then echoes. Binds any loopback address (127.0.0.2 for DNS
 * answers), so a client knows which region and node served it. It is the
 * project's test backend (`src/testing/backends.ts`) with that greeting.
 * @module
 */

import { startTestServer, type TestServer } from "../src/testing/mod.ts";

/** A running identify server. */
export interface IdentifyServer extends TestServer {
  readonly id: string;
  readonly hostname: string;
}

/** Starts an identify server for `id` on `hostname:port` (port 0: any). */
export function startIdentifyServer(
  id: string,
  { hostname = "127.0.0.1", port = 0 }: { hostname?: string; port?: number } = {},
): IdentifyServer {
  return Object.assign(startTestServer(id, { greeting: id, hostname, port }), { id, hostname });
}
