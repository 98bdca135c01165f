import assert from "node:assert/strict";
import { type ConfigInput, validateConfig } from "../config/mod.ts";
import { Balancer } from "./balancer.ts";
import { DecisionLog } from "./decisions.ts";

function setup(
  tiers: ConfigInput["frontends"][number]["backendPool"]["tiers"],
  latencyBucket = "10ms",
) {
  const config = validateConfig({ frontends: [{ backendPool: { latencyBucket, tiers } }] });
  const pool = config.frontends[0]?.backendPool;
  assert.ok(pool);
  const decisions = new DecisionLog();
  const balancer = new Balancer("db", pool, decisions);
  const hosts = new Map([["127.0.0.1", ["127.0.0.1"]], ["127.0.0.2", ["127.0.0.2"]]]);
  balancer.applyAnswers({ hosts, srv: new Map() }, 0, true);
  return { balancer, decisions };
}

const home = { name: "home", targets: [{ hosts: ["127.0.0.1"], port: 1 }] };
const far = { name: "far", targets: [{ hosts: ["127.0.0.2"], port: 2 }] };

Deno.test("Balancer records failover and return when the serving tier changes, and why", () => {
  const { balancer, decisions } = setup([home, far]);
  balancer.acquire(0)?.release();
  const backend = balancer.get("127.0.0.1:1");
  assert.ok(backend);
  assert.equal(balancer.dialFailed(backend, "refused", "connection refused", 0), 1000);
  assert.equal(balancer.acquire(10)?.backend.spec.port, 2);
  assert.equal(balancer.probed(backend, "recovery", { ok: true, latencyMs: 1 }, 1000), true);
  assert.equal(balancer.acquire(1000)?.backend.spec.port, 1);
  assert.deepEqual(decisions.entries().map((d) => [d.kind, d.reason]), [
    ["disable", "refused: connection refused; disabled for 1000ms"],
    [
      "failover",
      "new sessions go to far: 127.0.0.1:1 disabled until 00:00:01: connection refused ×1",
    ],
    ["recover", "probe succeeded in 1.0ms"],
    ["return", "new sessions go to home again"],
  ]);
});

Deno.test("Balancer calls a full better tier a spill, not a failover", () => {
  const { balancer, decisions } = setup([{ ...home, maxBackendConnections: 1 }, far]);
  balancer.acquire(0);
  balancer.acquire(0);
  assert.equal(decisions.entries()[0]?.kind, "spill");
  assert.match(decisions.entries()[0]?.reason ?? "", /127\.0\.0\.1:1 full 1\/1/);
});

Deno.test("Balancer disables by failure class: a timed-out dial (blackhole) for longer", () => {
  const { balancer } = setup([{ ...home, disableFor: { timeout: "5s" } }, far]);
  const backend = balancer.get("127.0.0.1:1");
  assert.ok(backend);
  assert.equal(balancer.dialFailed(backend, "timeout", "no answer within 1000ms", 0), 5000);
  assert.equal(backend.isDisabledAt(4999), true);
  assert.equal(
    balancer.probed(backend, "recovery", { ok: true, latencyMs: 1 }, 4999),
    false,
    "too early",
  );
  assert.deepEqual(balancer.awaitingRecovery(5000), [backend]);
  assert.equal(
    balancer.probed(backend, "recovery", { ok: false, kind: "timeout", message: "again" }, 5000),
    false,
  );
  assert.equal(backend.isDisabledAt(9999), true, "a failed recovery probe disables it again");
});

Deno.test("Balancer takes a backend down after `fall` failed health checks and back after `rise`", () => {
  const { balancer, decisions } = setup([{ ...home, healthCheck: { rise: 2, fall: 2 } }, far]);
  const backend = balancer.get("127.0.0.1:1");
  assert.ok(backend);
  const fail = { ok: false, kind: "refused", message: "connection refused" } as const;
  balancer.probed(backend, "health", fail, 0);
  assert.equal(backend.ineligibility(0), undefined);
  balancer.probed(backend, "health", fail, 1);
  assert.match(backend.ineligibility(1) ?? "", /^health check failing: refused/);
  assert.equal(balancer.acquire(1)?.backend.spec.port, 2);
  assert.equal(balancer.probed(backend, "health", { ok: true, latencyMs: 2 }, 2), false);
  assert.equal(balancer.probed(backend, "health", { ok: true, latencyMs: 2 }, 3), true);
  assert.equal(backend.ineligibility(3), undefined);
  assert.deepEqual(decisions.entries().filter((d) => d.kind === "health").map((d) => d.reason), [
    "went down: refused: connection refused",
    "came up: ok in 2.0ms",
  ]);
});

