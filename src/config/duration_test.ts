import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "./duration.ts";

Deno.test("parseDuration() reads Go syntax into milliseconds", () => {
  assert.equal(parseDuration("1h0m0s"), 3_600_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("1.5s"), 1500);
  assert.equal(parseDuration("-1ms"), -1);
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("0"), 0);
  assert.equal(parseDuration("500us"), 0.5);
  assert.equal(parseDuration("2µs"), 0.002);
  assert.equal(parseDuration("100ns"), 0.0001);
  assert.equal(parseDuration(".5s"), 500);
});

Deno.test("parseDuration() rejects text that is not a duration", () => {
  for (const bad of ["", "10", "1x", "s", "1h 2m", "1.2.3s", "--1s", "ms1"]) {
    assert.throws(() => parseDuration(bad), RangeError, `accepted ${JSON.stringify(bad)}`);
  }
});

Deno.test("formatDuration() writes what Go's Duration.String() writes", () => {
  assert.equal(formatDuration(3_600_000), "1h0m0s");
  assert.equal(formatDuration(1500), "1.5s");
  assert.equal(formatDuration(250), "250ms");
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(-10), "-10ms");
  assert.equal(formatDuration(90_000), "1m30s");
  assert.equal(formatDuration(0.5), "500µs");
});

Deno.test("formatDuration() output parses back to the same value", () => {
  for (const ms of [0, 1, 999, 1000, 1001, 61_500, 3_723_000, 0.25, -5]) {
    assert.equal(parseDuration(formatDuration(ms)), ms);
  }
});
