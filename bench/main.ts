/**
 * `deno task bench`: the sidecar against direct connections and HAProxy —
 * one long stream, round trips on 1 and 50 connections, new connections per
 * second, memory per idle connection — as a table with ratios and the
 * floors of issue 2, and `out/bench.json`.
 *
 * Everything runs on 127.0.0.1, every step has a deadline, and every
 * process the bench starts is stopped before it exits.
 * @module
 */

import { type BenchCommand, HELP, parseBenchArgs, type WorkloadName } from "./args.ts";
import { machine, type ToolName, toolVersions } from "./environment.ts";
import { type FloorVerdict, judgeFloors } from "./floors.ts";
import { type Metric, type MetricSummary, summarize } from "./metric.ts";
import { Children, runTool } from "./process.ts";
import { measureBusyShare, othersBusyShare, readLoad } from "./procfs.ts";
import { renderTable } from "./report.ts";
import type { BackendName, Target } from "./target.ts";
import { type RunningBackend, startIperf3Server, startRedis } from "./tools/backends.ts";
import { type ProxiedBackend, type RunningProxy, startHaproxy } from "./tools/haproxy.ts";
import { SIDECAR_MAIN, startSidecar } from "./tools/sidecar.ts";
import { measureIdleMemory, type ProcessFactory } from "./workloads/idle_memory.ts";
import { measureRoundTrips } from "./workloads/round_trips.ts";
import { measureStream } from "./workloads/stream.ts";

type RunCommand = Extract<BenchCommand, { kind: "run" }>;

const INSTALL_SCRIPT = new URL("./install.sh", import.meta.url).pathname;
/** The whole run is killed past this, whatever hangs. */
const RUN_DEADLINE_MS = 30 * 60_000;
/** More background CPU than this (share of all cores) makes the figures suspect. */
const QUIET_BUSY_SHARE = 0.1;

const progress = (line: string) => console.error(`  ${line}`);

/** Which backends each workload needs. */
const NEEDS: Record<WorkloadName, BackendName> = {
  "stream": "iperf3",
  "rtt-1": "redis",
  "rtt-50": "redis",
  "connect": "redis",
  "idle-memory": "redis",
};

/** Which tools each backend needs. */
const BACKEND_TOOLS: Record<BackendName, readonly ToolName[]> = {
  iperf3: ["iperf3"],
  redis: ["redis-server", "redis-benchmark"],
};

async function main(argv: readonly string[]): Promise<number> {
  const command = parseBenchArgs(argv);
  if (command.kind === "help") {
    console.log(HELP);
    return 0;
  }
  const children = new Children();
  const dir = await Deno.makeTempDir({ prefix: "iaido-bench-" });
  // A signal or the deadline must not leave backends and proxies behind.
  const abandon = (why: string, code: number) => {
    console.error(`bench: ${why}: stopping every process it started`);
    children.killAllNow();
    Deno.removeSync(dir, { recursive: true });
    Deno.exit(code);
  };
  const onInterrupt = () => abandon("interrupted", 130);
  const onTerminate = () => abandon("terminated", 143);
  Deno.addSignalListener("SIGINT", onInterrupt);
  Deno.addSignalListener("SIGTERM", onTerminate);
  const deadline = setTimeout(
    () => abandon(`still running after ${RUN_DEADLINE_MS / 60_000} minutes`, 1),
    RUN_DEADLINE_MS,
  );
  try {
    return await run(command, children, dir);
  } finally {
    await children[Symbol.asyncDispose]();
    clearTimeout(deadline);
    Deno.removeSignalListener("SIGINT", onInterrupt);
    Deno.removeSignalListener("SIGTERM", onTerminate);
    await Deno.remove(dir, { recursive: true });
  }
}

