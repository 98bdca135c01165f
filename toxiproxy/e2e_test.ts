/**
 * End-to-end tests over real sockets: the API started with
 * `startToxiproxy`, bytes through a proxy, toxics on live connections.
 * @module
 */

import assert from "node:assert/strict";
import { startToxiproxy } from "./start_toxiproxy.ts";
import {
  api,
  connect,
  echo,
  portOf,
  readExactly,
  startUpstream,
  waitFor,
  writeAll,
} from "./test_util.ts";

/**
 * The HTTP calls Toxiproxy's scripts/test-e2e makes through toxiproxy-cli
 * (create, list, toggle, inspect, toxic add/update/remove, metrics), made
 * directly, in the same order.
 */
Deno.test("e2e: the toxiproxy-cli script's calls, in order, and the metrics they leave", async () => {
  await using upstream = startUpstream(echo);
  await using tp = await startToxiproxy({ port: 0, metrics: true });
  const created = await api(tp.url, "POST", "/proxies", {
    name: "shopify_http",
    listen: "127.0.0.1:0",
    upstream: upstream.address,
  });
  assert.equal(created.status, 201);
  const listen = created.json.listen;
  assert.equal(Object.keys((await api(tp.url, "GET", "/proxies")).json).length, 1);
  // toggle = GET, then POST with enabled flipped
  for (const enabled of [false, true]) {
    const current = await api(tp.url, "GET", "/proxies/shopify_http");
    assert.equal(current.json.enabled, !enabled);
    const toggled = await api(tp.url, "POST", "/proxies/shopify_http", { enabled });
    assert.equal(toggled.json.enabled, enabled);
    assert.equal(toggled.json.listen, listen);
  }
  const latency = await api(tp.url, "POST", "/proxies/shopify_http/toxics", {
    type: "latency",
    stream: "downstream",
    toxicity: 0.99,
    attributes: { latency: 10 },
  });
  assert.equal(latency.json.toxicity, 0.99);
  const updated = await api(tp.url, "PATCH", "/proxies/shopify_http/toxics/latency_downstream", {
    toxicity: 0.7,
    attributes: { jitter: 20 },
  });
  assert.deepEqual(updated.json.attributes, { latency: 10, jitter: 20 });
  assert.equal(updated.json.toxicity, 0.7);
  const inspect = await api(tp.url, "GET", "/proxies/shopify_http");
  assert.equal(inspect.json.toxics.length, 1);
  const steps: [string, Record<string, number>, Record<string, number>?][] = [
    ["bandwidth", { rate: 1 }, { rate: 10 }],
    ["timeout", { timeout: 10 }],
    ["slicer", { average_size: 64, size_variation: 32, delay: 10 }],
    ["reset_peer", { timeout: 2000 }],
  ];
  for (const [type, attributes, update] of steps) {
    const add = await api(tp.url, "POST", "/proxies/shopify_http/toxics", { type, attributes });
    assert.equal(add.status, 200, add.text);
    if (update) {
      const up = await api(tp.url, "PATCH", `/proxies/shopify_http/toxics/${type}_downstream`, {
        toxicity: 1,
        attributes: update,
      });
      assert.deepEqual(up.json.attributes, update);
    }
    assert.equal(
      (await api(tp.url, "DELETE", `/proxies/shopify_http/toxics/${type}_downstream`)).status,
      204,
    );
  }
  await api(tp.url, "DELETE", "/proxies/shopify_http/toxics/latency_downstream");
  {
    using conn = await connect(portOf(listen));
    await writeAll(conn, new TextEncoder().encode("hello"));
    await readExactly(conn, 5);
  }
  await waitFor(async () => {
    const metrics = (await api(tp.url, "GET", "/metrics")).text;
    return metrics.includes(
      `toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="${listen}",proxy="shopify_http",upstream="${upstream.address}"} 5`,
    );
  }, "downstream sent bytes in /metrics");
});
