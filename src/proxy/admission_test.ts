import assert from "node:assert/strict";
import { Balancer, DecisionLog } from "../balancer/mod.ts";
import { validateConfig } from "../config/mod.ts";
import type { Answers } from "../discovery/mod.ts";
import { FakeScheduler } from "../testing/mod.ts";
import { Admission } from "./admission.ts";

const ANSWERS: Answers = { hosts: new Map([["127.0.0.1", ["127.0.0.1"]]]), srv: new Map() };

/** One backend with room for one session, behind admission on a fake clock. */
function oneSeat() {
  const config = validateConfig({
    frontends: [{
      backendPool: {
        tiers: [{ maxBackendConnections: 1, targets: [{ hosts: ["127.0.0.1"], port: 1 }] }],
      },
    }],
  });
  const scheduler = new FakeScheduler();
  const balancer = new Balancer("db", config.frontends[0]!.backendPool, new DecisionLog());
  balancer.applyAnswers(ANSWERS, scheduler.now(), true);
  const admission = new Admission(
    (now) => balancer.acquire(now),
    (listener) => balancer.onRelease(listener),
    scheduler,
  );
  return { scheduler, admission };
}

Deno.test("admission: a client waits for a full pool and gives up at its queue timeout", async () => {
  const { scheduler, admission } = oneSeat();
  using _admission = admission;
  const held = await admission.acquire(1_000, new AbortController().signal);
  assert.ok(held, "the first client gets the only seat");
  let outcome: unknown = "waiting";
  void admission.acquire(1_000, new AbortController().signal).then((lease) => outcome = lease);
  await scheduler.advance(999);
  assert.equal(outcome, "waiting", "still queued one millisecond before its timeout");
  assert.equal(admission.waiting, 1);
  await scheduler.advance(1);
  assert.equal(outcome, undefined, "no lease once the queue timeout is up");
  assert.equal(admission.waiting, 0);
  held.release();
});

Deno.test("admission: a released lease wakes the first waiter at once, not at its timeout", async () => {
  const { scheduler, admission } = oneSeat();
  using _admission = admission;
  const held = await admission.acquire(1_000, new AbortController().signal);
  const waiting = admission.acquire(10_000, new AbortController().signal);
  await scheduler.advance(5);
  const wokenAt = scheduler.now();
  held?.release();
  const lease = await waiting;
  assert.ok(lease, "the waiter got the released seat");
  assert.equal(scheduler.now(), wokenAt, "woken by the release, with no time passing");
  lease.release();
});

Deno.test("admission: an aborted client stops waiting and holds nothing", async () => {
  const { scheduler, admission } = oneSeat();
  using _admission = admission;
  const held = await admission.acquire(1_000, new AbortController().signal);
  const abort = new AbortController();
  const waiting = admission.acquire(10_000, abort.signal);
  await scheduler.advance(1);
  abort.abort();
  assert.equal(await waiting, undefined);
  assert.equal(admission.waiting, 0);
  assert.equal(scheduler.pending, 0, "its timer is gone too");
  held?.release();
});

Deno.test("admission: tryAcquire gives a lease at once when there is room, and none when full", () => {
  const { admission } = oneSeat();
  using _admission = admission;
  const held = admission.tryAcquire();
  assert.ok(held, "the first client gets the only seat without waiting");
  assert.equal(admission.tryAcquire(), undefined, "no room left");
  assert.equal(admission.waiting, 0, "trying does not queue");
  held.release();
  const again = admission.tryAcquire();
  assert.ok(again, "the released seat");
  again.release();
});
