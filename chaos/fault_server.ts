/**
 * The Toxiproxy server the suite drives: a running one when `TOXIPROXY_URL`
 * is set, the real Go server from the shared tools when asked, otherwise
 * ours, started in-process on 127.0.0.1.
 * @module
 */

import { startReferenceToxiproxy, startToxiproxy } from "../toxiproxy/mod.ts";
import { ToxiproxyClient } from "./toxiproxy_client.ts";

/** A Toxiproxy to use for one scenario, and how to let go of it. */
export interface FaultServer extends AsyncDisposable {
  readonly api: ToxiproxyClient;
  /** "ours", "real <path> at <url>" or "external <url>". */
  readonly kind: string;
  /** Child processes that belong to the server, not to a scenario. */
  readonly pids: readonly number[];
}

/** Uses `externalUrl` when given, else starts our server on 127.0.0.1:0. */
export async function openFaultServer(externalUrl?: string): Promise<FaultServer> {
  if (externalUrl !== undefined && externalUrl !== "") {
    const url = externalUrl.replace(/\/+$/, "");
    return {
      api: new ToxiproxyClient(url),
      kind: `external ${url}`,
      pids: [],
      [Symbol.asyncDispose]: async () => {},
    };
  }
  const server = await startToxiproxy({ hostname: "127.0.0.1", port: 0 });
  return {
    api: new ToxiproxyClient(server.url),
    kind: "ours",
    pids: [],
    [Symbol.asyncDispose]: () => server.close(),
  };
}

/**
 * Starts the real Toxiproxy (`toxiproxy-server` of the shared tools) on a free
 * loopback port; undefined when the binary is not there.
 */
export async function openReferenceFaultServer(): Promise<FaultServer | undefined> {
  const server = await startReferenceToxiproxy();
  if (server === undefined) return undefined;
  return {
    api: new ToxiproxyClient(server.url),
    kind: `real ${server.path} at ${server.url}`,
    pids: [server.pid],
    [Symbol.asyncDispose]: () => server.close(),
  };
}