async function run(command: RunCommand, children: Children, dir: string): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  if (command.install) await install();
  const versions = await toolVersions();
  const missing = (tools: readonly ToolName[]) =>
    tools.filter((tool) => versions[tool] === undefined);

  const workloads = command.only.filter((workload) => {
    const lacking = missing(BACKEND_TOOLS[NEEDS[workload]]);
    if (lacking.length > 0) {
      console.error(`bench: skipping ${workload}: ${lacking.join(", ")} not installed`);
    }
    return lacking.length === 0;
  });
  const haproxyNote = versions.haproxy === undefined
    ? "not installed (bench/install.sh installs it from apt as root): no HAProxy column, floors unknown"
    : undefined;
  console.error(`bench: ${command.quick ? "quick" : "full"} run of ${workloads.join(", ")}`);
  console.error(`bench: ${Object.values(versions).filter(Boolean).join("; ")}`);
  const busyBefore = await checkQuiet("before");
  const loadBefore = await readLoad();

  // Backends, then each way of reaching them.
  const backendNames = [...new Set(workloads.map((workload) => NEEDS[workload]))];
  const backends = new Map<BackendName, RunningBackend>();
  for (const name of backendNames) {
    backends.set(
      name,
      name === "redis" ? await startRedis(children) : await startIperf3Server(children),
    );
  }
  const proxied: ProxiedBackend[] = [...backends].map(([name, backend]) => ({
    name,
    backendPort: backend.port,
  }));
  const direct: Target = {
    name: "direct",
    ports: new Map([...backends].map(([name, backend]) => [name, backend.port])),
    pid: undefined,
  };
  const startSidecarProxy = (wanted: readonly ProxiedBackend[]) =>
    startSidecar(children, dir, wanted, {
      logLevel: command.sidecarLogLevel,
      main: command.sidecarMain,
      denoFlags: command.sidecarDenoFlags,
    });
  const startHaproxyProxy = (wanted: readonly ProxiedBackend[]) =>
    startHaproxy(
      children,
      dir,
      wanted,
      wanted.some((b) => b.name === "redis") ? "redis" : (wanted[0] as ProxiedBackend).name,
    );

  const metrics: Metric[] = [];
  const shared = workloads.filter((workload) => workload !== "idle-memory");
  if (shared.length > 0) {
    const sidecar = await startSidecarProxy(proxied);
    const haproxy = versions.haproxy === undefined ? undefined : await startHaproxyProxy(proxied);
    const targets: Target[] = [direct, asTarget("sidecar", sidecar)];
    if (haproxy !== undefined) targets.push(asTarget("haproxy", haproxy));
    try {
      for (const workload of shared) {
        metrics.push(...await measure(workload, children, targets, command));
      }
    } finally {
      await sidecar.child.stop();
      await haproxy?.child.stop();
    }
  }
  if (workloads.includes("idle-memory")) {
    const redis = backends.get("redis") as RunningBackend;
    const redisOnly = proxied.filter((backend) => backend.name === "redis");
    const fresh =
      (start: (wanted: readonly ProxiedBackend[]) => Promise<RunningProxy>): ProcessFactory =>
      async () => {
        const proxy = await start(redisOnly);
        return {
          pid: proxy.child.pid,
          port: proxy.ports.get("redis") as number,
          stop: () => proxy.child.stop(),
        };
      };
    const factories: Partial<Record<"direct" | "sidecar" | "haproxy", ProcessFactory>> = {
      direct: () =>
        Promise.resolve({ pid: redis.child.pid, port: redis.port, stop: () => Promise.resolve() }),
      sidecar: fresh(startSidecarProxy),
    };
    if (versions.haproxy !== undefined) factories.haproxy = fresh(startHaproxyProxy);
    console.error(`bench: idle-memory (${command.sizes.idleConnections} connections)`);
    metrics.push(
      await measureIdleMemory(
        factories,
        command.sizes.idleConnections,
        command.sizes.idleReps,
        progress,
      ),
    );
  }

  // Stop the backends so that every child is reaped and its CPU time is in `own`.
  for (const backend of backends.values()) await backend.child.stop();
  const busyDuring = othersBusyShare(loadBefore, await readLoad());
  if (busyDuring > QUIET_BUSY_SHARE) {
    console.error(
      `bench: WARNING: other processes kept ${percent(busyDuring)} of the cores busy during ` +
        "the runs: figures are lower and noisier than on a quiet machine",
    );
  }
  const busyAfter = await checkQuiet("after");
  const summaries = metrics.map(summarize);
  const verdicts = judgeFloors(summaries);
  const seconds = (performance.now() - started) / 1000;
  console.log("");
  console.log(renderTable(summaries, verdicts, haproxyNote));
  console.log("");
  console.log(
    `medians of ${command.sizes.shortReps} runs (stream ${command.sizes.streamReps}, memory ${command.sizes.idleReps}); ` +
      `sidecar --log-level ${command.sidecarLogLevel}; ${navigator.hardwareConcurrency} cores; ` +
      `took ${seconds.toFixed(0)} s; other processes' load before/during/after: ${
        percent(busyBefore)
      }/${percent(busyDuring)}/${percent(busyAfter)} of the cores`,
  );
  await writeResults(command, {
    startedAt,
    seconds,
    versions,
    busy: { before: busyBefore, during: busyDuring, after: busyAfter },
    metrics,
    summaries,
    verdicts,
  });
  console.log(`results: ${command.outFile}`);
  return verdicts.some((verdict) => verdict.result === "fail") ? 3 : 0;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** Busy share of the cores while the bench itself is idle; warns when others load the machine. */
