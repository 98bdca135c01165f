/**
 * Memory per idle connection: open N connections through a fresh proxy
 * process, do one round trip on each (so both legs exist), let them sit,
 * and divide the growth of the process's VmRSS by N.
 * @module
 */

import type { Metric, TargetName } from "../metric.ts";
import { readVmRssKib } from "../procfs.ts";

/** A process to measure and the port its connections go to. */
export interface MeasuredProcess {
  readonly pid: number;
  /** The port on 127.0.0.1 clients connect to (a redis-server, or a proxy in front of one). */
  readonly port: number;
  /** Stops it, when the workload started it. */
  stop(): Promise<void>;
}

/** How each target's process is obtained for one repetition. */
export type ProcessFactory = () => Promise<MeasuredProcess>;

const PING = new TextEncoder().encode("PING\r\n");
const PONG = "+PONG\r\n";
const CONNECTS_AT_ONCE = 50;
const WARM_UP_CONNECTIONS = 50;
const SETTLE_MS = 1000;

/** Open connections that have each completed one PING round trip. */
class IdleConnections implements Disposable {
  readonly conns: Deno.TcpConn[] = [];

  async open(port: number, count: number, deadline: number): Promise<void> {
    while (this.conns.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`idle connections: ${this.conns.length}/${count} open at the deadline`);
      }
      const batch = Math.min(CONNECTS_AT_ONCE, count - this.conns.length);
      const opened = await Promise.allSettled(
        Array.from({ length: batch }, () => connectAndPing(port)),
      );
      for (const result of opened) {
        if (result.status === "fulfilled") this.conns.push(result.value);
      }
      const failed = opened.find((result) => result.status === "rejected");
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    }
  }

  [Symbol.dispose](): void {
    for (const conn of this.conns) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
    this.conns.length = 0;
  }
}

async function connectAndPing(port: number): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(PING);
    const buffer = new Uint8Array(64);
    let reply = "";
    while (reply.length < PONG.length) {
      const count = await conn.read(buffer);
      if (count === null) throw new Error(`127.0.0.1:${port} closed before +PONG`);
      reply += new TextDecoder().decode(buffer.subarray(0, count));
    }
    if (reply !== PONG) throw new Error(`127.0.0.1:${port} answered ${JSON.stringify(reply)}`);
    return conn;
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** KiB of VmRSS growth per connection when `count` idle connections go through `measured`. */
async function measureOnce(measured: MeasuredProcess, count: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  {
    // Warm up code paths and allocators, so the baseline is not a cold process.
    using warm = new IdleConnections();
    await warm.open(measured.port, WARM_UP_CONNECTIONS, deadline);
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS / 2));
  const before = await readVmRssKib(measured.pid);
  using idle = new IdleConnections();
  await idle.open(measured.port, count, deadline);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const after = await readVmRssKib(measured.pid);
  return (after - before) / count;
}

/** Measures each target `reps` times, each time in a process from its factory. */
export async function measureIdleMemory(
  factories: Partial<Record<TargetName, ProcessFactory>>,
  count: number,
  reps: number,
  progress: (line: string) => void,
): Promise<Metric> {
  const samples: Partial<Record<TargetName, number[]>> = {};
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, factory] of Object.entries(factories) as [TargetName, ProcessFactory][]) {
      const measured = await factory();
      try {
        const perConnection = await measureOnce(measured, count);
        (samples[name] ??= []).push(perConnection);
        progress(`idle-memory ${name} ${rep + 1}/${reps}: ${perConnection.toFixed(1)} KiB/conn`);
      } finally {
        await measured.stop();
      }
    }
  }
  return {
    id: "idle-memory",
    title: `idle connections (${count})`,
    unit: "KiB/conn",
    higherIsBetter: false,
    samples,
    note: "growth of VmRSS per open, idle connection after one PING each; proxies: a fresh " +
      "proxy process per repetition (client and backend sockets); direct: redis-server's own " +
      "growth, for reference",
  };
}
