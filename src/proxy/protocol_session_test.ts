/**
 * A Redis protocol session on real node:net sockets with its timers on a
 * fake scheduler: faults pass through as on the tcp path (a backend reset
 * reaches the client as a reset, a client reset resets the backend), a
 * half-closed session ends exactly `halfCloseTimeout` after the first FIN,
 * and the end reason says which.
 */

import assert from "node:assert/strict";
import nodeNet, { type Socket } from "node:net";
import { silentLogger } from "../log/mod.ts";
import { listenTcp, socketDialer } from "../net/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import { FakeScheduler, startSocketServer, waitFor } from "../testing/mod.ts";
import { ProtocolSession } from "./protocol_session.ts";
import { RedisProtocol } from "./redis_session.ts";
import type { LeaseSource } from "./session_lease.ts";

/** One redis session from a real client through to `backendPort`, timers on `scheduler`. */
async function runSession(
  backendPort: number,
  scheduler: FakeScheduler,
  halfCloseTimeoutMs: number,
  nodeClient?: (port: number) => void,
) {
  const accepted = Promise.withResolvers<Socket>();
  const listener = await listenTcp({
    hostname: "127.0.0.1",
    port: 0,
    onConnection: () => assert.fail("not a tcp frontend"),
    onPlainSocket: (socket) => accepted.resolve(socket),
  });
  nodeClient?.(listener.port);
  const client = nodeClient === undefined
    ? await Deno.connect({ hostname: "127.0.0.1", port: listener.port })
    : undefined;
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
  const released: number[] = [];
  const leases: LeaseSource = {
    tryAcquire: () => ({
      backend: spec,
      connected() {},
      failed() {},
      release: () => void released.push(1),
    }),
    acquire: () => Promise.resolve(undefined),
  };
  const protocol = new RedisProtocol("test", silentLogger).session(1);
  const session = new ProtocolSession(1, await accepted.promise, scheduler.now(), protocol);
  const done = Promise.withResolvers<void>();
  session.start({
    frontendName: "test",
    leases,
    dialer: socketDialer(),
    scheduler,
    deadlines: scheduler,
    log: silentLogger,
    queueTimeoutMs: 1_000,
    keepAliveMs: 15_000,
    halfCloseTimeoutMs,
    localFailure: () => {},
  }, done.resolve);
  let ended = false;
  void done.promise.finally(() => (ended = true));
  return {
    client: client as Deno.TcpConn,
    session,
    released,
    running: done.promise,
    ended: () => ended,
    async [Symbol.asyncDispose]() {
      session.close("shutdown");
      await done.promise;
      try {
        client?.close();
      } catch {
        // Closed by the test.
      }
      await listener.close();
    },
  };
}

const PING = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");

Deno.test("protocol session: a backend reset reaches the client as a reset and ends as 'backend reset'", async () => {
  await using backend = await startSocketServer((socket) =>
    socket.once("data", () => socket.write("+PONG\r\n", () => socket.resetAndDestroy()))
  );
  await using run = await runSession(backend.port, new FakeScheduler(), 30_000);
  await run.client.write(PING);
  const buffer = new Uint8Array(16);
  assert.equal(await run.client.read(buffer), 7);
  await assert.rejects(() => run.client.read(buffer), Deno.errors.ConnectionReset);
  await run.running;
  assert.equal(run.session.endReason, "backend reset");
  assert.deepEqual(run.released, [1], "the lease is given back once");
});

Deno.test("protocol session: a client reset resets the backend and ends as 'client reset'", async () => {
  const backendSaw = Promise.withResolvers<string>();
  await using backend = await startSocketServer((socket) => {
    socket.on("error", (error: Error & { code?: string }) => backendSaw.resolve(error.code ?? "?"));
    socket.on("end", () => backendSaw.resolve("eof"));
    socket.once("data", () => socket.write("+PONG\r\n"));
  });
  let client: Socket | undefined;
  await using run = await runSession(backend.port, new FakeScheduler(), 30_000, (port) => {
    client = nodeNet.connect({ host: "127.0.0.1", port });
    client.on("error", () => {});
    client.write(PING);
    client.once("data", () => client?.resetAndDestroy());
  });
  assert.equal(await backendSaw.promise, "ECONNRESET");
  await run.running;
  assert.equal(run.session.endReason, "client reset");
});

Deno.test("protocol session: a half-closed session ends halfCloseTimeout after the first FIN, not before", async () => {
  await using backend = await startSocketServer((socket) =>
    socket.once("data", () => socket.end("+PONG\r\n"))
  );
  const scheduler = new FakeScheduler();
  await using run = await runSession(backend.port, scheduler, 30_000);
  await run.client.write(PING);
  const reply = new Uint8Array(16);
  assert.equal(await run.client.read(reply), 7);
  assert.equal(await run.client.read(reply), null, "the backend's FIN reached the client");
  await waitFor(() => scheduler.pending === 1, { message: "the half-close timer" });
  await scheduler.advance(29_999);
  assert.equal(run.ended(), false, "still open before halfCloseTimeout");
  await scheduler.advance(1);
  await run.running;
  assert.equal(run.session.endReason, "half-close timeout");
});

Deno.test("protocol session: halfCloseTimeout 0 leaves a half-closed session open", async () => {
  await using backend = await startSocketServer((socket) =>
    socket.once("data", () => socket.end("+PONG\r\n"))
  );
  const scheduler = new FakeScheduler();
  await using run = await runSession(backend.port, scheduler, 0);
  await run.client.write(PING);
  const reply = new Uint8Array(16);
  await run.client.read(reply);
  assert.equal(await run.client.read(reply), null);
  await scheduler.advance(24 * 3_600_000);
  assert.equal(run.ended(), false);
});
