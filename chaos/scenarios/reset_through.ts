/**
 * reset-through: a backend that resets its connection (Toxiproxy
 * `reset_peer`) reaches the client as a reset — ECONNRESET, not a clean
 * EOF that would pass a cut-off reply for a complete one — and the sidecar
 * logs the session as `backend reset`.
 * @module
 */

import type { ConnRecord } from "../clients.ts";
import { countBy, formatCounts } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import {
  awaitEndedSessions,
  clientsFor,
  idleSockets,
  regionsFor,
  sidecarFor,
  socketsBackTo,
} from "./_common.ts";

const SESSIONS = 6;
const RESET_AFTER_MS = 300;

export const resetThrough: Scenario = {
  name: "reset-through",
  title: "a backend reset reaches the client as a reset, not as EOF",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "rst", [{ name: "home", nodes: 1, latencyMs: 1 }]);
    const sidecar = await sidecarFor(context, chaosConfig(tiersFromRegions(regions.list)));
    const clients = clientsFor(context, sidecar);
    const baseline = await idleSockets(sidecar);
    const node = regions.get("home").nodes[0] as typeof regions.list[0]["nodes"][0];
    // Toxiproxy resets only connections accepted while a reset_peer exists: it goes on first.
    // Upstream, so the greeting still flows; the client's first bytes start the countdown.
    await context.faults.api.addToxic(node.proxy, {
      name: "rst",
      type: "reset_peer",
      stream: "upstream",
      attributes: { timeout: RESET_AFTER_MS },
    });
    context.mark(`reset_peer ${RESET_AFTER_MS} ms on ${node.id}`);
    const sessions: Promise<ConnRecord>[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      // Echo rounds for up to 4 s: the reset comes in the middle of them.
      sessions.push(
        clients.connection(i, { payloadBytes: 512, rounds: 40, roundGapMs: 100, stallMs: 4_000 }),
      );
    }
    context.cleanup.defer(async () => {
      await Promise.allSettled(sessions);
    });
    const ended = await Promise.all(sessions);
    await context.faults.api.removeToxic(node.proxy, "rst");
    context.mark("reset_peer removed", "heal");
    const seen = countBy(ended, (record) => record.end);
    const logged = await awaitEndedSessions(context, sidecar, SESSIONS, 5_000);
    const how = countBy(logged, (line) => line.how);
    const after = await socketsBackTo(context, sidecar, baseline);
    context.figure("clients saw", formatCounts(seen));
    context.figure("sidecar logged", formatCounts(how));
    context.figure("sockets baseline/after", `${baseline}/${after}`);
    context.check(
      ended.every((r) => r.end === "reset"),
      `every client should see a reset; saw ${formatCounts(seen)}`,
    );
    context.check(
      ended.every((r) => r.greetedMs !== undefined),
      "a session was reset before the backend greeted",
    );
    context.check(
      logged.length === SESSIONS && logged.every((line) => line.how === "backend reset"),
      `the sidecar should log ${SESSIONS} × backend reset; logged ${formatCounts(how)}`,
    );
    context.check(after <= baseline, `sidecar sockets ${after}, baseline ${baseline}`);
  },
};
