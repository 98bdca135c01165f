import assert from "node:assert/strict";
import { ClientRecorder } from "./clients.ts";
import { startRegions } from "./regions.ts";
import { startToxiproxy } from "../toxiproxy/mod.ts";
import { ToxiproxyApiError, ToxiproxyClient } from "./toxiproxy_client.ts";

Deno.test("regions: nodes greet through their proxies; a disabled region refuses", async () => {
  await using toxiproxy = await startToxiproxy({ hostname: "127.0.0.1", port: 0 });
  const api = new ToxiproxyClient(toxiproxy.url);
  await using regions = await startRegions(api, "t", [
    { name: "home", nodes: 2, latencyMs: 5 },
    { name: "near", nodes: 1 },
  ]);
  const node = regions.get("home").nodes[1]!;
  const clients = new ClientRecorder(`${node.host}:${node.port}`);
  const record = await clients.connection(0, { payloadBytes: 10_000, rounds: 2 });
  assert.equal(record.node, "home/node-2");
  assert.equal(record.region, "home");
  assert.equal(record.intact, true);
  assert.equal(record.received, 20_000);
  assert.ok((record.greetedMs ?? 0) - record.startMs >= 5, "base latency applies");

  await regions.setEnabled("home", false);
  const refused = await clients.connection(1);
  assert.equal(refused.end, "connect error");
  await regions.setEnabled("home", true);
  assert.equal((await clients.connection(2)).intact, true);
  await assert.rejects(() => api.removeToxic(node.proxy, "nope"), ToxiproxyApiError);
});
