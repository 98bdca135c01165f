import assert from "node:assert/strict";
import { clampDelay, MAX_TIMER_MS, sleep, systemScheduler, TimerGroup } from "./scheduler.ts";
import { FakeScheduler } from "./testing/mod.ts";

Deno.test("clampDelay() keeps a delay a timer can hold: never negative, never past 2^31-1 ms", () => {
  assert.equal(clampDelay(-5), 0);
  assert.equal(clampDelay(Number.NaN), 0);
  assert.equal(clampDelay(720 * 3_600_000), MAX_TIMER_MS);
  assert.equal(clampDelay(0, 1), 1);
  assert.equal(clampDelay(1500), 1500);
});

Deno.test("systemScheduler: a 720h timer does not fire at once (setTimeout would overflow to 1 ms)", async () => {
  let fired = false;
  const cancel = systemScheduler.after(720 * 3_600_000, () => fired = true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  cancel();
  assert.equal(fired, false);
});

Deno.test("TimerGroup: clear() cancels every timer; dispose refuses new ones", async () => {
  const scheduler = new FakeScheduler();
  const group = new TimerGroup(scheduler);
  let fired = 0;
  group.after(10, () => fired++);
  group.every(10, () => fired++);
  group.clear();
  await scheduler.advance(100);
  assert.equal(fired, 0);
  group.after(10, () => fired++);
  await scheduler.advance(10);
  assert.equal(fired, 1);
  group[Symbol.dispose]();
  group.every(1, () => fired++);
  await scheduler.advance(10);
  assert.equal(fired, 1);
  assert.equal(scheduler.pending, 0);
});

Deno.test("FakeScheduler fires due timers in time order, intervals repeatedly", async () => {
  const scheduler = new FakeScheduler(0);
  const seen: string[] = [];
  scheduler.after(30, () => seen.push(`a@${scheduler.now()}`));
  scheduler.every(20, () => seen.push(`b@${scheduler.now()}`));
  await scheduler.advance(60);
  assert.deepEqual(seen, ["b@20", "a@30", "b@40", "b@60"]);
});

Deno.test("sleep() resolves at its time, or at once when aborted", async () => {
  const scheduler = new FakeScheduler(0);
  let done = false;
  void sleep(scheduler, 50).then(() => done = true);
  await scheduler.advance(49);
  assert.equal(done, false);
  await scheduler.advance(1);
  assert.equal(done, true);
  const abort = new AbortController();
  const aborted = sleep(scheduler, 1_000, abort.signal);
  abort.abort();
  await aborted;
  assert.equal(scheduler.pending, 0);
});