Deno.test("Balancer regroups a slowed backend into a farther sub-tier and back", () => {
  const { balancer, decisions } = setup([{
    name: "home",
    targets: [{ hosts: ["127.0.0.1"], port: 1 }, { hosts: ["127.0.0.2"], port: 2 }],
  }]);
  const [a, b] = balancer.backends;
  assert.ok(a && b);
  balancer.probed(a, "latency", { ok: true, latencyMs: 1 }, 0);
  balancer.probed(b, "latency", { ok: true, latencyMs: 45 }, 0);
  balancer.regroupByLatency(0);
  assert.deepEqual([a.subTier, b.subTier], [0, 4]);
  assert.equal(balancer.acquire(0)?.backend, a);
  balancer.probed(b, "latency", { ok: true, latencyMs: 2 }, 1);
  balancer.regroupByLatency(1);
  assert.equal(b.subTier, 0);
  assert.deepEqual(decisions.entries().filter((d) => d.kind === "latency").map((d) => d.reason), [
    "sub-tier 0 → 4: 45.0ms vs 1.0ms",
    "sub-tier 4 → 0: 2.0ms vs 1.0ms",
  ]);
});

Deno.test("Balancer drains a backend removed by a reload after two maintenance ticks", () => {
  const { balancer, decisions } = setup([home, far]);
  const lease = balancer.acquire(0);
  assert.ok(lease);
  balancer.configure(
    validateConfig({ frontends: [{ backendPool: { tiers: [far] } }] }).frontends[0]!.backendPool,
  );
  balancer.applyAnswers({ hosts: new Map([["127.0.0.2", ["127.0.0.2"]]]), srv: new Map() }, 5);
  const session = { id: 7, backendKey: lease.backend.key, tier: 0, idleMs: 0 };
  assert.deepEqual(balancer.maintain(10, [session], () => 0), []);
  assert.deepEqual(balancer.maintain(20, [session], () => 0).map((c) => [c.sessionId, c.reason]), [[
    7,
    "drain",
  ]]);
  assert.ok(
    decisions.entries().some((d) =>
      d.kind === "discovery" && /removed from home; draining/.test(d.reason)
    ),
  );
});

Deno.test("slow start: a recovered backend takes a share of new sessions growing over slowStart", () => {
  const { balancer, decisions } = setup([{ ...home, slowStart: "10s" }, far]);
  const backend = balancer.get("127.0.0.1:1");
  assert.ok(backend);
  balancer.dialFailed(backend, "refused", "connection refused", 0);
  assert.equal(balancer.probed(backend, "recovery", { ok: true, latencyMs: 1 }, 1000), true);
  const homeShare = (at: number, picks = 100) => {
    let count = 0;
    for (let i = 0; i < picks; i++) {
      const lease = balancer.acquire(at);
      if (lease?.backend === backend) count++;
      lease?.release();
    }
    return count / picks;
  };
  assert.equal(homeShare(1000), 0.1, "10 % at once (the minimum share)");
  assert.equal(homeShare(3500), 0.25, "a quarter of the way in: a quarter");
  assert.equal(homeShare(8500), 0.75);
  assert.equal(homeShare(11_000), 1, "all of them once slowStart is over");
  const kinds = decisions.entries().map((d) => d.kind);
  assert.deepEqual(kinds.filter((k) => k === "return" || k === "failover"), ["failover", "return"]);
});

Deno.test("slow start never refuses: a ramping backend alone still takes every session", () => {
  const { balancer } = setup([{ ...home, slowStart: "10s" }]);
  const backend = balancer.get("127.0.0.1:1");
  assert.ok(backend);
  balancer.dialFailed(backend, "refused", "connection refused", 0);
  balancer.probed(backend, "recovery", { ok: true, latencyMs: 1 }, 1000);
  for (let i = 0; i < 10; i++) assert.equal(balancer.acquire(1000)?.backend, backend);
});

