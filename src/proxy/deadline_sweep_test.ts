import assert from "node:assert/strict";
import { FakeScheduler } from "../testing/mod.ts";
import { DeadlineSweep } from "./deadline_sweep.ts";

Deno.test("DeadlineSweep fires a deadline never early and at most one resolution late", async () => {
  const scheduler = new FakeScheduler();
  using sweep = new DeadlineSweep(scheduler, 25);
  const fired: number[] = [];
  const started = scheduler.now();
  sweep.after(100, () => fired.push(scheduler.now() - started));
  await scheduler.advance(99);
  assert.deepEqual(fired, []);
  await scheduler.advance(26);
  const at: number = fired.at(0) ?? -1;
  assert.equal(fired.length, 1);
  assert.ok(at >= 100 && at <= 125, `fired at ${at}`);
});

Deno.test("DeadlineSweep: a cancelled deadline never fires, and the check stops when none is pending", async () => {
  const scheduler = new FakeScheduler();
  using sweep = new DeadlineSweep(scheduler, 25);
  let fired = 0;
  const cancel = sweep.after(50, () => fired++);
  sweep.after(60, () => fired++);
  cancel();
  assert.equal(sweep.pending, 1);
  await scheduler.advance(100);
  assert.equal(fired, 1);
  assert.equal(sweep.pending, 0);
  assert.equal(scheduler.pending, 0, "no timer left once nothing is pending");
  sweep.after(10, () => fired++);
  assert.equal(scheduler.pending, 1, "one shared check, started again");
  sweep.after(10, () => fired++);
  assert.equal(scheduler.pending, 1);
  await scheduler.advance(50);
  assert.equal(fired, 3);
});

Deno.test("DeadlineSweep: disposing drops pending deadlines and its timer", async () => {
  const scheduler = new FakeScheduler();
  const sweep = new DeadlineSweep(scheduler);
  let fired = 0;
  sweep.after(10, () => fired++);
  sweep[Symbol.dispose]();
  await scheduler.advance(100);
  assert.equal(fired, 0);
  assert.equal(scheduler.pending, 0);
  assert.throws(() => new DeadlineSweep(scheduler, 0), /at least 1: current value is 0/);
});
