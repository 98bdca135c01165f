import assert from "node:assert/strict";
import { type Closure, DecisionLog, type SessionView } from "../balancer/mod.ts";
import { type FrontendInput, validateConfig } from "../config/mod.ts";
import type { Resolver } from "../discovery/mod.ts";
import { silentLogger } from "../log/mod.ts";
import { FakeDialer, FakeScheduler } from "../testing/mod.ts";
import type { ProbeResult } from "../balancer/mod.ts";
import { BackendUpkeep, type SessionDirectory } from "./backend_upkeep.ts";
import { DialError } from "./dial.ts";
import { FrontendStats } from "./frontend_stats.ts";

const literalResolver: Resolver = {
  resolve: (host) => Promise.resolve([host]),
  resolveSrv: () => Promise.resolve([]),
};

/** Sessions as maintenance sees them, and the closes it asks for. */
class FakeSessions implements SessionDirectory {
  open: SessionView[] = [];
  readonly closes: Closure[] = [];
  views(): SessionView[] {
    return this.open;
  }
  closeLater(closure: Closure): void {
    this.closes.push(closure);
    this.open = this.open.filter((view) => view.id !== closure.sessionId);
  }
  /** Moved clients reconnect at once here: no seat is held. */
  movesInFlight(): number {
    return 0;
  }
}

function upkeepOn(frontend: FrontendInput, dialer = new FakeDialer(), resolver = literalResolver) {
  const config = validateConfig({ frontends: [frontend] }).frontends[0]!;
  const scheduler = new FakeScheduler();
  const sessions = new FakeSessions();
  const upkeep = new BackendUpkeep(
    config,
    {
      scheduler,
      log: silentLogger,
      resolver,
      dialer: dialer.dial,
      decisions: new DecisionLog(),
      rng: () => 0.5,
    },
    sessions,
    new FrontendStats(),
  );
  return { upkeep, scheduler, sessions, dialer, config };
}

const target = (port: number) => ({ hosts: ["127.0.0.1"], port });
const eligible = (upkeep: BackendUpkeep, port: number) =>
  upkeep.snapshot(0).backends.find((b) => b.spec.port === port)?.ineligibility === undefined;

Deno.test("recovery: a failed dial disables the backend; a probe at the end of its disable time brings it back", async () => {
  const dialer = new FakeDialer();
  const { upkeep, scheduler } = upkeepOn({
    backendPool: { tiers: [{ targets: [target(1)], disableFor: { refused: "2s" } }] },
  }, dialer);
  using _upkeep = upkeep;
  await upkeep.start();
  const lease = await upkeep.acquire(0, new AbortController().signal);
  assert.ok(lease);
  dialer.set("127.0.0.1:1", "refuse");
  lease.failed(new DialError("refused", "127.0.0.1:1", "connection refused"));
  assert.equal(eligible(upkeep, 1), false, "disabled by the failed dial");
  dialer.set("127.0.0.1:1", "accept");
  const dialsBefore = dialer.dials.length;
  await scheduler.advance(1_999);
  assert.equal(dialer.dials.length, dialsBefore, "no recovery probe before the disable time is up");
  assert.equal(eligible(upkeep, 1), false);
  await scheduler.advance(1);
  assert.equal(dialer.dials.length, dialsBefore + 1, "one recovery probe at 2 s");
  assert.equal(eligible(upkeep, 1), true, "back after the successful probe");
});

Deno.test("recovery: a backend still refusing is probed again after each disable time, and stays out", async () => {
  const dialer = new FakeDialer();
  const { upkeep, scheduler } = upkeepOn({
    rebalanceDuration: "1h",
    backendPool: { tiers: [{ targets: [target(1)], disableFor: { refused: "1s" } }] },
  }, dialer);
  using _upkeep = upkeep;
  await upkeep.start();
  dialer.set("127.0.0.1:1", "refuse");
  const lease = await upkeep.acquire(0, new AbortController().signal);
  lease?.failed(new DialError("refused", "127.0.0.1:1", "connection refused"));
  const dialsBefore = dialer.dials.length;
  await scheduler.advance(3_000);
  assert.equal(dialer.dials.length - dialsBefore, 3, "one probe per second of disable time");
  assert.equal(eligible(upkeep, 1), false);
  assert.equal(await upkeep.acquire(0, new AbortController().signal), undefined);
});

