import assert from "node:assert/strict";
import { judgeFloors } from "./floors.ts";
import { type Metric, summarize } from "./metric.ts";

function metric(id: string, samples: Metric["samples"]): Metric {
  return { id, title: id, unit: "x", higherIsBetter: true, samples };
}

Deno.test("judgeFloors() passes a ratio at or above its bound and fails below", () => {
  const verdicts = judgeFloors([
    summarize(metric("stream", { sidecar: [13], haproxy: [10] })),
    summarize(metric("rtt-50", { sidecar: [80], haproxy: [100] })),
  ]);
  const floors = verdicts.filter((verdict) => verdict.floor.level === "floor");
  assert.deepEqual(floors.map((verdict) => [verdict.floor.metricId, verdict.result]), [
    ["stream", "pass"],
    ["rtt-50", "fail"],
  ]);
});

Deno.test("judgeFloors() bounds idle memory from above, on the sidecar's own figure", () => {
  const [low] = judgeFloors([summarize(metric("idle-memory", { sidecar: [17.5] }))]);
  const [high] = judgeFloors([summarize(metric("idle-memory", { sidecar: [20.5] }))]);
  assert.equal(low?.floor.level, "floor");
  assert.equal(low?.result, "pass");
  assert.equal(high?.result, "fail");
});

Deno.test("judgeFloors() says unknown when HAProxy was not measured, and skips absent metrics", () => {
  const verdicts = judgeFloors([summarize(metric("connect", { direct: [10], sidecar: [8] }))]);
  assert.deepEqual(verdicts.map((verdict) => verdict.floor.level), ["floor", "target", "target"]);
  assert.ok(verdicts.every((verdict) => verdict.result === "unknown"));
});

Deno.test("judgeFloors() judges the issue-15 targets apart from the floors, Go Iaido included", () => {
  const verdicts = judgeFloors([
    summarize(metric("pgbench-8", { sidecar: [95], haproxy: [100], "iaido-go": [90] })),
  ]);
  assert.deepEqual(
    verdicts.map((verdict) => [verdict.floor.level, verdict.floor.measure, verdict.result]),
    [["target", "ratioToHaproxy", "fail"], ["target", "ratioToIaidoGo", "pass"]],
  );
});
