import assert from "node:assert/strict";
import { FakeScheduler, recordingLog } from "../testing/mod.ts";
import { NameFailureLog } from "./name_failure_log.ts";

Deno.test("an unresolvable name is logged once, then as a count with backoff, then 'resolves again'", async () => {
  const scheduler = new FakeScheduler(0);
  const log = recordingLog();
  const names = new NameFailureLog(scheduler, log);
  const failing = new Map([["db.example", "no such host"]]);
  // A refresh every 100 ms for 3.1 s: 32 failures.
  for (let i = 0; i < 32; i++) {
    assert.equal(names.record("db", failing, () => false), true, "never resolved");
    await scheduler.advance(100);
  }
  assert.deepEqual(log.lines.map(([, message]) => message), [
    "cannot resolve backend name",
    "still cannot resolve backend name",
    "still cannot resolve backend name",
  ]);
  assert.equal(log.lines[1]?.[2]?.["repeats"], 10, "1 s later: the ten since the first");
  assert.equal(log.lines[2]?.[2]?.["sinceMs"], 3000, "then 2 s after that");

  assert.equal(names.record("db", new Map(), () => false), false);
  assert.deepEqual(log.lines.at(-1)?.slice(0, 2), ["info", "backend name resolves again"]);
  assert.equal(log.lines.at(-1)?.[2]?.["failures"], 32);
  names.record("db", new Map(), () => false);
  assert.equal(log.lines.length, 4, "recovered once");
});

Deno.test("a name that keeps its last good answer is logged as such and does not count as never resolved", () => {
  const log = recordingLog();
  const names = new NameFailureLog(new FakeScheduler(0), log);
  assert.equal(names.record("db", new Map([["db.example", "timeout"]]), () => true), false);
  assert.equal(log.lines[0]?.[2]?.["kept"], "last good answer");
});
