/**
 * The sidecar as users run it: the real CLI in a subprocess, test backends
 * on 127.0.0.1:0, clients connecting through it.
 */

import assert from "node:assert/strict";
import {
  closeQuietly,
  connectIdentified,
  readAll,
  refusedPort,
  splitAddress,
  startTestServer,
  waitFor,
} from "../src/testing/mod.ts";
import { frontendConfig, startWithConfig, tier } from "./helpers.ts";

Deno.test("fill and spill: tier 0 takes maxBackendConnections each, the overflow goes to tier 1", async () => {
  await using home1 = startTestServer("home1", { greeting: "home1" });
  await using home2 = startTestServer("home2", { greeting: "home2" });
  await using near = startTestServer("near", { greeting: "near" });
  await using far = startTestServer("far", { greeting: "far" });
  const { cli, address } = await startWithConfig(frontendConfig([
    tier([home1.port, home2.port], { maxBackendConnections: 2 }),
    tier([near.port], { maxBackendConnections: 1 }),
    tier([far.port]),
  ]));
  await using _cli = cli;
  const held = [];
  for (let i = 0; i < 6; i++) held.push(await connectIdentified(address));
  try {
    assert.deepEqual(held.map((c) => c.name).sort(), [
      "far",
      "home1",
      "home1",
      "home2",
      "home2",
      "near",
    ]);
    const firstHome = held.findIndex((c) => c.name.startsWith("home"));
    held[firstHome]?.[Symbol.dispose]();
    await waitFor(() => home1.open + home2.open === 3, { message: "the closed session to end" });
    using again = await connectIdentified(address);
    assert.match(again.name, /^home/);
  } finally {
    for (const conn of held) conn[Symbol.dispose]();
  }
});

Deno.test("failover: when tier 0 dies, new clients go to tier 1 without seeing an error", async () => {
  const home = startTestServer("home", { greeting: "home" });
  await using near = startTestServer("near", { greeting: "near" });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([home.port]), tier([near.port])]),
  );
  await using _cli = cli;
  {
    using first = await connectIdentified(address);
    assert.equal(first.name, "home");
  }
  await home.close();
  for (let i = 0; i < 3; i++) {
    using conn = await connectIdentified(address);
    assert.equal(conn.name, "near");
  }
  await cli.waitForOutput(/backend disabled after a failed dial.*kind=refused/);
});

Deno.test("a dead tier 0 at start: clients are served by tier 1", async () => {
  await using near = startTestServer("near", { greeting: "near" });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([refusedPort()], { dialFailureTimeout: "30s" }), tier([near.port])]),
  );
  await using _cli = cli;
  for (let i = 0; i < 3; i++) {
    using conn = await connectIdentified(address);
    assert.equal(conn.name, "near");
  }
  await cli.waitForOutput(/decision kind=disable .*reason="refused: connection refused/);
  // Found dead once (by a probe or a client's dial), then left alone: no client retries it.
  assert.ok([...cli.stderr.matchAll(/backend disabled after a failed dial/g)].length <= 1);
});

Deno.test("64 MiB echoed byte-exact through the sidecar, then a half-close gets the whole reply", async () => {
  await using echo = startTestServer("echo");
  const { cli, address } = await startWithConfig(frontendConfig([tier([echo.port])]));
  await using _cli = cli;
  const conn = await Deno.connect(splitAddress(address));
  try {
    const total = 64 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024);
    let seed = 12345;
    const digest = { sent: 0, received: 0 };
    const writer = (async () => {
      for (let offset = 0; offset < total; offset += chunk.length) {
        for (let i = 0; i < chunk.length; i++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          chunk[i] = seed >>> 24;
          digest.sent = (digest.sent * 31 + (chunk[i] as number)) >>> 0;
        }
        let written = 0;
        while (written < chunk.length) written += await conn.write(chunk.subarray(written));
      }
      await conn.closeWrite();
    })();
    const reader = (async () => {
      const buffer = new Uint8Array(256 * 1024);
      let received = 0;
      while (true) {
        const count = await conn.read(buffer);
        if (count === null) return received;
        for (let i = 0; i < count; i++) {
          digest.received = (digest.received * 31 + (buffer[i] as number)) >>> 0;
        }
        received += count;
      }
    })();
    const [, received] = await Promise.all([writer, reader]);
    assert.equal(received, total);
    assert.equal(digest.received, digest.sent);
  } finally {
    closeQuietly(conn);
  }
});

