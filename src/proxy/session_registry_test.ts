import assert from "node:assert/strict";
import { silentLogger } from "../log/mod.ts";
import { FakeScheduler } from "../testing/mod.ts";
import { FrontendStats } from "./frontend_stats.ts";
import type { EndReason } from "./end_reason.ts";
import { SessionRegistry, type TrackedSession } from "./session_registry.ts";

/** A session stand-in whose run ends when it is closed: all the registry sees of one. */
class FakeSession implements TrackedSession {
  readonly backend = undefined;
  readonly connected = true;
  readonly up = { bytes: 0 };
  endReason: EndReason | undefined;
  #onClose: (() => void) | undefined;

  constructor(readonly id: number, readonly startedAt: number) {}

  get activity(): number {
    return this.up.bytes;
  }
  get bytesUp(): number {
    return this.up.bytes;
  }
  get bytesDown(): number {
    return 0;
  }
  close(reason: EndReason): void {
    this.endReason ??= reason;
    this.#onClose?.();
  }
  run(ended: () => void): void {
    this.#onClose = ended;
  }
}

/** A registry of frontend "db" sweeping for sessions idle `idleMs`. */
function registryOn(scheduler: FakeScheduler, idleMs: number, stats = new FrontendStats()) {
  const registry = new SessionRegistry({ scheduler, log: silentLogger, stats });
  registry.configure("db", idleMs);
  return registry;
}

/** Tracks a session whose run ends when it is closed. */
function trackIdle(registry: SessionRegistry, id: number, now: number) {
  const session = new FakeSession(id, now);
  const client = {
    get closed() {
      return session.endReason !== undefined;
    },
  };
  registry.track(session, (s, ended) => s.run(ended));
  return { session, client };
}

Deno.test("idle sweep: a session with no traffic for idleDuration is closed, within a quarter of it", async () => {
  const scheduler = new FakeScheduler();
  const stats = new FrontendStats();
  using registry = registryOn(scheduler, 4_000, stats);
  const { session, client } = trackIdle(registry, 1, scheduler.now());
  await scheduler.advance(3_999);
  assert.equal(client.closed, false, "not idle long enough yet");
  await scheduler.advance(1_001);
  assert.equal(client.closed, true, "closed by idleDuration plus one sweep (a quarter of it)");
  assert.equal(session.endReason, "idle");
  await registry.done();
  assert.equal(registry.size, 0);
  assert.equal(stats.snapshot().endings.get("idle"), 1);
});

Deno.test("idle sweep: traffic restarts the idle clock", async () => {
  const scheduler = new FakeScheduler();
  using registry = registryOn(scheduler, 4_000);
  const { session, client } = trackIdle(registry, 1, scheduler.now());
  await scheduler.advance(3_000);
  session.up.bytes += 10;
  await scheduler.advance(3_000);
  assert.equal(client.closed, false, "active 3 s ago: not idle");
  await scheduler.advance(2_000);
  assert.equal(client.closed, true, "idle for 4 s since its last bytes");
  await registry.done();
});

Deno.test("closeLater: a drain closes its session after the smear delay, not before", async () => {
  const scheduler = new FakeScheduler();
  using registry = registryOn(scheduler, 3_600_000);
  const { session, client } = trackIdle(registry, 7, scheduler.now());
  registry.closeLater({ sessionId: 7, reason: "drain", delayMs: 250, why: "backend removed" });
  assert.deepEqual(registry.views(scheduler.now()), [], "a closing session is not offered again");
  await scheduler.advance(249);
  assert.equal(client.closed, false);
  await scheduler.advance(1);
  assert.equal(session.endReason, "drain");
  await registry.done();
});

Deno.test("movesInFlight: a failback close holds its seat until a window after the session ended; a drain holds none", async () => {
  const scheduler = new FakeScheduler();
  using registry = registryOn(scheduler, 3_600_000);
  trackIdle(registry, 1, scheduler.now());
  trackIdle(registry, 2, scheduler.now());
  registry.closeLater({ sessionId: 1, reason: "failback", delayMs: 300, why: "home has room" });
  registry.closeLater({ sessionId: 2, reason: "drain", delayMs: 300, why: "backend removed" });
  assert.equal(registry.movesInFlight(scheduler.now(), 1_000), 1, "decided, not yet closed");
  await scheduler.advance(300);
  assert.equal(registry.size, 0);
  await scheduler.advance(999);
  assert.equal(registry.movesInFlight(scheduler.now(), 1_000), 1, "its client may be reconnecting");
  await scheduler.advance(1);
  assert.equal(registry.movesInFlight(scheduler.now(), 1_000), 0);
  await registry.done();
});
