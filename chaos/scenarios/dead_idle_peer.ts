/**
 * dead-idle-peer: the backend vanishes silently — no FIN, no RST, its
 * packets simply go nowhere — while the client sits idle. TCP keepalive
 * finds it: the session ends as `backend timeout` within keepAlive +
 * probes × interval, the client gets a reset, and the seat is freed.
 *
 * A silent vanish needs the kernel to drop packets, so the scenario runs
 * itself again inside a private network namespace (see `../netns.ts`),
 * against the same kind of Toxiproxy server. There the backend's proxy
 * listens on 127.0.0.2, and a blackhole route for that address makes the
 * sidecar's keepalive probes go unanswered. The namespace's keepalive
 * interval and count are set to 1 s × 3 (they are the host's sysctls; Deno
 * sets only the idle time), and the sidecar's `keepAlive` to 1 s.
 * @module
 */

import type { ConnRecord } from "../clients.ts";
import { startIdentifyServer } from "../identify_server.ts";
import {
  blackholeAddress,
  insidePrivateNetns,
  runChaosInPrivateNetns,
  setKeepaliveProbes,
} from "../netns.ts";
import type { Scenario, ScenarioContext } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import {
  clientsFor,
  endedSessions,
  idleSockets,
  sidecarFor,
  socketsBackTo,
  until,
} from "./_common.ts";

const NAME = "dead-idle-peer";
const VANISHING = "127.0.0.2";
const KEEPALIVE_S = 1;
const PROBE_INTERVAL_S = 1;
const PROBES = 3;
/** keepAlive + probes × interval: when the kernel gives up on the dead peer. */
const DETECT_MS = (KEEPALIVE_S + PROBES * PROBE_INTERVAL_S) * 1000;

export const deadIdlePeer: Scenario = {
  name: NAME,
  title: "a backend that vanishes silently is found by keepalive; its seat is freed",
  timeoutMs: 60_000,
  async run(context) {
    if (insidePrivateNetns()) await vanish(context);
    else await runInside(context);
  },
};

/** Runs this scenario inside a private network namespace and reports what it found. */
async function runInside(context: ScenarioContext): Promise<void> {
  const kind = context.faults.kind;
  const args = ["--only", NAME, ...(kind.startsWith("real ") ? ["--real-toxiproxy"] : [])];
  let run;
  try {
    run = await runChaosInPrivateNetns(args, context.signal);
  } catch (error) {
    context.check(false, `cannot start a private network namespace: ${(error as Error).message}`);
    return;
  }
  const row = run.stdout.split("\n").find((line) => line.startsWith(`${NAME} `)) ?? "";
  const figures = row.replace(/^\S+\s+\S+\s+\S+\s+/, "");
  context.figure("inside a private netns", `${kind.split(" ")[0]} toxiproxy: ${figures}`);
  context.check(
    run.code === 0 && / pass /.test(row),
    row === ""
      ? `inside the private network namespace (exit ${run.code}): ${
        run.stderr.trim().split("\n").slice(-3).join(" | ")
      }`
      : `failed inside the private network namespace (exit ${run.code}); see its figures`,
  );
}

/** The scenario itself, inside the namespace. */
async function vanish(context: ScenarioContext): Promise<void> {
  await setKeepaliveProbes(PROBE_INTERVAL_S, PROBES);
  const server = startIdentifyServer("home/node-1");
  context.cleanup.defer(() => server.close());
  const api = context.faults.api;
  const proxy = await api.createProxy("dip-home", `${VANISHING}:0`, `127.0.0.1:${server.port}`);
  context.cleanup.defer(() => api.deleteProxy("dip-home"));
  const port = Number(proxy.listen.slice(proxy.listen.lastIndexOf(":") + 1));
  context.regions(["home"]);
  const sidecar = await sidecarFor(
    context,
    chaosConfig([{ name: "home", targets: [{ hosts: [VANISHING], port }] }], {
      keepAlive: `${KEEPALIVE_S}s`,
    }),
  );
  const clients = clientsFor(context, sidecar);
  const baseline = await idleSockets(sidecar);
  const held = clients.hold(0);
  context.cleanup.defer(async () => {
    held.release();
    await held.done;
  });
  await until(context, () => held.record.greetedMs !== undefined, 5_000, "the session greeted");
  const peak = await sidecar.sockets();
  const heal = await blackholeAddress(VANISHING);
  context.cleanup.defer(heal);
  const faultMs = context.now();
  context.mark(`${VANISHING} blackholed: the backend vanishes silently`);
  await until(
    context,
    () => held.record.endMs !== 0,
    DETECT_MS + 5_000,
    "the client's connection to end",
  ).catch(() => {});
  const record: ConnRecord = held.record;
  let ended: ReturnType<typeof endedSessions>[number] | undefined;
  await until(
    context,
    () => (ended = endedSessions(context, sidecar)[0]),
    DETECT_MS + 5_000,
    "the sidecar to end the session",
  ).catch(() => {});
  const after = await socketsBackTo(context, sidecar, baseline);
  const endedAfterMs = ended === undefined ? -1 : ended.endMs - faultMs;
  context.figure("sidecar logged", ended?.how ?? "nothing");
  context.figure("ended ms after the vanish", endedAfterMs);
  context.figure("client saw", record.endMs === 0 ? "nothing (still open)" : record.end);
  context.figure("sockets baseline/peak/after", `${baseline}/${peak}/${after}`);
  context.check(
    ended?.how === "backend timeout",
    `the sidecar should end the session as backend timeout; logged ${ended?.how ?? "nothing"}`,
  );
  context.check(
    endedAfterMs >= DETECT_MS - 500 && endedAfterMs <= DETECT_MS + 3_000,
    `the session ended ${endedAfterMs} ms after the vanish; keepalive finds it at ${DETECT_MS} ms`,
  );
  context.check(
    record.endMs !== 0 && record.end === "reset",
    `the client should see a reset; saw ${record.endMs === 0 ? "nothing" : record.end}`,
  );
  context.check(
    after <= baseline,
    `sidecar sockets ${after}, baseline ${baseline}: seat not freed`,
  );
}
