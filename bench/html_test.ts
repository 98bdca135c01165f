import assert from "node:assert/strict";
import { judgeFloors } from "./floors.ts";
import { barChart, escapeHtml, renderHtml } from "./html.ts";
import { summarize } from "./metric.ts";

Deno.test("escapeHtml() neutralises markup", () => {
  assert.equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
});

Deno.test("barChart() scales bars to the largest value, whiskers included", () => {
  const svg = barChart([
    { label: "a", colour: "#000", value: 50, min: 40, max: 100, text: "50" },
    { label: "b", colour: "#111", value: 25, text: "25" },
  ]);
  const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((match) => Number(match[1]));
  assert.equal(widths.length, 2);
  assert.equal(widths[0], (widths[1] as number) * 2);
  assert.equal(svg.match(/<line /g)?.length, 1);
});

Deno.test("renderHtml() is one page with a chart per figure, every target and the load", () => {
  const summaries = [
    summarize({
      id: "pgbench-8",
      title: "pgbench -S, 8 clients",
      unit: "tps",
      higherIsBetter: true,
      samples: { direct: [39], sidecar: [23, 24, 22], haproxy: [27], "iaido-go": [21] },
    }),
    summarize({
      id: "idle-memory",
      title: "idle connections",
      unit: "KiB/conn",
      higherIsBetter: false,
      samples: { sidecar: [16] },
    }),
  ];
  const html = renderHtml({
    title: "bench <run>",
    startedAt: "2026-12-03T08:00:00Z",
    setup: ["2 cores"],
    summaries,
    verdicts: judgeFloors(summaries),
    loads: [{ workload: "pgbench-8", machine: 0.9, others: 0.05 }],
    quiet: { before: 0.01, after: 0.02 },
    notes: ["iaido-go: present"],
  });
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script|<link|src=/);
  assert.match(html, /<title>bench &lt;run&gt;<\/title>/);
  assert.equal(html.match(/<svg /g)?.length, 3);
  for (const label of ["this sidecar", "HAProxy", "Go Iaido", "direct"]) {
    assert.ok(html.includes(`>${label}</text>`), label);
  }
  assert.match(html, /others 5 % \(all 90 %\)/);
  assert.match(html, /FAIL \(target\) pgbench -S, 8 clients ≥ 1.0× HAProxy/);
});

Deno.test("renderHtml() shows the Deno floor's bar and ratio only when it was measured", () => {
  const page = (samples: Record<string, number[]>) =>
    renderHtml({
      title: "bench",
      startedAt: "2026-12-03T08:00:00Z",
      setup: [],
      summaries: [
        summarize({ id: "connect", title: "conns", unit: "conn/s", higherIsBetter: true, samples }),
      ],
      verdicts: [],
      loads: [],
      quiet: { before: 0, after: 0 },
      notes: [],
    });
  const without = page({ sidecar: [4500], haproxy: [9000] });
  assert.ok(!without.includes("Deno floor"));
  const withFloor = page({ sidecar: [4500], haproxy: [9000], floor: [7000], "node-floor": [4500] });
  assert.ok(withFloor.includes(">Deno floor</text>"));
  assert.ok(withFloor.includes("<th>÷ Deno floor</th>"));
  assert.match(withFloor, /÷ Deno floor 0\.64× · ÷ node:net floor 1\.00×/);
  assert.ok(withFloor.includes(">node:net floor</text>"));
  assert.ok(!withFloor.includes("C floor"));
  const withC = page({ sidecar: [12], haproxy: [9], floor: [7.5], "c-floor": [8] });
  assert.ok(withC.includes(">C floor</text>"));
  assert.ok(withC.includes("<th>C floor</th>"));
  assert.ok(withC.includes("<th>÷ C floor</th>"));
  assert.ok(!withC.includes("node:net floor"));
  assert.match(withC, /÷ Deno floor 1\.60× · ÷ C floor 1\.50×/);
  assert.ok(!withC.includes("stream-handle floor"));
  const withHandle = page({
    sidecar: [12],
    "node-floor": [6],
    "handle-floor": [10],
    "c-floor": [8],
  });
  assert.ok(withHandle.includes(">stream-handle floor</text>"));
  assert.ok(withHandle.includes("<th>stream-handle floor</th>"));
  assert.ok(withHandle.includes("<th>÷ stream-handle floor</th>"));
  assert.match(
    withHandle,
    /÷ node:net floor 2\.00× · ÷ stream-handle floor 1\.20× · ÷ C floor 1\.50×/,
  );
});
