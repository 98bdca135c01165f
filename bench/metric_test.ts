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

Deno.test("summarize() gives the sidecar's ratio to the Deno floor only when it ran", () => {
  const metric = {
    id: "connect",
    title: "new connections",
    unit: "conn/s",
    higherIsBetter: true,
    samples: { sidecar: [4500], haproxy: [9000], floor: [7000, 6800, 7200] },
  };
  const summary = summarize(metric);
  assert.equal(summary.medians.floor, 7000);
  assert.equal(summary.sidecarToFloor, 4500 / 7000);
  assert.equal(summarize({ ...metric, samples: { sidecar: [4500] } }).sidecarToFloor, undefined);
});

Deno.test("summarize() gives the sidecar's ratio to the C floor only when it ran", () => {
  const metric = {
    id: "stream",
    title: "one stream",
    unit: "Gbit/s",
    higherIsBetter: true,
    samples: { sidecar: [12], "c-floor": [9, 10, 8] },
  };
  const summary = summarize(metric);
  assert.equal(summary.medians["c-floor"], 9);
  assert.equal(summary.sidecarToCFloor, 12 / 9);
  assert.equal(summary.sidecarToNodeFloor, undefined);
  assert.equal(summarize({ ...metric, samples: { sidecar: [12] } }).sidecarToCFloor, undefined);
});

Deno.test("summarize() gives the sidecar's ratio to the stream-handle floor only when it ran", () => {
  const metric = {
    id: "connect",
    title: "new connections",
    unit: "conn/s",
    higherIsBetter: true,
    samples: { sidecar: [3000], "handle-floor": [4000, 3800, 4200] },
  };
  const summary = summarize(metric);
  assert.equal(summary.medians["handle-floor"], 4000);
  assert.equal(summary.sidecarToHandleFloor, 3000 / 4000);
  assert.equal(summary.sidecarToCFloor, undefined);
  assert.equal(
    summarize({ ...metric, samples: { sidecar: [3000] } }).sidecarToHandleFloor,
    undefined,
  );
});