Deno.test("slow start: failback onto a ramping tier moves only its share of the budget", () => {
  const { balancer } = setup([
    { ...home, slowStart: "10s" },
    { ...far, forcePromotionAfter: "1ms" },
  ]);
  const homeBackend = balancer.get("127.0.0.1:1");
  const farBackend = balancer.get("127.0.0.2:2");
  assert.ok(homeBackend && farBackend);
  balancer.dialFailed(homeBackend, "refused", "connection refused", 0);
  const sessions = Array.from({ length: 40 }, (_, id) => {
    balancer.acquire(10);
    return { id, backendKey: farBackend.key, tier: 1, idleMs: 0 };
  });
  balancer.probed(homeBackend, "recovery", { ok: true, latencyMs: 1 }, 1000);
  const rng = () => 0;
  balancer.maintain(1000, sessions, rng);
  // Default budget 5 per tick; at 2 s into 10 s the share is 0.2: one session.
  assert.equal(balancer.maintain(3000, sessions, rng).length, 1);
  assert.equal(balancer.maintain(12_000, sessions, rng).length, 5, "the whole budget after");
});

Deno.test("slow start is off by default: a recovered backend takes every new session at once", () => {
  const { balancer } = setup([home, far]);
  const backend = balancer.get("127.0.0.1:1");
  assert.ok(backend);
  balancer.dialFailed(backend, "refused", "connection refused", 0);
  balancer.probed(backend, "recovery", { ok: true, latencyMs: 1 }, 1000);
  assert.equal(balancer.acquire(1000)?.backend, backend);
});

Deno.test("slowStartShare() tells status pages how much of its share a ramping backend takes", () => {
  const { balancer } = setup([{ ...home, slowStart: "10s" }, far]);
  const backend = balancer.get("127.0.0.1:1");
  assert.ok(backend);
  assert.equal(balancer.slowStartShare(backend, 0), 1);
  balancer.dialFailed(backend, "refused", "connection refused", 0);
  balancer.probed(backend, "recovery", { ok: true, latencyMs: 1 }, 1000);
  assert.equal(balancer.slowStartShare(backend, 6000), 0.5);
  assert.equal(balancer.slowStartShare(backend, 11_000), 1);
});

/** A health-checked tier whose name answers 127.0.0.1 at the start, then 127.0.0.1 and .2 at 10. */
function joinLater() {
  const checked = {
    name: "home",
    targets: [{ hosts: ["db.test"], port: 1 }],
    healthCheck: { interval: "10s", rise: 2 },
  };
  const config = validateConfig({ frontends: [{ backendPool: { tiers: [checked] } }] });
  const decisions = new DecisionLog();
  const balancer = new Balancer("db", config.frontends[0]!.backendPool, decisions);
  const answers = (...addresses: string[]) => ({
    hosts: new Map([["db.test", addresses]]),
    srv: new Map(),
  });
  balancer.applyAnswers(answers("127.0.0.1"), 0, true);
  const first = balancer.get("127.0.0.1:1");
  assert.equal(first?.isEligible(0), true, "at the start: up (the first look checks them)");
  balancer.applyAnswers(answers("127.0.0.1", "127.0.0.2"), 10);
  const joined = balancer.get("127.0.0.2:1");
  assert.ok(first && joined);
  return { balancer, first, joined, decisions };
}

Deno.test("Balancer: a backend that joins a health-checked tier later takes no session before its first check", () => {
  const { balancer, first, joined } = joinLater();
  assert.equal(joined.isEligible(10), false);
  assert.equal(joined.ineligibility(10), "joined; waiting for its first health check");
  first.leased();
  assert.equal(balancer.acquire(10)?.backend, first, "the joined one is not picked, though idle");
  assert.equal(balancer.probed(joined, "health", { ok: true, latencyMs: 1 }, 20), true);
  assert.equal(joined.isEligible(20), true, "up at its first success, not after `rise`");
});

Deno.test("Balancer: a joined backend whose first check fails stays out until `rise` checks pass", () => {
  const { balancer, joined, decisions } = joinLater();
  const standby = { ok: false as const, kind: "refused" as const, message: "not a primary" };
  assert.equal(balancer.probed(joined, "health", standby, 20), false);
  assert.match(joined.ineligibility(20) ?? "", /^health check failing: refused: not a primary/);
  assert.equal(
    decisions.entries().at(-1)?.reason,
    "failed its first check: refused: not a primary",
    "the decision log says why it stays out",
  );
  assert.equal(balancer.probed(joined, "health", { ok: true, latencyMs: 1 }, 30), false);
  assert.equal(balancer.probed(joined, "health", { ok: true, latencyMs: 1 }, 40), true);
  assert.equal(joined.isEligible(40), true);
});
