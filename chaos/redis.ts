/**
 * Real `redis-server` processes as backends, and `redis-cli` /
 * `redis-benchmark` as the application, for the real-server scenario.
 * @module
 */

import { freePort, redisServerArgs, waitFor } from "../src/testing/mod.ts";

/** A redis-server on 127.0.0.1 that can be stopped and started again on its port. */
export interface RedisServer extends AsyncDisposable {
  readonly port: number;
  readonly running: boolean;
  /** Starts it (again) on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGTERM, wait for exit. */
  stop(): Promise<void>;
}

/** Whether the redis binaries are on PATH. */
export async function redisAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Prepares a redis-server for `port` with no persistence, working in `dir`. */
export function redisServer(port: number, dir: string): RedisServer {
  let child: Deno.ChildProcess | undefined;
  let status: Promise<Deno.CommandStatus> | undefined;
  const server: RedisServer = {
    port,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (child !== undefined) return;
      child = new Deno.Command("redis-server", {
        args: redisServerArgs(port, { dir }),
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      status = child.status;
      await waitFor(async () => (await redisCli(port, ["PING"])).output === "PONG", {
        timeoutMs: 5_000,
        message: `redis on ${port} to answer PING`,
      });
    },
    async stop() {
      if (child === undefined) return;
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          child?.kill("SIGKILL");
        } catch {
          // Already gone.
        }
      }, 3_000);
      await status;
      clearTimeout(timer);
      child = undefined;
    },
    [Symbol.asyncDispose]: () => server.stop(),
  };
  return server;
}

/** Runs `redis-cli -h 127.0.0.1 -p PORT ARGS…` (a new connection each time). */
export async function redisCli(
  port: number,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<{ ok: boolean; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command("redis-cli", {
    args: ["-h", "127.0.0.1", "-p", String(port), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(signal === undefined ? {} : { signal }),
  }).output();
  const output = new TextDecoder().decode(stdout).trim();
  const error = new TextDecoder().decode(stderr).trim();
  return {
    ok: code === 0 && !output.startsWith("ERR") && !output.startsWith("Error") && error === "",
    output: output || error,
  };
}

/** Requests per second by test name from `redis-benchmark --csv`. */
export async function redisBenchmark(
  port: number,
  requests: number,
  clients: number,
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const { stdout } = await new Deno.Command("redis-benchmark", {
    args: [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-n",
      String(requests),
      "-c",
      String(clients),
      "-t",
      "set,get",
      "--csv",
    ],
    stdin: "null",
    ...(signal === undefined ? {} : { signal }),
    stdout: "piped",
    stderr: "null",
  }).output();
  return parseBenchmarkCsv(new TextDecoder().decode(stdout));
}

/** Parses `"SET","41152.26",…` lines (the header line is skipped). */
export function parseBenchmarkCsv(text: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const line of text.split("\n")) {
    const cells = line.split(",").map((cell) => cell.trim().replace(/^"|"$/g, ""));
    const rate = Number(cells[1]);
    if (
      cells[0] === undefined || cells[0] === "test" || !Number.isFinite(rate) || cells[1] === ""
    ) continue;
    rates.set(cells[0], rate);
  }
  return rates;
}

export { freePort };
