/**
 * half-close-timeout: the backend goes away with a FIN (its Toxiproxy
 * proxy is disabled) while clients sit idle and never close their side.
 * Each session is half-closed; the sidecar passes the FIN on, then ends
 * the session `halfCloseTimeout` later instead of holding two sockets and
 * a seat until `idleDuration` (1 h).
 * @module
 */

import { splitAddress } from "../../src/testing/mod.ts";
import { countBy, formatCounts } from "../figures.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig, tiersFromRegions } from "../sidecar.ts";
import {
  awaitEndedSessions,
  idleSockets,
  regionsFor,
  sidecarFor,
  socketsBackTo,
  until,
} from "./_common.ts";

const SESSIONS = 6;
const HALF_CLOSE_TIMEOUT_MS = 1_000;

/** A client that reads the greeting, then waits for EOF without ever closing its side. */
async function lingeringClient(
  address: string,
): Promise<{ conn: Deno.TcpConn; eof: Promise<void> }> {
  const conn = await Deno.connect(splitAddress(address));
  const buffer = new Uint8Array(256);
  let text = "";
  while (!text.includes("\n")) {
    const count = await conn.read(buffer);
    if (count === null) throw new Error("closed before the greeting");
    text += new TextDecoder().decode(buffer.subarray(0, count));
  }
  const eof = (async () => {
    while (await conn.read(buffer) !== null);
  })();
  return { conn, eof };
}

export const halfCloseTimeout: Scenario = {
  name: "half-close-timeout",
  title: "half-closed sessions end after halfCloseTimeout, not after idleDuration",
  timeoutMs: 30_000,
  async run(context) {
    const regions = await regionsFor(context, "hct", [{ name: "home", nodes: 1, latencyMs: 1 }]);
    const sidecar = await sidecarFor(
      context,
      chaosConfig(tiersFromRegions(regions.list), { halfCloseTimeout: HALF_CLOSE_TIMEOUT_MS }),
    );
    const baseline = await idleSockets(sidecar);
    const clients = await Promise.all(
      Array.from({ length: SESSIONS }, () => lingeringClient(sidecar.address)),
    );
    context.cleanup.defer(async () => {
      for (const { conn } of clients) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await Promise.allSettled(clients.map((c) => c.eof));
    });
    const peak = await sidecar.sockets();
    const node = regions.get("home").nodes[0] as typeof regions.list[0]["nodes"][0];
    await regions.setNodeEnabled(node, false);
    const faultMs = context.now();
    context.mark(`${node.id} disabled (FIN to the sidecar)`);
    let finsMs = -1;
    await until(
      context,
      () => Promise.all(clients.map((c) => c.eof)).then(() => (finsMs = context.now() - faultMs)),
      5_000,
      "the FIN at every client",
    ).catch(() => {});
    const logged = await awaitEndedSessions(
      context,
      sidecar,
      SESSIONS,
      HALF_CLOSE_TIMEOUT_MS + 5_000,
    );
    await regions.setNodeEnabled(node, true);
    context.mark(`${node.id} enabled`, "heal");
    const after = await socketsBackTo(context, sidecar, baseline);
    const how = countBy(logged, (line) => line.how);
    const endAfterFault = logged.map((line) => line.endMs - faultMs);
    const lastMs = endAfterFault.length === 0 ? -1 : Math.max(...endAfterFault);
    const firstMs = endAfterFault.length === 0 ? -1 : Math.min(...endAfterFault);
    context.figure("FIN at every client after ms", finsMs);
    context.figure("sidecar logged", formatCounts(how));
    context.figure("sessions ended ms after the fault", `${firstMs}–${lastMs}`);
    context.figure("sockets baseline/peak/after", `${baseline}/${peak}/${after}`);
    context.check(finsMs >= 0, "the backend's FIN did not reach every client");
    context.check(
      logged.length === SESSIONS && logged.every((line) => line.how === "half-close timeout"),
      `the sidecar should log ${SESSIONS} × half-close timeout; logged ${formatCounts(how)}`,
    );
    context.check(
      firstMs >= HALF_CLOSE_TIMEOUT_MS - 100,
      `a session ended ${firstMs} ms after the fault, before halfCloseTimeout`,
    );
    context.check(
      lastMs <= HALF_CLOSE_TIMEOUT_MS + 3_000,
      `the last session ended ${lastMs} ms after the fault`,
    );
    context.check(after <= baseline, `sidecar sockets ${after}, baseline ${baseline}`);
  },
};