Deno.test("idleDuration closes a session with no bytes either way", async () => {
  await using echo = startTestServer("echo");
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([echo.port])], { idleDuration: "300ms" }),
  );
  await using _cli = cli;
  const conn = await Deno.connect(splitAddress(address));
  try {
    const started = Date.now();
    await conn.write(new TextEncoder().encode("ping"));
    const reply = new Uint8Array(4);
    assert.equal(await conn.read(reply), 4);
    const rest = await readAll(conn);
    const elapsed = Date.now() - started;
    assert.equal(rest.length, 0);
    assert.ok(elapsed >= 290, `closed after ${elapsed}ms, before the idle limit`);
    await cli.waitForOutput(/session ended.*how=idle/);
  } finally {
    closeQuietly(conn);
  }
});

Deno.test("a client waits for room when every backend is full, and gets it when a session ends", async () => {
  await using home = startTestServer("home", { greeting: "home" });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([home.port], { maxBackendConnections: 1 })], { queueTimeout: "10s" }),
  );
  await using _cli = cli;
  const first = await connectIdentified(address);
  const second = connectIdentified(address);
  second.catch(() => {}); // awaited below; never left dangling if an assertion fails first
  await cli.waitForOutput(
    /decision kind=spill .*reason="no eligible backend: 127\.0\.0\.1:\d+ full 1\/1"/,
  );
  first[Symbol.dispose]();
  using waited = await second;
  assert.equal(waited.name, "home");
});

Deno.test("a client that waits longer than queueTimeout is closed, not left hanging", async () => {
  await using home = startTestServer("home", { greeting: "home" });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([home.port], { maxBackendConnections: 1 })], { queueTimeout: "200ms" }),
  );
  await using _cli = cli;
  using _first = await connectIdentified(address);
  const started = Date.now();
  await assert.rejects(connectIdentified(address), /connection closed before a line/);
  assert.ok(Date.now() - started >= 190);
  await cli.waitForOutput(/session ended.*how="no backend"/);
});

Deno.test("SIGTERM: stop accepting, let open sessions finish, exit 0", async () => {
  await using echo = startTestServer("echo", { greeting: "echo" });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([echo.port])], {}, { gracePeriod: "10s" }),
  );
  await using _cli = cli;
  using open = await connectIdentified(address);
  cli.kill("SIGTERM");
  await waitFor(async () => {
    try {
      const probe = await Deno.connect(splitAddress(address));
      probe.close();
      return false;
    } catch {
      return true;
    }
  }, { message: "the listener to close" });
  await open.conn.write(new TextEncoder().encode("still here"));
  const reply = new Uint8Array(10);
  let got = 0;
  while (got < reply.length) got += (await open.conn.read(reply.subarray(got))) ?? reply.length;
  assert.equal(new TextDecoder().decode(reply), "still here");
  await open.conn.closeWrite();
  assert.equal(await cli.exited(), 0);
  assert.match(cli.stderr, /every session finished/);
});

Deno.test("SIGTERM: sessions still open after gracePeriod are closed, and the exit is 0", async () => {
  await using echo = startTestServer("echo", { greeting: "echo" });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([echo.port])], {}, { gracePeriod: "300ms" }),
  );
  await using _cli = cli;
  using open = await connectIdentified(address);
  cli.kill("SIGTERM");
  assert.equal((await readAll(open.conn)).length, 0);
  assert.equal(await cli.exited(), 0);
  assert.match(cli.stderr, /grace period over: closed sessions/);
  assert.match(cli.stderr, /how=shutdown/);
});

Deno.test("SIGTERM twice: the second signal exits at once with 1, without waiting for gracePeriod", async () => {
  await using echo = startTestServer("echo", { greeting: "echo" });
  const { cli, address } = await startWithConfig(
    frontendConfig([tier([echo.port])], {}, { gracePeriod: "1m" }),
  );
  await using _cli = cli;
  using _open = await connectIdentified(address);
  cli.kill("SIGTERM");
  await cli.waitForOutput(/shutting down/);
  const started = Date.now();
  cli.kill("SIGTERM");
  assert.equal(await cli.exited(), 1);
  assert.ok(Date.now() - started < 10_000, "it did not wait for the 1 minute grace period");
  assert.match(cli.stderr, /second signal during shutdown: exiting now/);
});