async function checkQuiet(when: string): Promise<number> {
  const share = await measureBusyShare(1000);
  if (share > QUIET_BUSY_SHARE) {
    console.error(
      `bench: WARNING: ${percent(share)} of the cores busy ${when} the runs, not from the bench: ` +
        "figures will be lower and noisier than on a quiet machine",
    );
  }
  return share;
}

function asTarget(name: "sidecar" | "haproxy", proxy: RunningProxy): Target {
  return { name, ports: proxy.ports as ReadonlyMap<BackendName, number>, pid: proxy.child.pid };
}

async function measure(
  workload: WorkloadName,
  children: Children,
  targets: readonly Target[],
  command: RunCommand,
): Promise<Metric[]> {
  const { sizes } = command;
  console.error(`bench: ${workload}`);
  switch (workload) {
    case "stream":
      return await measureStream(children, targets, sizes.streamBytes, sizes.streamReps, progress);
    case "rtt-1":
      return await measureRoundTrips(
        children,
        targets,
        {
          id: "rtt-1",
          title: "round trips, 1 connection",
          unit: "req/s",
          load: { connections: 1, requests: sizes.rtt1Requests, keepAlive: true },
        },
        sizes.shortReps,
        progress,
      );
    case "rtt-50":
      return await measureRoundTrips(
        children,
        targets,
        {
          id: "rtt-50",
          title: "round trips, 50 connections",
          unit: "req/s",
          load: { connections: 50, requests: sizes.rtt50Requests, keepAlive: true },
        },
        sizes.shortReps,
        progress,
      );
    case "connect":
      return await measureRoundTrips(
        children,
        targets,
        {
          id: "connect",
          title: "new connections (50 clients)",
          unit: "conn/s",
          load: { connections: 50, requests: sizes.connectRequests, keepAlive: false },
          note: "redis-benchmark -k 0: connect, one PING, close, for every request",
          cpuTitle: "  proxy CPU per connection",
          cpuUnit: "CPU-µs/conn",
        },
        sizes.shortReps,
        progress,
      );
    case "idle-memory":
      return [];
  }
}

async function install(): Promise<void> {
  try {
    const { stdout } = await runTool("bash", [INSTALL_SCRIPT], 10 * 60_000);
    console.error(stdout.trim().split("\n").at(-1));
  } catch (error) {
    console.error(
      `bench: ${INSTALL_SCRIPT} failed, going on with what is installed:\n${
        (error as Error).message
      }`,
    );
  }
}

interface Results {
  readonly startedAt: Date;
  readonly seconds: number;
  readonly versions: Record<ToolName, string | undefined>;
  /** Busy share of the cores, by other processes, before and after the runs. */
  readonly busy: { readonly before: number; readonly during: number; readonly after: number };
  readonly metrics: readonly Metric[];
  readonly summaries: readonly MetricSummary[];
  readonly verdicts: readonly FloorVerdict[];
}

async function writeResults(command: RunCommand, results: Results): Promise<void> {
  const json = {
    startedAt: results.startedAt.toISOString(),
    seconds: Math.round(results.seconds),
    quick: command.quick,
    sizes: command.sizes,
    sidecarLogLevel: command.sidecarLogLevel,
    sidecarMain: command.sidecarMain ?? SIDECAR_MAIN,
    sidecarDenoFlags: command.sidecarDenoFlags,
    machine: machine(),
    tools: results.versions,
    backgroundBusyShare: results.busy,
    results: results.summaries.map((summary) => ({
      ...summary,
      samples: results.metrics.find((metric) => metric.id === summary.id)?.samples,
    })),
    floors: results.verdicts.map((verdict) => ({
      metric: verdict.floor.metricId,
      floor: verdict.floor.description,
      value: verdict.value,
      result: verdict.result,
    })),
  };
  const slash = command.outFile.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(command.outFile.slice(0, slash), { recursive: true });
  await Deno.writeTextFile(command.outFile, `${JSON.stringify(json, null, 2)}\n`);
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    console.error(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    Deno.exitCode = 1;
  }
}
