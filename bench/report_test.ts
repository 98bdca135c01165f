import assert from "node:assert/strict";
import { judgeFloors } from "./floors.ts";
import { summarize } from "./metric.ts";
import { formatNumber, formatRatio, renderTable } from "./report.ts";

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

Deno.test("renderTable() puts figures, ratios and the floor verdict on one row", () => {
  const summaries = [
    summarize({
      id: "stream",
      title: "one stream",
      unit: "Gbit/s",
      higherIsBetter: true,
      samples: { direct: [34], sidecar: [20], haproxy: [12] },
    }),
  ];
  const table = renderTable(summaries, judgeFloors(summaries), "not installed");
  const [header, rule, row, , note] = table.split("\n");
  assert.match(header ?? "", /^workload\s+unit\s+direct\s+sidecar\s+haproxy/);
  assert.match(rule ?? "", /^-+ {2}-+/);
  assert.match(row ?? "", /one stream\s+Gbit\/s\s+34\.0\s+20\.0\s+12\.0\s+0\.59×\s+1\.67×\s+PASS/);
  assert.equal(note, "* haproxy: not installed");
});
