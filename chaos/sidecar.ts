/**
 * The sidecar under test: the real CLI as a subprocess, with a generated
 * config file (tiers = regions in preference order), JSON logs parsed as
 * they come, and its open sockets counted from `/proc/<pid>/fd`.
 * @module
 */

import type { BackendPoolInput, ConfigInput, FrontendInput, TierInput } from "../mod.ts";
import { type RunningCli, startSidecarCli } from "../src/testing/mod.ts";
import type { Region } from "./regions.ts";

/** One parsed JSON log line of the sidecar. */
export type LogLine = Readonly<Record<string, string | number | boolean>> & {
  readonly msg: string;
  /** When the harness saw it, ms since the scenario started. */
  readonly seenMs: number;
};

/** A running sidecar. */
export interface SidecarUnderTest extends AsyncDisposable {
  /** The frontend's `host:port`. */
  readonly address: string;
  readonly pid: number;
  readonly cli: RunningCli;
  readonly configPath: string;
  /** Log lines so far, parsed. */
  logs(msg?: string): LogLine[];
  /** Open sockets of the process (`socket:` links in /proc/<pid>/fd). */
  sockets(): Promise<number>;
  /** Replaces the config file (write to a temp file, then rename over it). */
  writeConfig(config: ConfigInput): Promise<void>;
  /** Whether the process is still running. */
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number>;
}

/** Tier defaults for tiers built from regions. */
export type TierOptions = Omit<TierInput, "targets" | "name">;

/** One tier per region, one target per node (each node has its own proxy port). */
export function tiersFromRegions(
  regions: readonly Region[],
  options: (region: Region, index: number) => TierOptions = () => ({}),
): TierInput[] {
  return regions.map((region, index) => ({
    name: region.name,
    ...options(region, index),
    targets: region.nodes.map((node) => ({ hosts: [node.host], port: node.port })),
  }));
}

/** A one-frontend config on 127.0.0.1:0 with short periods suited to a chaos run. */
export function chaosConfig(
  tiers: readonly TierInput[],
  frontend: Partial<Omit<FrontendInput, "backendPool">> = {},
  pool: Partial<Omit<BackendPoolInput, "tiers">> = {},
  top: Partial<Omit<ConfigInput, "frontends">> = {},
): ConfigInput {
  return {
    gracePeriod: "1s",
    ...top,
    frontends: [{
      name: "chaos",
      bindAddress: "127.0.0.1:0",
      rebalanceDuration: "1s",
      queueTimeout: "3s",
      ...frontend,
      backendPool: {
        latencyBucket: "-1ms",
        maintenanceTime: "500ms",
        ...pool,
        tiers,
      },
    }],
  };
}

/** Writes `config` into `dir` and starts the CLI on it with JSON logs. */
export async function startSidecarUnderTest(
  dir: string,
  config: ConfigInput,
  { t0 = Date.now(), reloadPeriod = "1s" }: { t0?: number; reloadPeriod?: string } = {},
): Promise<SidecarUnderTest> {
  const configPath = `${dir}/sidecar.json`;
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
  const { cli, addresses } = await startSidecarCli(
    ["-c", configPath, "--reloadPeriod", reloadPeriod, "--log-format", "json"],
    1,
    { permissions: ["--allow-net", `--allow-read=${dir}`] },
  );
  const parsed: LogLine[] = [];
  let consumed = 0;
  const logs = (msg?: string) => {
    const text = cli.stderr;
    const end = text.lastIndexOf("\n") + 1;
    if (end > consumed) {
      const now = Date.now() - t0;
      for (const line of text.slice(consumed, end).split("\n")) {
        if (line.trim() === "") continue;
        try {
          parsed.push({ ...JSON.parse(line), seenMs: now });
        } catch {
          parsed.push({ msg: `unparsed: ${line}`, seenMs: now });
        }
      }
      consumed = end;
    }
    return msg === undefined ? parsed : parsed.filter((line) => line.msg === msg);
  };
  let running = true;
  const exited = cli.exited().finally(() => running = false);
  const pid = cli.child.pid;
  let version = 0;
  const stop = async (graceMs = 3_000) => {
    cli.kill("SIGTERM");
    const timer = setTimeout(() => cli.kill("SIGKILL"), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    address: addresses[0] as string,
    pid,
    cli,
    configPath,
    logs,
    get running() {
      return running;
    },
    sockets: () => countSockets(pid),
    async writeConfig(next) {
      const temp = `${dir}/.sidecar.json.${++version}`;
      await Deno.writeTextFile(temp, JSON.stringify(next, null, 2));
      await Deno.rename(temp, configPath);
    },
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop(1_500);
    },
  };
}

/** Counts the `socket:[…]` entries among a process's open file descriptors. */
export async function countSockets(pid: number): Promise<number> {
  let count = 0;
  for await (const entry of Deno.readDir(`/proc/${pid}/fd`)) {
    try {
      if ((await Deno.readLink(`/proc/${pid}/fd/${entry.name}`)).startsWith("socket:")) count++;
    } catch {
      // Closed between listing and reading.
    }
  }
  return count;
}
