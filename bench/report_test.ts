import assert from "node:assert/strict";
import { judgeFloors } from "./floors.ts";
import { summarize } from "./metric.ts";
import { FLOOR_NOTES, formatNumber, formatRatio, renderTable } from "./report.ts";

Deno.test("formatNumber() keeps digits that matter and marks a missing figure", () => {
  assert.equal(formatNumber(65445.03), "65,445");
  assert.equal(formatNumber(123.4), "123");
  assert.equal(formatNumber(19.73), "19.7");
  assert.equal(formatNumber(0.384), "0.38");
  assert.equal(formatNumber(undefined), "—");
});

Deno.test("formatRatio() shows two decimals and a ×", () => {
  assert.equal(formatRatio(1.5678), "1.57×");
  assert.equal(formatRatio(undefined), "—");
});

Deno.test("renderTable() puts figures of every target and the ratios on one row, verdicts below", () => {
  const summaries = [
    summarize({
      id: "stream",
      title: "one stream",
      unit: "Gbit/s",
      higherIsBetter: true,
      samples: { direct: [34], sidecar: [20], haproxy: [12], "iaido-go": [10] },
    }),
  ];
  const table = renderTable(summaries, judgeFloors(summaries), { haproxy: "not installed" });
  const lines = table.split("\n");
  assert.match(lines[1] ?? "", /^workload\s+unit\s+direct\s+sidecar\s+haproxy\s+iaido-go/);
  assert.match(lines[2] ?? "", /^-+ {2}-+/);
  assert.match(
    lines[3] ?? "",
    /one stream\s+Gbit\/s\s+34\.0\s+20\.0\s+12\.0\s+10\.0\s+0\.59×\s+1\.67×\s+2\.00×$/,
  );
  assert.ok(lines.includes("* haproxy: not installed"));
  assert.ok(lines.includes("PASS    floor  single stream ≥ 1.3× HAProxy: 1.67×"));
  assert.ok(lines.includes("PASS    target stream ≥ 1.0× the Go Iaido: 2.00×"));
});

Deno.test("renderTable() adds the floor and ÷floor columns only when the floor was measured", () => {
  const samples = { direct: [14], sidecar: [4.5], haproxy: [9], "iaido-go": [6] };
  const metric = { id: "connect", title: "new conns", unit: "k/s", higherIsBetter: true, samples };
  const without = renderTable([summarize(metric)], []).split("\n");
  assert.doesNotMatch(without[1] ?? "", /floor/);
  const withFloor = renderTable(
    [summarize({ ...metric, samples: { ...samples, floor: [7], "node-floor": [4.5] } })],
    [],
    FLOOR_NOTES,
  ).split("\n");
  assert.match(
    withFloor[1] ?? "",
    /iaido-go\s+floor\s+node-floor\s+÷direct\s+÷haproxy\s+÷iaido-go\s+÷floor\s+÷node-floor$/,
  );
  assert.match(
    withFloor[3] ?? "",
    /new conns\s+k\/s\s+14\.0\s+4\.50\s+9\.00\s+6\.00\s+7\.00\s+4\.50\s.*0\.64×\s+1\.00×$/,
  );
  assert.ok(withFloor.some((line) => line.startsWith("* floor: the smallest correct Deno.Conn")));
});

Deno.test("renderTable() adds the C floor's columns after the Deno floors', only when measured", () => {
  const samples = { direct: [20], sidecar: [12], haproxy: [9], floor: [7.5], "c-floor": [8] };
  const metric = { id: "stream", title: "stream", unit: "Gbit/s", higherIsBetter: true, samples };
  const lines = renderTable([summarize(metric)], [], {
    "c-floor": FLOOR_NOTES["c-floor"],
  }).split("\n");
  assert.match(lines[1] ?? "", /iaido-go\s+floor\s+c-floor\s+÷direct.*÷floor\s+÷c-floor$/);
  assert.match(
    lines[3] ?? "",
    /stream\s+Gbit\/s\s+20\.0\s+12\.0\s+9\.00\s+—\s+7\.50\s+8\.00\s.*1\.60×\s+1\.50×$/,
  );
  assert.ok(lines.some((line) => line.startsWith("* c-floor: the best case of any user-space")));
});

Deno.test("renderTable() puts the stream-handle floor's columns after node:net's, before C's", () => {
  const samples = {
    sidecar: [12],
    haproxy: [9],
    "node-floor": [6],
    "handle-floor": [10],
    "c-floor": [8],
  };
  const metric = { id: "stream", title: "stream", unit: "Gbit/s", higherIsBetter: true, samples };
  const lines = renderTable([summarize(metric)], [], {
    "handle-floor": FLOOR_NOTES["handle-floor"],
  }).split("\n");
  assert.match(
    lines[1] ?? "",
    /node-floor\s+handle-floor\s+c-floor\s+÷direct.*÷node-floor\s+÷handle-floor\s+÷c-floor$/,
  );
  assert.match(lines[3] ?? "", /6\.00\s+10\.0\s+8\.00\s.*2\.00×\s+1\.20×\s+1\.50×$/);
  assert.ok(lines.some((line) => line.startsWith("* handle-floor: the same on node's bare TCP")));
  const without = renderTable([summarize({ ...metric, samples: { sidecar: [12] } })], []);
  assert.ok(!without.includes("handle-floor"));
});
