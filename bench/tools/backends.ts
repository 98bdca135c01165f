/**
 * The backends the load generators talk to: redis-server (round trips,
 * new connections, idle connections) and an iperf3 server (the stream).
 * @module
 */

import { type Child, type Children, freePort } from "../process.ts";
import { iperf3ServerArgs } from "./iperf3.ts";
import { redisServerArgs } from "../../src/testing/mod.ts";

export { redisServerArgs };

/** A backend process and its port on 127.0.0.1. */
export interface RunningBackend {
  readonly child: Child;
  readonly port: number;
}

/** Starts redis-server and waits until it says it is ready. */
export async function startRedis(children: Children): Promise<RunningBackend> {
  const port = freePort();
  const child = children.spawn(
    "redis-server",
    "redis-server",
    redisServerArgs(port, { logLevel: "notice" }),
  );
  await child.waitForOutput(/Ready to accept connections/, 1, 15_000);
  return { child, port };
}

/** Starts an iperf3 server and waits until it listens. */
export async function startIperf3Server(children: Children): Promise<RunningBackend> {
  const port = freePort();
  const child = children.spawn("iperf3 -s", "iperf3", iperf3ServerArgs(port));
  await child.waitForOutput(/Server listening on/, 1, 15_000);
  return { child, port };
}
