/**
 * redis-reset-through: reset-through for a `protocol: redis` frontend. A
 * real redis-server behind Toxiproxy with `reset_peer`: each client,
 * sending PINGs through the sidecar, sees the backend's reset as a reset
 * (ECONNRESET) rather than a clean close, and the sidecar logs
 * `backend reset` for each session.
 * @module
 */

import { pause } from "../clients.ts";
import { countBy, formatCounts } from "../figures.ts";
import { freePort, redisAvailable, redisServer } from "../redis.ts";
import type { Scenario } from "../scenario.ts";
import { chaosConfig } from "../sidecar.ts";
import { encodeCommand } from "../../src/protocol/mod.ts";
import { splitAddress } from "../../src/testing/mod.ts";
import { awaitEndedSessions, sidecarFor } from "./_common.ts";

const SESSIONS = 4;
const RESET_AFTER_MS = 300;

/** PINGs every 50 ms for up to 4 s; how the connection ended. */
async function pinger(address: string): Promise<"reset" | "eof" | "open" | "error"> {
  const conn = await Deno.connect(splitAddress(address));
  const ping = encodeCommand(["PING"]);
  const buffer = new Uint8Array(64);
  try {
    for (let i = 0; i < 80; i++) {
      await conn.write(ping);
      if (await conn.read(buffer) === null) return "eof";
      await pause(50);
    }
    return "open";
  } catch (error) {
    return error instanceof Deno.errors.ConnectionReset ? "reset" : "error";
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

export const redisResetThrough: Scenario = {
  name: "redis-reset-through",
  title: "protocol redis: a backend reset reaches the client as a reset, not as EOF",
  timeoutMs: 30_000,
  async run(context) {
    if (!await redisAvailable()) {
      context.check(false, "redis-server not installed: run chaos/install.sh");
      return;
    }
    const redis = redisServer(freePort(), context.dir);
    context.cleanup.use(redis);
    await redis.start();
    const api = context.faults.api;
    const proxy = "redis-rst";
    const info = await api.createProxy(proxy, "127.0.0.1:0", `127.0.0.1:${redis.port}`);
    context.cleanup.defer(() => api.deleteProxy(proxy));
    context.regions(["home"]);
    const port = Number(info.listen.slice(info.listen.lastIndexOf(":") + 1));
    const sidecar = await sidecarFor(
      context,
      chaosConfig([{ name: "home", targets: [{ hosts: ["127.0.0.1"], port }] }], {
        protocol: "redis",
      }),
    );
    // Toxiproxy resets only connections accepted while a reset_peer exists: it goes on first.
    await api.addToxic(proxy, {
      name: "rst",
      type: "reset_peer",
      stream: "upstream",
      attributes: { timeout: RESET_AFTER_MS },
    });
    context.mark(`reset_peer ${RESET_AFTER_MS} ms on redis`);
    const ends = await Promise.all(
      Array.from({ length: SESSIONS }, () => pinger(sidecar.address)),
    );
    await api.removeToxic(proxy, "rst");
    context.mark("reset_peer removed", "heal");
    const seen = countBy(ends, (end) => end);
    const logged = await awaitEndedSessions(context, sidecar, SESSIONS, 5_000);
    const how = countBy(logged, (line) => line.how);
    context.figure("clients saw", formatCounts(seen));
    context.figure("sidecar logged", formatCounts(how));
    context.check(
      ends.every((end) => end === "reset"),
      `every client should see a reset; saw ${formatCounts(seen)}`,
    );
    context.check(
      logged.length === SESSIONS && logged.every((line) => line.how === "backend reset"),
      `the sidecar should log ${SESSIONS} × backend reset; logged ${formatCounts(how)}`,
    );
  },
};
