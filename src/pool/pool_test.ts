import assert from "node:assert/strict";
import type { BackendSpec } from "./backend.ts";
import { Pool } from "./pool.ts";

function spec(port: number, tier: number, maxConnections = 0, configDisabled = false): BackendSpec {
  return {
    key: `127.0.0.1:${port}`,
    hostname: "127.0.0.1",
    port,
    tier,
    tierName: `tier-${tier}`,
    maxConnections,
    dialTimeoutMs: 1000,
    configDisabled,
  };
}

function ports(pool: Pool, count: number, now = 0): number[] {
  return Array.from({ length: count }, () => pool.acquire(now)?.backend.spec.port ?? -1);
}

Deno.test("acquire() prefers tier 0 and spreads load over its backends", () => {
  const pool = new Pool();
  pool.apply([spec(2, 1), spec(1, 0), spec(3, 0)]);
  assert.deepEqual(ports(pool, 4).sort(), [1, 1, 3, 3]);
});

Deno.test("acquire() spills to tier 1 when tier 0 is full, and nowhere else", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0, 2), spec(2, 1, 1), spec(3, 2)]);
  assert.deepEqual(ports(pool, 5), [1, 1, 2, 3, 3]);
});

Deno.test("acquire() returns undefined when every backend is full or disabled", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0, 1), spec(2, 0, 0, true)]);
  assert.equal(pool.acquire(0)?.backend.spec.port, 1);
  assert.equal(pool.acquire(0), undefined);
});

Deno.test("acquire() round-robins among backends of equal tier and load", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0), spec(2, 0), spec(3, 0)]);
  const seen = new Set<number>();
  for (let i = 0; i < 3; i++) {
    const lease = pool.acquire(0);
    seen.add(lease?.backend.spec.port ?? -1);
    lease?.release();
  }
  assert.deepEqual([...seen].sort(), [1, 2, 3]);
});

Deno.test("a disabled backend takes no sessions until its time is up and a probe succeeds", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0), spec(2, 1)]);
  const home = pool.get("127.0.0.1:1");
  assert.ok(home);
  pool.disable(home, "refused", "connection refused", 1000, 500);
  assert.equal(pool.acquire(1000)?.backend.spec.port, 2);
  assert.equal(home.ineligibility(1200), "disabled until 00:00:01: connection refused ×1");
  assert.equal(pool.acquire(1500)?.backend.spec.port, 2);
  assert.equal(home.ineligibility(1500), "waiting for a successful probe: connection refused ×1");
  pool.recovered(home);
  assert.equal(pool.acquire(1500)?.backend.spec.port, 1);
  assert.equal(home.consecutiveFailures, 0);
});

Deno.test("acquire() prefers the nearer latency sub-tier within a tier, tier order first", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0), spec(2, 0), spec(3, 1)]);
  const slow = pool.get("127.0.0.1:1");
  assert.ok(slow);
  slow.moveToSubTier(1);
  assert.deepEqual(ports(pool, 3), [2, 2, 2]);
  const near = pool.get("127.0.0.1:2");
  assert.ok(near);
  pool.disable(near, "timeout", "no answer", 0, 10);
  assert.equal(pool.acquire(0)?.backend.spec.port, 1, "a slower sub-tier still beats tier 1");
});

Deno.test("a lease holds one unit of load and gives it back exactly once", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0, 1)]);
  const released: string[] = [];
  pool.onRelease((backend) => released.push(backend.key));
  const lease = pool.acquire(0);
  assert.ok(lease);
  assert.equal(lease.backend.load, 1);
  lease.release();
  lease[Symbol.dispose]();
  assert.equal(lease.backend.load, 0);
  assert.deepEqual(released, ["127.0.0.1:1"]);
  {
    using held = pool.acquire(0);
    assert.equal(held?.backend.load, 1);
  }
  assert.equal(pool.get("127.0.0.1:1")?.load, 0);
});

Deno.test("apply() keeps unchanged backends with their load and returns removed ones", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0), spec(2, 0)]);
  const lease = pool.acquire(0);
  assert.ok(lease);
  const kept = lease.backend;
  const other = kept.spec.port === 1 ? 2 : 1;
  const diff = pool.apply([spec(kept.spec.port, 0, 5), spec(9, 1)]);
  assert.deepEqual(diff.added.map((b) => b.spec.port), [9]);
  assert.deepEqual(diff.removed.map((b) => b.spec.port), [other]);
  assert.deepEqual(diff.updated, [kept]);
  assert.equal(pool.get(kept.key), kept);
  assert.equal(kept.load, 1);
  assert.equal(kept.spec.maxConnections, 5);
});

Deno.test("apply() retires a removed backend with sessions until they end, and revives it if it returns", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0)]);
  const lease = pool.acquire(0);
  assert.ok(lease);
  pool.apply([spec(2, 0)]);
  assert.deepEqual(pool.retired, [lease.backend]);
  assert.equal(pool.acquire(0)?.backend.spec.port, 2, "a retired backend takes no new sessions");
  pool.apply([spec(1, 0), spec(2, 0)]);
  assert.equal(pool.get("127.0.0.1:1"), lease.backend, "revived with its load");
  assert.deepEqual(pool.retired, []);
  pool.apply([spec(2, 0)]);
  lease.release();
  pool.pruneRetired();
  assert.deepEqual(pool.retired, []);
});

Deno.test("isEligible() agrees with ineligibility() in every state", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0, 1), spec(2, 0, 0, true)]);
  const [full, disabledInConfig] = pool.backends;
  assert.ok(full && disabledInConfig);
  const agree = (now: number) => {
    for (const backend of pool.backends) {
      assert.equal(backend.isEligible(now), backend.ineligibility(now) === undefined, backend.key);
    }
  };
  agree(0);
  const lease = pool.acquire(0);
  agree(0);
  lease?.release();
  pool.disable(full, "refused", "connection refused", 0, 100);
  agree(50);
  agree(100);
  pool.recovered(full);
  full.attachHealth({ status: "down", lastResult: "timeout" });
  agree(200);
});

Deno.test("acquire() with admit: a declined pick goes to the next best; all declined, the first", () => {
  const pool = new Pool();
  pool.apply([spec(1, 0), spec(2, 1), spec(3, 2)]);
  const port = (admit: (port: number) => boolean) =>
    pool.acquire(0, (backend) => admit(backend.spec.port))?.backend.spec.port;
  assert.equal(port(() => true), 1);
  assert.equal(port((p) => p !== 1), 2, "tier 0 declined: tier 1");
  assert.equal(port((p) => p === 3), 3, "both better ones declined: tier 2");
  assert.equal(port(() => false), 1, "never refused: the first choice");
});
