/**
 * DNS change: the target is a name served by our test DNS server
 * (`resolver.nameServer`). Its A record moves from 127.0.0.2 to 127.0.0.3:
 * new connections follow within a rebalance period, sessions on the old
 * address are drained and reconnect to the new one.
 * @module
 */

import { pause, runWorkers, stickyClients } from "../clients.ts";
import { countByRegion, formatCounts, settledAfter, startedBetween } from "../figures.ts";
import { type IdentifyServer, startIdentifyServer } from "../identify_server.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import { startTestDnsServer } from "../../src/testing/mod.ts";
import { background, clientsFor, sidecarFor, until } from "./_common.ts";

const NAME = "svc.chaos.test";
const REBALANCE_MS = 500;

/** Two identify servers on the same port of 127.0.0.2 and 127.0.0.3. */
function startPair(): [IdentifyServer, IdentifyServer] {
  for (let attempt = 0;; attempt++) {
    const old = startIdentifyServer("old/127.0.0.2", { hostname: "127.0.0.2" });
    try {
      return [old, startIdentifyServer("new/127.0.0.3", { hostname: "127.0.0.3", port: old.port })];
    } catch (error) {
      void old.close();
      if (attempt > 10) throw error;
    }
  }
}

export const dnsChange: Scenario = {
  name: "dns-change",
  title: `${NAME} moves 127.0.0.2 → 127.0.0.3: new backend used, old one drained`,
  timeoutMs: 40_000,
  async run(context) {
    const dns = await startTestDnsServer();
    context.cleanup.use(dns);
    const [old, next] = startPair();
    context.cleanup.use(old);
    context.cleanup.use(next);
    context.regions(["old", "new"]);
    dns.set(NAME, { A: ["127.0.0.2"] });
    const sidecar = await sidecarFor(
      context,
      chaosConfig(
        [{ name: "svc", targets: [{ hosts: [NAME], port: old.port }] }],
        { rebalanceDuration: `${REBALANCE_MS}ms` },
        { maintenanceTime: "500ms" },
        { resolver: { nameServer: dns.address } },
      ),
    );
    const clients = clientsFor(context, sidecar);
    const sticky = stickyClients(clients, 4);
    context.cleanup.defer(() => sticky.stop());
    const load = background(
      context,
      (signal) => runWorkers(clients, 2, signal, { payloadBytes: 1024, pauseMs: 30 }),
    );
    await until(
      context,
      () => sticky.current.filter((c) => c.record.region === "old").length === 4,
      5_000,
      "sessions on the old address",
    );
    await pause(700, context.signal);
    const changeMs = context.now();
    dns.set(NAME, { A: ["127.0.0.3"] });
    context.mark(`${NAME} → 127.0.0.3`);
    await until(
      context,
      () => sticky.current.every((c) => c.record.region === "new"),
      8_000,
      "held sessions to move to the new address",
    ).catch(() => {});
    const movedMs = context.now() - changeMs;
    await pause(500, context.signal);
    await load.stop();
    await sticky.stop();
    const before = startedBetween(clients.records, 0, changeMs);
    const switched = settledAfter(clients.records, changeMs, ["new"]);
    const drained = sidecar.logs("closing session").filter((l) => l.reason === "drain").length;
    context.figure("before", formatCounts(countByRegion(before)));
    context.figure("new used after ms", switched ?? -1);
    context.figure("held sessions moved within ms", movedMs);
    context.figure("drain closes", drained);
    context.figure(
      "failed connects",
      clients.records.filter((r) => r.end === "connect error").length,
    );
    context.check(
      before.every((r) => r.region === "old"),
      `before: ${formatCounts(countByRegion(before))}`,
    );
    context.check(
      switched !== undefined && switched < REBALANCE_MS * 3,
      `new connections moved after ${switched} ms`,
    );
    context.check(
      sticky.current.every((c) => c.record.region === "new"),
      "held sessions stayed on the old address",
    );
    context.check(drained >= 4, `only ${drained} drain closes`);
    context.check(old.open === 0, `${old.open} connections still open on the old address`);
    context.check(
      clients.records.every((r) => r.end !== "connect error"),
      "a client saw a failed connect",
    );
  },
};
