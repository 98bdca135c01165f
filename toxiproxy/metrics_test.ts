/**
 * Tests of the Prometheus text for proxy counters and runtime gauges.
 * @module
 */

import assert from "node:assert/strict";
import { Metrics } from "./metrics.ts";

Deno.test("Metrics renders Toxiproxy's proxy counters in Prometheus text", () => {
  const metrics = new Metrics({ proxyMetrics: true, runtimeMetrics: false });
  const labels = { listener: "127.0.0.1:20000", proxy: "p", upstream: 'x:"1"' };
  metrics.record({ direction: "downstream", ...labels }, 5, 5);
  metrics.record({ direction: "downstream", ...labels }, 2, 1);
  const text = metrics.render();
  assert.match(text, /^# TYPE toxiproxy_proxy_sent_bytes_total counter$/m);
  assert.ok(
    text.includes(
      'toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="127.0.0.1:20000",proxy="p",upstream="x:\\"1\\""} 6',
    ),
  );
  assert.ok(text.includes('toxiproxy_proxy_received_bytes_total{direction="downstream"'));
  assert.ok(text.includes("promhttp_metric_handler_errors_total"));
  assert.ok(!text.includes("go_build_info"));
});

Deno.test("Metrics without proxy metrics records nothing; runtime metrics add go_build_info", () => {
  const metrics = new Metrics({ proxyMetrics: false, runtimeMetrics: true });
  metrics.record({ direction: "upstream", listener: "l", proxy: "p", upstream: "u" }, 1, 1);
  const text = metrics.render({ rss: 10, heapUsed: 5 });
  assert.ok(!text.includes("toxiproxy_proxy"));
  assert.match(text, /^go_build_info\{/m);
  assert.match(text, /^process_resident_memory_bytes 10$/m);
  assert.ok(metrics.enabled);
  assert.ok(!new Metrics({ proxyMetrics: false, runtimeMetrics: false }).enabled);
});
