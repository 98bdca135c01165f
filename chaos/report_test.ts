import assert from "node:assert/strict";
import { escapeHtml, renderReport, renderTable, renderTimeline } from "./report.ts";
import { failsRun, type ScenarioResult, verdict } from "./scenario.ts";

const result = (ok: boolean): ScenarioResult => ({
  name: ok ? "outage" : "broken<x>",
  title: "home down & back",
  ok,
  durationMs: 4_000,
  figures: [["failover ms", "42"], ["after", "near 10"]],
  problems: ok ? [] : ["a client saw a failed connect"],
  regions: ["home", "near"],
  connections: [
    { startMs: 100, endMs: 200, region: "home", node: "home/node-1", end: "client close" },
    { startMs: 2_100, endMs: 2_300, region: "near", node: "near/node-2", end: "client close" },
    { startMs: 2_000, endMs: 2_001, end: "connect error" },
  ],
  marks: [{ atMs: 2_000, label: "home disabled", kind: "fault" }],
});

Deno.test("renderTable() has one row per scenario with its figures, and problems when failed", () => {
  const table = renderTable([result(true), result(false)]).split("\n");
  assert.equal(table.length, 3);
  assert.match(table[1] as string, /^outage\s+pass\s+4\.0s\s+failover ms=42; after=near 10$/);
  assert.match(table[2] as string, /FAIL.*\| a client saw a failed connect$/);
});

Deno.test("renderTimeline() draws a lane per region plus failed, a bar per connection, a line per fault", () => {
  const svg = renderTimeline(result(true));
  assert.equal((svg.match(/<rect [^>]*height="3"/g) ?? []).length, 3);
  assert.match(svg, />home<\/text>.*>near<\/text>.*>failed<\/text>/);
  assert.match(svg, /<line [^>]*stroke-dasharray/);
  assert.match(svg, /home disabled @2\.00s/);
  assert.match(svg, /<title>no backend 2000–2001 ms, connect error<\/title>/);
});

Deno.test("renderReport() is one self-contained document with escaped text", () => {
  const html = renderReport([result(true), result(false)], {
    startedAt: "2026-01-01T00:00:00.000Z",
    totalMs: 8_000,
    toxiproxy: "ours",
  });
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /1\/2 scenarios passed/);
  assert.equal((html.match(/<svg /g) ?? []).length, 2);
  assert.doesNotMatch(html, /<(script|link|img)\b/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  assert.match(html, /broken&lt;x&gt;/);
  assert.doesNotMatch(html, /broken<x>/);
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});

Deno.test("verdict() marks a failure on a known sidecar issue as known, and it does not fail the run", () => {
  const known = { ...result(false), knownIssue: "idleFor late" };
  assert.equal(verdict(known), "known");
  assert.equal(failsRun(known), false);
  assert.equal(verdict({ ...result(true), knownIssue: "fixed?" }), "pass*");
  assert.equal(verdict(result(false)), "FAIL");
  assert.equal(failsRun(result(false)), true);
  assert.match(renderTable([known]), /^failback|known/m);
});