Deno.test("failback: sessions on a worse tier move home within the budget, one tick at a time", async () => {
  const dialer = new FakeDialer();
  dialer.set("127.0.0.1:1", "refuse");
  const { upkeep, scheduler, sessions } = upkeepOn({
    rebalanceDuration: "1h",
    backendPool: {
      maintenanceTime: "1s",
      failback: { maxSessions: 2, maxPercent: 100 },
      tiers: [
        { targets: [target(1)], disableFor: { refused: "1s" } },
        { targets: [target(2)], forcePromotionAfter: "3s" },
      ],
    },
  }, dialer);
  using _upkeep = upkeep;
  await upkeep.start();
  const home = await upkeep.acquire(0, new AbortController().signal);
  assert.equal(home?.backend.port, 1);
  home?.failed(new DialError("refused", "127.0.0.1:1", "connection refused"));
  sessions.open = Array.from({ length: 5 }, (_, i) => ({
    id: i + 1,
    backendKey: "127.0.0.1:2",
    tier: 1,
    idleMs: 0,
  }));
  await scheduler.advance(2_000);
  assert.equal(sessions.closes.length, 0, "home is down: nothing moves");
  dialer.set("127.0.0.1:1", "accept");
  await scheduler.advance(1_000);
  assert.equal(eligible(upkeep, 1), true, "home is back");
  await scheduler.advance(2_000);
  assert.equal(sessions.closes.length, 0, "not before home has had room for forcePromotionAfter");
  await scheduler.advance(2_000);
  const perTick = [sessions.closes.length];
  await scheduler.advance(1_000);
  perTick.push(sessions.closes.length - (perTick[0] ?? 0));
  await scheduler.advance(1_000);
  perTick.push(sessions.closes.length - perTick.reduce((a, b) => a + b, 0));
  assert.ok(sessions.closes.every((c) => c.reason === "failback"));
  assert.deepEqual(perTick, [2, 2, 1], "two per tick (the budget) until all five are home");
});

Deno.test("drain: a backend removed by a reload has its sessions closed on the second tick, smeared over the tick", async () => {
  const frontend = (ports: number[]) => ({
    rebalanceDuration: "1h",
    backendPool: { maintenanceTime: "1s", tiers: [{ targets: ports.map(target) }] },
  });
  const { upkeep, scheduler, sessions } = upkeepOn(frontend([1, 2]));
  using _upkeep = upkeep;
  await upkeep.start();
  const leases = await Promise.all(
    [1, 2, 3, 4].map(() => upkeep.acquire(0, new AbortController().signal)),
  );
  sessions.open = leases.map((lease, i) => ({
    id: i + 1,
    backendKey: lease!.backend.key,
    tier: 0,
    idleMs: 0,
  }));
  await upkeep.update(validateConfig({ frontends: [frontend([1])] }).frontends[0]!);
  await scheduler.advance(1_000);
  assert.equal(sessions.closes.length, 0, "one tick is not yet a confirmation");
  await scheduler.advance(1_000);
  const drained = sessions.closes.filter((c) => c.reason === "drain");
  assert.deepEqual(drained.map((c) => c.sessionId).sort(), [2, 4], "only the removed backend's");
  assert.ok(drained.every((c) => c.delayMs >= 0 && c.delayMs < 1_000), "smeared within the tick");
  for (const lease of leases) lease?.release(0, 0);
});

