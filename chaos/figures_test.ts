import assert from "node:assert/strict";
import {
  clusters,
  connectErrors,
  countBy,
  countByRegion,
  formatCounts,
  median,
  peakRate,
  perBucket,
  settledAfter,
  splitByFault,
  startedBetween,
  timeToFirst,
} from "./figures.ts";

const conn = (startMs: number, region?: string, greetedMs = startMs + 2) => ({
  startMs,
  greetedMs,
  ...(region === undefined ? {} : { region }),
  end: region === undefined ? "connect error" as const : "client close" as const,
});

Deno.test("countByRegion() counts failed connections under '-'", () => {
  const counts = countByRegion([conn(0, "home"), conn(1, "home"), conn(2), conn(3, "near")]);
  assert.equal(formatCounts(counts), "home 2, - 1, near 1");
  assert.equal(connectErrors([conn(0, "home"), conn(2)]).length, 1);
  assert.equal(formatCounts(new Map()), "none");
});

Deno.test("timeToFirst() measures from the fault to the first greeting in the target regions", () => {
  const records = [conn(0, "home"), conn(90, "home"), conn(120, "near", 150), conn(200, "near")];
  assert.equal(timeToFirst(records, 100, ["near"]), 50);
  assert.equal(timeToFirst(records, 100, ["far"]), undefined);
});

Deno.test("settledAfter() is the start of the final run of connections inside the regions", () => {
  const records = [
    conn(100, "near"),
    conn(150, "home"),
    conn(180, "near"),
    conn(220, "home"),
    conn(300, "home"),
  ];
  assert.equal(settledAfter(records, 100, ["home"]), 120);
  assert.equal(settledAfter([...records, conn(400, "near")], 100, ["home"]), undefined);
  assert.equal(startedBetween(records, 150, 220).length, 2);
});

Deno.test("clusters() splits events at gaps longer than the limit", () => {
  assert.deepEqual(clusters([1000, 1001, 1510, 1500, 2003], 100), [
    { startMs: 1000, count: 2 },
    { startMs: 1500, count: 2 },
    { startMs: 2003, count: 1 },
  ]);
  assert.deepEqual(clusters([], 100), []);
});

Deno.test("perBucket(), peakRate() and median() summarise rates", () => {
  assert.deepEqual(perBucket([0, 10, 600, 1400, -5], 0, 500), [2, 1, 1]);
  assert.equal(peakRate([{ startMs: 0 }, { startMs: 5 }, { startMs: 9 }, { startMs: 50 }], 10), 3);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(median([]), undefined);
});

Deno.test("splitByFault() sets apart connections open while the fault was injected", () => {
  const records = [
    { startMs: 0, endMs: 90 },
    { startMs: 95, endMs: 101 },
    { startMs: 104, endMs: 130 },
    { startMs: 106, endMs: 120 },
  ];
  const { before, inFlight, after, others } = splitByFault(records, 100, 105);
  assert.deepEqual(inFlight.map((r) => r.startMs), [95, 104]);
  assert.deepEqual(before.map((r) => r.startMs), [0]);
  assert.deepEqual(after.map((r) => r.startMs), [106]);
  assert.deepEqual(others.map((r) => r.startMs), [0, 106]);
});

Deno.test("splitByFault() counts a connection cut by the fault as in flight, not as before", () => {
  // Started just before the fault, cut by it before its first byte (no region).
  const records = [{ startMs: 10, endMs: 90 }, { startMs: 99, endMs: 102 }];
  const { before, inFlight } = splitByFault(records, 100, 105);
  assert.deepEqual(before.map((r) => r.startMs), [10]);
  assert.deepEqual(inFlight.map((r) => r.startMs), [99]);
});

Deno.test("countBy() counts items per key, in first-seen order", () => {
  assert.deepEqual([...countBy(["reset", "eof", "reset"], (end) => end)], [["reset", 2], [
    "eof",
    1,
  ]]);
  assert.equal(countBy([], String).size, 0);
});
