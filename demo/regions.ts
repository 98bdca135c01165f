/**
 * The demo's simulated regions: two identify backends per region on
 * 127.0.0.1:0, each behind a Toxiproxy proxy listening on the address the
 * demo config names, with the region's latency as a toxic.
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
  /** Takes a region down (its proxies refuse and drop connections) or back up. */
  setRegionUp(region: Region, up: boolean): Promise<void>;
}

/** Starts Toxiproxy, the backends and one proxy per configured target address. */
export async function startRegions(tiers: readonly Tier[]): Promise<DemoRegions> {
  const toxiproxyServer: ToxiproxyServer = await startToxiproxy({ hostname: "127.0.0.1", port: 0 });
  const toxiproxy = new ToxiproxyClient(toxiproxyServer.url);
  const backends: TestServer[] = [];
  const proxies = new Map<Region, string[]>();
  try {
    for (const tier of tiers) {
      const region = tier.name as Region;
      const names: string[] = [];
      const addresses = tier.targets.flatMap((target) =>
        target.hosts.map((host) => `${host}:${target.port}`)
      );
      for (const [index, listen] of addresses.entries()) {
        const node = `${region}-${index + 1}`;
        const backend = startTestServer(node, { greeting: node });
        backends.push(backend);
        await toxiproxy.createProxy(node, listen, `127.0.0.1:${backend.port}`);
        await toxiproxy.addToxic(node, {
          name: "region_latency",
          type: "latency",
          attributes: { latency: REGION_LATENCY_MS[region] ?? 0, jitter: 0 },
        });
        names.push(node);
      }
      proxies.set(region, names);
    }
  } catch (error) {
    await toxiproxyServer.close();
    await Promise.all(backends.map((backend) => backend.close()));
    throw error;
  }
  return {
    toxiproxy,
    proxies,
    async setRegionUp(region, up) {
      for (const name of proxies.get(region) ?? []) await toxiproxy.setEnabled(name, up);
    },
    async [Symbol.asyncDispose]() {
      await toxiproxyServer.close();
      await Promise.all(backends.map((backend) => backend.close()));
    },
  };
}
