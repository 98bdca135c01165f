/**
 * A session on real sockets with its timers on a fake scheduler: a
 * half-closed session ends exactly `halfCloseTimeout` after the first FIN,
 * and resets are named in its end reason.
 */

import assert from "node:assert/strict";
import { silentLogger } from "../log/mod.ts";
import { listenTcp, type TcpConnection, tcpDialer } from "../net/mod.ts";
import { BufferPool } from "./buffer_pool.ts";
import type { BackendSpec } from "../pool/mod.ts";
import { FakeScheduler, recordingLog, startSocketServer, waitFor } from "../testing/mod.ts";
import { endReasonOf, logSessionEnd, TcpSession } from "./tcp_session.ts";
import type { LeaseSource } from "./session_lease.ts";

/** One session from a real client through to `backendPort`, timers on `scheduler`. */
async function runSession(
  backendPort: number,
  scheduler: FakeScheduler,
  halfCloseTimeoutMs: number,
) {
  const buffers = new BufferPool({ sizes: [4096] });
  const accepted = Promise.withResolvers<TcpConnection>();
  const listener = await listenTcp({
    hostname: "127.0.0.1",
    port: 0,
    onConnection: (connection) => accepted.resolve(connection),
  });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.port });
  const spec: BackendSpec = {
    key: `127.0.0.1:${backendPort}`,
    hostname: "127.0.0.1",
    port: backendPort,
    tier: 0,
    tierName: "home",
    maxConnections: 0,
    dialTimeoutMs: 5_000,
    configDisabled: false,
  };
  const leases: LeaseSource = {
    tryAcquire: () => undefined,
    acquire: () => Promise.resolve({ backend: spec, connected() {}, failed() {}, release() {} }),
  };
  const session = new TcpSession(1, await accepted.promise, scheduler.now());
  const done = Promise.withResolvers<void>();
  session.start({
    frontendName: "test",
    leases,
    dialer: tcpDialer(),
    buffers,
    scheduler,
    deadlines: scheduler,
    log: silentLogger,
    queueTimeoutMs: 1_000,
    keepAliveMs: 15_000,
    halfCloseTimeoutMs,
    localFailure: () => {},
  }, done.resolve);
  const running = done.promise;
  let ended = false;
  void running.finally(() => (ended = true));
  return {
    client,
    session,
    running,
    ended: () => ended,
    async [Symbol.asyncDispose]() {
      session.close("shutdown");
      await running;
      try {
        client.close();
      } catch {
        // Closed by the test.
      }
      await listener.close();
    },
  };
}

Deno.test("a half-closed session ends halfCloseTimeout after the first FIN, not before", async () => {
  // The backend answers and half-closes; the client never finishes its side.
  await using backend = await startSocketServer((socket) => socket.end("bye\n"));
  const scheduler = new FakeScheduler();
  await using run = await runSession(backend.port, scheduler, 30_000);
  const reply = new Uint8Array(16);
  assert.equal(await run.client.read(reply), 4);
  assert.equal(await run.client.read(reply), null, "the backend's FIN reached the client");
  // The half-close timer is armed (the dial's deadline timer is gone by now).
  await waitFor(() => scheduler.pending === 1, { message: "the half-close timer" });
  await scheduler.advance(29_999);
  assert.equal(run.ended(), false, "still open before halfCloseTimeout");
  await scheduler.advance(1);
  await run.running;
  assert.equal(run.session.endReason, "half-close timeout");
});

Deno.test("halfCloseTimeout 0 leaves a half-closed session open", async () => {
  await using backend = await startSocketServer((socket) => socket.end("bye\n"));
  const scheduler = new FakeScheduler();
  await using run = await runSession(backend.port, scheduler, 0);
  const reply = new Uint8Array(16);
  await run.client.read(reply);
  assert.equal(await run.client.read(reply), null);
  await scheduler.advance(24 * 3_600_000);
  assert.equal(run.ended(), false);
  assert.equal(scheduler.pending, 0);
});

Deno.test("a session the backend resets ends as 'backend reset', the client's read failing with a reset", async () => {
  await using backend = await startSocketServer((socket) =>
    socket.write("x", () => socket.resetAndDestroy())
  );
  await using run = await runSession(backend.port, new FakeScheduler(), 30_000);
  const buffer = new Uint8Array(16);
  assert.equal(await run.client.read(buffer), 1);
  await assert.rejects(() => run.client.read(buffer), Deno.errors.ConnectionReset);
  await run.running;
  assert.equal(run.session.endReason, "backend reset");
});

Deno.test("endReasonOf() names the side and how it ended", () => {
  assert.equal(endReasonOf({ first: "client", how: "eof" }), "client close");
  assert.equal(endReasonOf({ first: "backend", how: "reset" }), "backend reset");
  assert.equal(endReasonOf({ first: "backend", how: "timeout" }), "backend timeout");
  assert.equal(endReasonOf({ first: "client", how: "error", error: "EINVAL" }), "error");
  assert.equal(endReasonOf(undefined), "error");
});

Deno.test("the access-log line is built only when info lines are written", () => {
  const session = {
    id: 7,
    clientAddress: "127.0.0.1:5000",
    bytesUp: 3,
    bytesDown: 4,
    startedAt: 0,
    endReason: "client close" as const,
  };
  const scheduler = new FakeScheduler();
  const written = recordingLog();
  logSessionEnd({ log: written, frontendName: "f", scheduler }, session, undefined);
  assert.equal(written.lines[0]?.[1], "session ended");
  assert.equal(written.lines[0]?.[2]?.client, "127.0.0.1:5000");
  const quiet = recordingLog();
  const dropping = { ...quiet, enabled: () => false };
  logSessionEnd({ log: dropping, frontendName: "f", scheduler }, session, undefined);
  assert.deepEqual(quiet.lines, []);
});
