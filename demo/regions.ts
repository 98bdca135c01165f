/**
 * The demo's simulated regions: two identify backends per region on
 * 127.0.0.1:0, each behind a Toxiproxy proxy listening on the host the demo
 * config names, with the region's latency as a toxic. The proxies share
 * one port, chosen free (the config's 26257 is only its example), so two
 * demos can run at once.
 * @module
 */

import { ToxiproxyClient } from "../chaos/toxiproxy_client.ts";
import { startToxiproxy, type ToxiproxyServer } from "../toxiproxy/mod.ts";
import type { Tier } from "../src/config/mod.ts";
import { startTestServer, type TestServer } from "../src/testing/mod.ts";
import type { Region } from "./storyline.ts";

/** Base latency of each region (ms), added to every reply. */
export const REGION_LATENCY_MS: Readonly<Record<Region, number>> = { home: 1, near: 20, far: 80 };

/** The running regions. */
export interface DemoRegions extends AsyncDisposable {
  readonly toxiproxy: ToxiproxyClient;
  /** Proxy names of each region. */
  readonly proxies: ReadonlyMap<Region, readonly string[]>;
  /** The port every proxy listens on, with the host the config names. */
  readonly port: number;
  /** Takes a region down (its proxies refuse and drop connections) or back up. */
  setRegionUp(region: Region, up: boolean): Promise<void>;
}

/** How many ports are tried before giving up (another program can take one in the meantime). */
const PORT_ATTEMPTS = 5;

/** One proxy to make: its node name, the host it listens on, its backend. */
interface Node {
  readonly name: string;
  readonly region: Region;
  readonly host: string;
  readonly backend: TestServer;
}

/**
 * Starts Toxiproxy, the backends and one proxy per configured host, all on
 * one free port.
 */
export async function startRegions(tiers: readonly Tier[]): Promise<DemoRegions> {
  const toxiproxyServer: ToxiproxyServer = await startToxiproxy({ hostname: "127.0.0.1", port: 0 });
  const toxiproxy = new ToxiproxyClient(toxiproxyServer.url);
  const nodes: Node[] = [];
  const proxies = new Map<Region, string[]>();
  let port: number;
  try {
    for (const tier of tiers) {
      const region = tier.name as Region;
      const hosts = tier.targets.flatMap((target) => target.hosts);
      for (const [index, host] of hosts.entries()) {
        const name = `${region}-${index + 1}`;
        nodes.push({ name, region, host, backend: startTestServer(name, { greeting: name }) });
      }
      proxies.set(region, hosts.map((_, index) => `${region}-${index + 1}`));
    }
    port = await proxyOnOnePort(toxiproxy, nodes);
  } catch (error) {
    await toxiproxyServer.close();
    await Promise.all(nodes.map((node) => node.backend.close()));
    throw error;
  }
  return {
    toxiproxy,
    proxies,
    port,
    async setRegionUp(region, up) {
      for (const name of proxies.get(region) ?? []) await toxiproxy.setEnabled(name, up);
    },
    async [Symbol.asyncDispose]() {
      await toxiproxyServer.close();
      await Promise.all(nodes.map((node) => node.backend.close()));
    },
  };
}

/**
 * Makes every node's proxy, the first on a port the system picks and the
 * rest on that same port; when one of them finds it taken, starts over.
 * Returns the port.
 */
async function proxyOnOnePort(toxiproxy: ToxiproxyClient, nodes: readonly Node[]): Promise<number> {
  for (let attempt = 1;; attempt++) {
    const made: string[] = [];
    let port = 0;
    try {
      for (const node of nodes) {
        const info = await toxiproxy.createProxy(
          node.name,
          `${node.host}:${port}`,
          `127.0.0.1:${node.backend.port}`,
        );
        made.push(node.name);
        port = Number(info.listen.slice(info.listen.lastIndexOf(":") + 1));
        await toxiproxy.addToxic(node.name, {
          name: "region_latency",
          type: "latency",
          attributes: { latency: REGION_LATENCY_MS[node.region] ?? 0, jitter: 0 },
        });
      }
      return port;
    } catch (error) {
      await Promise.all(made.map((name) => toxiproxy.deleteProxy(name)));
      if (attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}
