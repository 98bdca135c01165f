/**
 * The Toxiproxy server the suite drives: a real one when `TOXIPROXY_URL` is
 * set, otherwise ours, started in-process on 127.0.0.1.
 * @module
 */

import { startToxiproxy } from "../toxiproxy/mod.ts";
import { ToxiproxyClient } from "./toxiproxy_client.ts";

/** A Toxiproxy to use for one scenario, and how to let go of it. */
export interface FaultServer extends AsyncDisposable {
  readonly api: ToxiproxyClient;
  /** "ours" or "external <url>". */
  readonly kind: string;
}

/** Uses `externalUrl` when given, else starts our server on 127.0.0.1:0. */
export async function openFaultServer(externalUrl?: string): Promise<FaultServer> {
  if (externalUrl !== undefined && externalUrl !== "") {
    const url = externalUrl.replace(/\/+$/, "");
    return {
      api: new ToxiproxyClient(url),
      kind: `external ${url}`,
      [Symbol.asyncDispose]: async () => {},
    };
  }
  const server = await startToxiproxy({ hostname: "127.0.0.1", port: 0 });
  return {
    api: new ToxiproxyClient(server.url),
    kind: "ours",
    [Symbol.asyncDispose]: () => server.close(),
  };
}
