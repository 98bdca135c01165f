/**
 * reload under load: the config file is edited twice while long sessions
 * and new clients run. Edit 1 drops the far tier and changes near's limit:
 * no home session is touched. Edit 2 removes home/node-2: only its sessions
 * are drained; home/node-1's finish intact.
 * @module
 */

import { type ConnRecord, runWorkers } from "../clients.ts";
import { connectErrors, countByNode, formatCounts } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import { background, clientsFor, logTimeMs, regionsFor, sidecarFor, until } from "./_common.ts";

const SESSIONS = 6;

export const reloadUnderLoad: Scenario = {
  name: "reload",
  title: "config edited under load: untouched sessions survive, removed node drains",
  timeoutMs: 40_000,
  async run(context) {
    const regions = await regionsFor(context, "reload");
    const all = regions.list;
    const pool = { maintenanceTime: "500ms" };
    const sidecar = await sidecarFor(
      context,
      chaosConfig(tiersFromRegions(all), {}, pool),
      { reloadPeriod: "500ms" },
    );
    const clients = clientsFor(context, sidecar);
    const sessions: Promise<ConnRecord>[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      sessions.push(
        clients.connection(100 + i, {
          payloadBytes: 512,
          rounds: 60,
          roundGapMs: 100,
          stallMs: 3_000,
        }),
      );
    }
    context.cleanup.defer(async () => {
      await Promise.allSettled(sessions);
    });
    await until(
      context,
      () => clients.records.filter((r) => r.greetedMs !== undefined).length >= SESSIONS,
      5_000,
      "sessions greeted",
    );
    const longIds = new Set(clients.records.map((r) => r.id));
    const load = background(
      context,
      (signal) => runWorkers(clients, 2, signal, { payloadBytes: 1024, pauseMs: 40 }),
    );
    const reloaded = () => sidecar.logs("config reloaded").length;
    // Edit 1: far removed, near limited; home untouched.
    const [home, near] = all as [typeof all[0], typeof all[0]];
    await sidecar.writeConfig(chaosConfig(
      tiersFromRegions(
        [home, near],
        (region) => region.name === "near" ? { maxBackendConnections: 5 } : {},
      ),
      {},
      pool,
    ));
    context.mark("edit 1: far removed, near max 5");
    await until(context, () => reloaded() >= 1, 5_000, "first reload");
    context.mark("reloaded", "event", logTimeMs(context, sidecar.logs("config reloaded")[0]!));
    await until(
      context,
      () => context.now() > 0 && sidecar.logs("session ended").length > 10,
      5_000,
      "some traffic after the reload",
    );
    // Edit 2: home/node-2 removed.
    const removed = home.nodes[1]!;
    const kept = { ...home, nodes: [home.nodes[0]!] };
    await sidecar.writeConfig(chaosConfig(tiersFromRegions([kept, near]), {}, pool));
    context.mark(`edit 2: ${removed.id} removed`);
    const edit2Ms = context.now();
    await until(context, () => reloaded() >= 2, 5_000, "second reload");
    // Drain and routing count from when the second config is live (its log line): parsing runs
    // in a Worker and may take a while after the edit on a busy machine.
    const liveMs = logTimeMs(context, sidecar.logs("config reloaded")[1]!);
    context.mark("reloaded", "event", liveMs);
    const long = await Promise.all(sessions);
    await load.stop();
    const onRemoved = long.filter((r) => r.node === removed.id);
    const onKept = long.filter((r) => r.node !== removed.id);
    const drainedMs = onRemoved.length === 0
      ? -1
      : Math.max(...onRemoved.map((r) => r.endMs)) - liveMs;
    const short = clients.records.filter((r) => !longIds.has(r.id));
    const drainLines = sidecar.logs("closing session").filter((l) => l.reason === "drain").length;
    const triggers = sidecar.logs("config reloaded").map((l) => l.trigger).join(",");
    // Closed by the sidecar either way: a client that writes its next round in the instant
    // after the drain's FIN gets the kernel's reset for that write instead of the EOF.
    const closedBySidecar = (r: ConnRecord) => r.end === "server close" || r.end === "reset";
    context.figure("reloads", `${reloaded()} (${triggers})`);
    context.figure("long sessions", formatCounts(countByNode(long)));
    context.figure("kept intact", `${onKept.filter((r) => r.intact).length}/${onKept.length}`);
    context.figure(
      "drained",
      `${onRemoved.filter(closedBySidecar).length}/${onRemoved.length}`,
    );
    context.figure("drained within ms", drainedMs);
    context.figure("drain closes logged", drainLines);
    context.figure("new clients", `${short.length}, connect errors ${connectErrors(short).length}`);
    context.check(reloaded() === 2, `${reloaded()} reloads`);
    context.check(
      onKept.length > 0 && onKept.every((r) => r.end === "client close" && r.intact),
      `an untouched session was dropped: ${
        onKept.filter((r) => r.end !== "client close").map((r) => `${r.node} ${r.end}`).join(", ")
      }`,
    );
    context.check(
      onRemoved.length > 0 && onRemoved.every(closedBySidecar),
      `sessions on ${removed.id}: ${onRemoved.map((r) => r.end).join(", ")}`,
    );
    context.check(drainedMs < 3_000, `drain took ${drainedMs} ms`);
    context.check(
      connectErrors(short).length === 0,
      "a new client saw a failed connect during the reloads",
    );
    const misplaced = short.filter((r) =>
      r.startMs > liveMs + 50 && (r.node === removed.id || r.region !== "home")
    );
    context.figure("second config live after edit ms", liveMs - edit2Ms);
    context.check(
      misplaced.length === 0,
      `a new client went to the removed node or left home: ${formatCounts(countByNode(misplaced))}`,
    );
  },
};