Deno.test("latency: one late probe sample swaps no sub-tiers; a backend slow in every sample of the window moves", async () => {
  const dialer = new FakeDialer();
  const { upkeep, scheduler } = upkeepOn({
    rebalanceDuration: "1s",
    backendPool: { latencyBucket: "10ms", tiers: [{ targets: [target(1), target(2)] }] },
  }, dialer);
  using _upkeep = upkeep;
  const [a, b] = ["127.0.0.1:1", "127.0.0.1:2"];
  dialer.delay(a, 1, scheduler);
  dialer.delay(b, 30, scheduler);
  const subTiers = () => upkeep.snapshot(0).backends.map((backend) => backend.subTier);
  await upkeep.start();
  await scheduler.advance(100);
  assert.deepEqual(subTiers(), [0, 2], "a first, b 29 ms behind it");
  // A busy event loop makes one probe of a late: 80 ms, well behind b.
  dialer.delay(a, 80, scheduler);
  await scheduler.advance(1_000);
  dialer.delay(a, 1, scheduler);
  assert.deepEqual(subTiers(), [0, 2], "one late sample moves nothing");
  await scheduler.advance(2_000);
  assert.deepEqual(subTiers(), [0, 2]);
  // a really slows down: once every sample of the window says so, b is nearer.
  dialer.delay(a, 80, scheduler);
  await scheduler.advance(2_000);
  assert.deepEqual(subTiers(), [0, 2], "two slow samples are not yet a slowdown");
  await scheduler.advance(1_000);
  assert.deepEqual(subTiers(), [5, 0], "three are");
  // Faster again shows at the first sample.
  dialer.delay(a, 1, scheduler);
  await scheduler.advance(1_000);
  assert.deepEqual(subTiers(), [0, 2]);
});

Deno.test("role primary: a backend DNS adds later takes no lease until its first check says primary", async () => {
  const addresses = ["127.0.0.1"];
  const resolver: Resolver = {
    resolve: (host) => Promise.resolve(host === "db.test" ? [...addresses] : []),
    resolveSrv: () => Promise.resolve([]),
  };
  const { upkeep, scheduler } = upkeepOn(
    {
      protocol: "postgres",
      postgres: { role: "primary" },
      rebalanceDuration: "1h",
      backendPool: {
        tiers: [{ targets: [{ hosts: ["db.test"], port: 5432 }], healthCheck: { interval: "5s" } }],
      },
    },
    undefined,
    resolver,
  );
  using _upkeep = upkeep;
  // The protocol check of 127.0.0.2 answers when the test says, with the role the test gives.
  let answer = Promise.withResolvers<ProbeResult>();
  upkeep.useProtocolProbe((spec) =>
    spec.hostname === "127.0.0.2" ? answer.promise : Promise.resolve({ ok: true, latencyMs: 1 })
  );
  const open = new AbortController().signal;
  const eligibleAt = (key: string) =>
    upkeep.snapshot(0).backends.find((b) => b.spec.key === key)?.ineligibility;
  await upkeep.start();
  const held = await upkeep.acquire(0, open);
  assert.equal(held?.backend.key, "127.0.0.1:5432");
  addresses.push("127.0.0.2");
  await upkeep.refreshDiscovery();
  assert.equal(eligibleAt("127.0.0.2:5432"), "joined; waiting for its first health check");
  const before = await upkeep.acquire(0, open);
  assert.equal(
    before?.backend.key,
    "127.0.0.1:5432",
    "not the idle newcomer, whose role is unknown",
  );
  before?.release(0, 0);
  // Its first check (at once, not an interval later) finds a standby: it stays out.
  answer.resolve({ ok: false, kind: "refused", message: "not a primary (in recovery)" });
  await scheduler.advance(0);
  assert.match(eligibleAt("127.0.0.2:5432") ?? "", /not a primary/);
  const still = await upkeep.acquire(0, open);
  assert.equal(still?.backend.key, "127.0.0.1:5432");
  still?.release(0, 0);
  // Promoted: the next checks say primary, and it takes sessions.
  answer = Promise.withResolvers<ProbeResult>();
  answer.resolve({ ok: true, latencyMs: 1 });
  await scheduler.advance(10_000);
  assert.equal(eligibleAt("127.0.0.2:5432"), undefined);
  held?.release(0, 0);
});
