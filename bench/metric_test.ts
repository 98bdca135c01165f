import assert from "node:assert/strict";
import { summarize } from "./metric.ts";

Deno.test("summarize() takes medians per target and the sidecar's ratios", () => {
  const summary = summarize({
    id: "stream",
    title: "one stream",
    unit: "Gbit/s",
    higherIsBetter: true,
    samples: { direct: [30, 34, 33], sidecar: [20, 19, 21], haproxy: [12, 10, 13] },
  });
  assert.deepEqual(summary.medians, { direct: 33, sidecar: 20, haproxy: 12 });
  assert.equal(summary.sidecarToDirect, 20 / 33);
  assert.equal(summary.sidecarToHaproxy, 20 / 12);
  assert.deepEqual(summary.spreads.haproxy, { min: 10, max: 13, n: 3 });
});

Deno.test("summarize() leaves HAProxy's ratio out when HAProxy was not measured", () => {
  const summary = summarize({
    id: "rtt",
    title: "round trips",
    unit: "req/s",
    higherIsBetter: true,
    samples: { direct: [100], sidecar: [90] },
  });
  assert.equal(summary.medians.haproxy, undefined);
  assert.equal(summary.sidecarToHaproxy, undefined);
  assert.equal(summary.sidecarToDirect, 0.9);
});
