/**
 * Simulated regions: named sets of identify backends, each node behind its
 * own Toxiproxy proxy with the region's base latency, so a fault is always
 * injected through the Toxiproxy API.
 * @module
 */

import { type IdentifyServer, startIdentifyServer } from "./identify_server.ts";
import type { ToxicSpec, ToxiproxyClient } from "./toxiproxy_client.ts";

/** What a region looks like. */
export interface RegionSpec {
  readonly name: string;
  /** @default 2 */
  readonly nodes?: number;
  /** Base one-way latency added to the data coming back from the region. @default 0 */
  readonly latencyMs?: number;
}

/** One backend node: a server and the proxy in front of it. */
export interface RegionNode {
  /** `region/node-N`, what the server greets with. */
  readonly id: string;
  readonly region: string;
  /** The Toxiproxy proxy name. */
  readonly proxy: string;
  /** Where the proxy listens (what the sidecar dials). */
  readonly host: string;
  readonly port: number;
  readonly server: IdentifyServer;
}

/** A region: its nodes. */
export interface Region {
  readonly name: string;
  readonly latencyMs: number;
  readonly nodes: readonly RegionNode[];
}

/** The regions of one scenario, and the faults they can suffer. */
export interface Regions extends AsyncDisposable {
  readonly list: readonly Region[];
  get(name: string): Region;
  /** Disables (or enables) every proxy of a region: its listeners close and refuse. */
  setEnabled(region: string, enabled: boolean): Promise<void>;
  /** Disables or enables one node's proxy. */
  setNodeEnabled(node: RegionNode, enabled: boolean): Promise<void>;
  /** Adds a toxic to every node of a region. */
  addToxic(region: string, toxic: ToxicSpec): Promise<void>;
  /** Removes a toxic from every node of a region. */
  removeToxic(region: string, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Name of the base latency toxic each node carries. */
export const BASE_LATENCY = "base_latency";

/** Starts the servers, creates the proxies (prefixed with `prefix`) and base toxics. */
export async function startRegions(
  api: ToxiproxyClient,
  prefix: string,
  specs: readonly RegionSpec[],
): Promise<Regions> {
  const servers: IdentifyServer[] = [];
  const proxies: string[] = [];
  const list: Region[] = [];
  const close = async () => {
    await Promise.allSettled(proxies.map((name) => api.deleteProxy(name)));
    await Promise.allSettled(servers.map((server) => server.close()));
  };
  try {
    for (const spec of specs) {
      const nodes: RegionNode[] = [];
      const latencyMs = spec.latencyMs ?? 0;
      for (let index = 1; index <= (spec.nodes ?? 2); index++) {
        const id = `${spec.name}/node-${index}`;
        const server = startIdentifyServer(id);
        servers.push(server);
        const proxy = `${prefix}-${spec.name}-${index}`;
        const info = await api.createProxy(proxy, "127.0.0.1:0", `127.0.0.1:${server.port}`);
        proxies.push(proxy);
        if (latencyMs > 0) {
          await api.addToxic(proxy, {
            name: BASE_LATENCY,
            type: "latency",
            attributes: { latency: latencyMs, jitter: 0 },
          });
        }
        const colon = info.listen.lastIndexOf(":");
        nodes.push({
          id,
          region: spec.name,
          proxy,
          host: info.listen.slice(0, colon).replace(/^\[|\]$/g, ""),
          port: Number(info.listen.slice(colon + 1)),
          server,
        });
      }
      list.push({ name: spec.name, latencyMs, nodes });
    }
  } catch (error) {
    await close();
    throw error;
  }
  const get = (name: string) => {
    const region = list.find((r) => r.name === name);
    if (region === undefined) throw new RangeError(`no region named "${name}"`);
    return region;
  };
  return {
    list,
    get,
    setEnabled: async (name, enabled) => {
      await Promise.all(get(name).nodes.map((node) => api.setEnabled(node.proxy, enabled)));
    },
    setNodeEnabled: (node, enabled) => api.setEnabled(node.proxy, enabled),
    addToxic: async (name, toxic) => {
      await Promise.all(get(name).nodes.map((node) => api.addToxic(node.proxy, toxic)));
    },
    removeToxic: async (name, toxic) => {
      await Promise.all(get(name).nodes.map((node) => api.removeToxic(node.proxy, toxic)));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
