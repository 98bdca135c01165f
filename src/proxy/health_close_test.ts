/**
 * `closeSessionsOnFailure` on a fake scheduler, with real sessions: the
 * health check that takes a backend down (the `fall`-th failure) closes
 * that backend's sessions — and only those — at random delays within half
 * a maintenance tick; without the option, none is closed.
 */

import assert from "node:assert/strict";
import { DecisionLog } from "../balancer/mod.ts";
import { validateConfig } from "../config/mod.ts";
import { silentLogger } from "../log/mod.ts";
import { tcpDialer } from "../net/mod.ts";
import { BufferPool } from "./buffer_pool.ts";
import { connectIdentified, FakeScheduler, startTestServer, waitFor } from "../testing/mod.ts";
import type { Dialer } from "./dial.ts";
import { RunningFrontend } from "./frontend.ts";

async function frontendWith(closeSessionsOnFailure: boolean) {
  const a = startTestServer("a", { greeting: "a" });
  const b = startTestServer("b", { greeting: "b" });
  const config = validateConfig({
    frontends: [{
      bindAddress: "127.0.0.1:0",
      backendPool: {
        maintenanceTime: "10s",
        tiers: [{
          healthCheck: { interval: "1s", fall: 2, rise: 1, closeSessionsOnFailure },
          targets: [{ hosts: ["127.0.0.1"], port: a.port }, { hosts: ["127.0.0.1"], port: b.port }],
        }],
      },
    }],
  }).frontends[0];
  assert.ok(config);
  let bFailing = false;
  // Probes only (sessions dial for real): b refuses once the test says so.
  const dialer: Dialer = ({ port }) =>
    port === b.port && bFailing
      ? Promise.reject(new Deno.errors.ConnectionRefused("Connection refused (os error 111)"))
      : Promise.resolve({ setNoDelay() {}, close() {} } as unknown as Deno.TcpConn);
  const scheduler = new FakeScheduler();
  const buffers = new BufferPool({ sizes: [4096] });
  const draws = [0.1, 0.8];
  let next = 0;
  const frontend = await RunningFrontend.start(config, {
    scheduler,
    log: silentLogger,
    resolver: { resolve: (host) => Promise.resolve([host]), resolveSrv: () => Promise.resolve([]) },
    dialer,
    sessionDialer: tcpDialer(),
    buffers,
    decisions: new DecisionLog(),
    rng: () => draws[next++ % draws.length] as number,
    fds: { shouldShed: () => false, exhausted() {} },
  });
  // Four clients: two on each backend (least loaded, then round-robin).
  const clients: Awaited<ReturnType<typeof connectIdentified>>[] = [];
  for (let i = 0; i < 4; i++) clients.push(await connectIdentified(frontend.address));
  const closedAt = new Map<number, number>();
  const reads = clients.map((client, index) =>
    client.conn.read(new Uint8Array(16)).then(
      () => closedAt.set(index, scheduler.now()),
      () => closedAt.set(index, scheduler.now()),
    )
  );
  return {
    scheduler,
    names: clients.map((client) => client.name),
    closedAt,
    failB: () => (bFailing = true),
    async [Symbol.asyncDispose]() {
      for (const client of clients) client[Symbol.dispose]();
      await Promise.all(reads);
      await frontend[Symbol.asyncDispose]();
      await a.close();
      await b.close();
    },
  };
}

Deno.test("a backend taken down by its health check has its sessions closed, smeared over half a maintenance tick", async () => {
  await using run = await frontendWith(true);
  const { scheduler, names, closedAt } = run;
  assert.deepEqual([...names].sort(), ["a", "a", "b", "b"]);
  const onB = names.flatMap((name, index) => name === "b" ? [index] : []);
  const start = scheduler.now();
  run.failB();
  await scheduler.advance(1_000); // first failed check: still up (fall 2)
  await scheduler.advance(1_000); // second: down; closes planned at +500 and +4000 ms
  await scheduler.advance(499);
  assert.equal(closedAt.size, 0, "nothing closed before its smeared delay");
  await scheduler.advance(1);
  await waitFor(() => closedAt.size === 1, { message: "the first close" });
  await scheduler.advance(3_500);
  await waitFor(() => closedAt.size === 2, { message: "the second close" });
  assert.deepEqual([...closedAt.keys()].sort(), onB, "only b's sessions were closed");
  assert.deepEqual([...closedAt.values()].map((at) => at - start).sort((x, y) => x - y), [
    2_500,
    6_000,
  ]);
});

Deno.test("without closeSessionsOnFailure a failed health check closes no session", async () => {
  await using run = await frontendWith(false);
  run.failB();
  await run.scheduler.advance(10_000);
  assert.equal(run.closedAt.size, 0);
});
