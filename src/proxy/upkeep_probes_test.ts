import assert from "node:assert/strict";
import { Balancer, DecisionLog } from "../balancer/mod.ts";
import { type FrontendInput, validateConfig } from "../config/mod.ts";
import { silentLogger } from "../log/mod.ts";
import { FakeDialer, FakeScheduler } from "../testing/mod.ts";
import { UpkeepProbes } from "./upkeep_probes.ts";

const answers = (...addresses: string[]) => ({
  hosts: new Map([["db.test", addresses]]),
  srv: new Map(),
});

function probesOn(backendPool: FrontendInput["backendPool"]) {
  const config = validateConfig({ frontends: [{ backendPool }] }).frontends[0]!;
  const scheduler = new FakeScheduler();
  const dialer = new FakeDialer();
  const balancer = new Balancer("db", config.backendPool, new DecisionLog());
  let wakes = 0;
  const probes = new UpkeepProbes(
    { scheduler, log: silentLogger, dialer: dialer.dial },
    balancer,
    () => "db",
    () => wakes++,
  );
  return { probes, balancer, scheduler, dialer, wakes: () => wakes };
}

Deno.test("UpkeepProbes: a failed dial disables the backend and one recovery probe at the end of its disable time brings it back", async () => {
  const { probes, balancer, scheduler, dialer, wakes } = probesOn({
    tiers: [{ targets: [{ hosts: ["db.test"], port: 1 }], disableFor: { refused: "2s" } }],
  });
  using _probes = probes;
  balancer.applyAnswers(answers("127.0.0.1"), scheduler.now(), true);
  const backend = balancer.get("127.0.0.1:1")!;
  probes.dialFailed(backend, { kind: "refused", message: "connection refused" });
  assert.equal(backend.isEligible(scheduler.now()), false);
  await scheduler.advance(1_999);
  assert.deepEqual(dialer.dials, [], "no probe before the disable time is up");
  await scheduler.advance(1);
  assert.deepEqual(dialer.dials, ["127.0.0.1:1"]);
  assert.equal(backend.isEligible(scheduler.now()), true);
  assert.equal(wakes(), 1, "waiting clients were woken");
});

Deno.test("UpkeepProbes: checkJoined checks only backends awaiting their first check, and brings them up", async () => {
  const { probes, balancer, scheduler, dialer } = probesOn({
    tiers: [{ targets: [{ hosts: ["db.test"], port: 1 }], healthCheck: { interval: "1h" } }],
  });
  using _probes = probes;
  balancer.applyAnswers(answers("127.0.0.1"), scheduler.now(), true);
  const { added } = balancer.applyAnswers(answers("127.0.0.1", "127.0.0.2"), scheduler.now());
  assert.deepEqual(added.map((b) => b.key), ["127.0.0.2:1"]);
  await probes.checkJoined(balancer.backends);
  assert.deepEqual(dialer.dials, ["127.0.0.2:1"], "the backend up since the start is not probed");
  assert.equal(balancer.get("127.0.0.2:1")?.isEligible(scheduler.now()), true);
});

Deno.test("UpkeepProbes: once disposed, a probe changes nothing", async () => {
  const { probes, balancer, scheduler, dialer } = probesOn({
    tiers: [{ targets: [{ hosts: ["db.test"], port: 1 }], healthCheck: { interval: "1h" } }],
  });
  balancer.applyAnswers(answers("127.0.0.1"), scheduler.now(), true);
  dialer.set("127.0.0.1:1", "refuse");
  probes[Symbol.dispose]();
  assert.equal(await probes.probe(balancer.get("127.0.0.1:1")!, "health"), true);
  assert.equal(balancer.get("127.0.0.1:1")?.health?.lastResult, "not checked yet");
  assert.equal(scheduler.pending, 0);
});
