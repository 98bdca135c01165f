/**
 * reset_peer and timeout toxics mid-session: every session through a toxic
 * node ends, the sidecar's open sockets return to their baseline, and the
 * sidecar keeps serving.
 * @module
 */

import type { ConnRecord } from "../clients.ts";
import { countByNode, formatCounts } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import {
  clientsFor,
  endedSessions,
  idleSockets,
  regionsFor,
  sidecarFor,
  socketsBackTo,
  until,
} from "./_common.ts";

const SESSIONS = 8;
const RESET_AFTER_MS = 1_000;

export const resetTimeout: Scenario = {
  name: "reset-timeout",
  title: "reset_peer and timeout toxics mid-session: sessions end, no socket leak",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "reset", [{ name: "home", nodes: 2, latencyMs: 1 }]);
    const sidecar = await sidecarFor(context, chaosConfig(tiersFromRegions(regions.list)));
    const clients = clientsFor(context, sidecar);
    const baseline = await idleSockets(sidecar);
    const [resetNode, timeoutNode] = regions.get("home").nodes as [
      typeof regions.list[0]["nodes"][0],
      typeof regions.list[0]["nodes"][0],
    ];
    // Toxiproxy resets (SO_LINGER 0) only connections accepted while a reset_peer exists, so it
    // goes on first: sessions through that node are reset RESET_AFTER_MS after they send.
    await context.faults.api.addToxic(resetNode.proxy, {
      name: "rst",
      type: "reset_peer",
      // Upstream, so the greeting still flows; the first bytes sent start the countdown.
      stream: "upstream",
      attributes: { timeout: RESET_AFTER_MS },
    });
    context.mark(`reset_peer ${RESET_AFTER_MS} ms on ${resetNode.id}`);
    // Long sessions: an echo round every 100 ms for up to 8 s.
    const sessions: Promise<ConnRecord>[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      sessions.push(
        clients.connection(i, { payloadBytes: 1024, rounds: 80, roundGapMs: 100, stallMs: 4_000 }),
      );
    }
    context.cleanup.defer(async () => {
      await Promise.allSettled(sessions);
    });
    await until(
      context,
      () => clients.records.filter((r) => r.greetedMs !== undefined).length === SESSIONS,
      5_000,
      "sessions greeted",
    );
    const peak = await sidecar.sockets();
    await context.faults.api.addToxic(timeoutNode.proxy, {
      name: "hang",
      type: "timeout",
      stream: "downstream",
      attributes: { timeout: 500 },
    });
    context.mark(`timeout 500 ms on ${timeoutNode.id}`);
    const faultMs = context.now();
    const ended = await Promise.all(sessions);
    const endedBy = new Map<string, number>();
    for (const record of ended) {
      endedBy.set(
        `${record.node}: ${record.end}`,
        (endedBy.get(`${record.node}: ${record.end}`) ?? 0) + 1,
      );
    }
    const lastEndMs = Math.max(...ended.map((r) => r.endMs)) - faultMs;
    await context.faults.api.removeToxic(resetNode.proxy, "rst");
    await context.faults.api.removeToxic(timeoutNode.proxy, "hang");
    context.mark("toxics removed", "heal");
    const after = await socketsBackTo(context, sidecar, baseline);
    context.check(after <= baseline, `sidecar sockets ${after}, baseline ${baseline}`);
    const check = await clients.connection(99, { payloadBytes: 4096 });
    context.figure("sessions", formatCounts(countByNode(ended)));
    context.figure("ended", formatCounts(endedBy));
    const how = new Map<string, number>();
    const nodeOf = new Map(regions.get("home").nodes.map((n) => [`${n.host}:${n.port}`, n.id]));
    let resetSeen = 0;
    for (const line of endedSessions(context, sidecar)) {
      const node = nodeOf.get(line.backend) ?? line.backend;
      if (node === resetNode.id && line.how === "backend reset") resetSeen++;
      how.set(`${node}: ${line.how}`, (how.get(`${node}: ${line.how}`) ?? 0) + 1);
    }
    context.figure("sidecar saw", formatCounts(how));
    context.figure("all ended within ms", lastEndMs);
    context.figure("sockets baseline/peak/after", `${baseline}/${peak}/${after}`);
    context.figure("sidecar alive", sidecar.running && check.intact === true ? "yes" : "no");
    context.check(ended.every((r) => r.end !== "client close"), "a session outlived its toxic");
    context.check(ended.every((r) => r.end !== "stalled"), "a session stalled instead of ending");
    context.check(lastEndMs < 3_000, `sessions took ${lastEndMs} ms to end`);
    context.check(
      peak >= baseline + SESSIONS * 2,
      `peak sockets ${peak} < baseline ${baseline} + ${SESSIONS * 2}`,
    );
    const onResetNode = ended.filter((r) => r.node === resetNode.id).length;
    context.check(
      resetSeen >= onResetNode,
      `the sidecar saw ${resetSeen} resets for ${onResetNode} sessions on ${resetNode.id}`,
    );
    context.check(sidecar.running, "the sidecar exited");
    context.check(
      check.intact === true,
      `a new connection afterwards failed: ${check.end} ${check.error ?? ""}`,
    );
  },
};
