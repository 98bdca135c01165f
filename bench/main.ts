/**
 * `deno task bench`: the sidecar against direct connections, HAProxy and
 * the Go Iaido — one long stream, redis round trips on 1 and 50
 * connections, new connections per second, pgbench -S on 1 and 8 clients,
 * memory per idle connection — as a table with ratios, the floors of
 * issue 2 and the targets of issue 15, `out/bench.json` and `out/bench.html`.
 *
 * Everything runs on 127.0.0.1, every step has a deadline, and every
 * process the bench starts is stopped before it exits.
 * @module
 */

import { type BenchCommand, HELP, parseBenchArgs, type WorkloadName } from "./args.ts";
import { missingToolLine } from "../src/testing/mod.ts";
import { machine, toolCommands, type ToolName, toolVersions } from "./environment.ts";
import { type FloorVerdict, judgeFloors } from "./floors.ts";
import { renderHtml, type WorkloadLoad } from "./html.ts";
import { type Metric, type MetricSummary, summarize, type TargetName } from "./metric.ts";
import { Children, runTool } from "./process.ts";
import { busyShare, measureBusyShare, othersBusyShare, readLoad } from "./procfs.ts";
import { FLOOR_NOTES, type PeerNotes, renderTable } from "./report.ts";
import type { BackendName, Target } from "./target.ts";
import { type RunningBackend, startIperf3Server, startRedis } from "./tools/backends.ts";
import { type ProxiedBackend, type RunningProxy, startHaproxy } from "./tools/haproxy.ts";
import { startIaidoGo } from "./tools/iaido_go.ts";
import { startPostgres } from "./tools/postgres.ts";
import { REFERENCE_MAINS, SIDECAR_MAIN, startSidecar } from "./tools/sidecar.ts";
import { findCopyProxy, startCopyProxy } from "./tools/copy_proxy.ts";
import { measureIdleMemory, type ProcessFactory } from "./workloads/idle_memory.ts";
import { pgbenchSelect } from "./workloads/pgbench.ts";
import { measureProtocolCost, protocolCostText, writeProtocolCost } from "./protocol_cost.ts";
import { measureRates } from "./workloads/rates.ts";
import { roundTrips } from "./workloads/round_trips.ts";
import { stream } from "./workloads/stream.ts";

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
  "pgbench-1": "postgres",
  "pgbench-8": "postgres",
  "idle-memory": "redis",
};

/** Which tools each backend needs. */
const BACKEND_TOOLS: Record<BackendName, readonly ToolName[]> = {
  iperf3: ["iperf3"],
  redis: ["redis-server", "redis-benchmark"],
  postgres: ["postgres", "pgbench"],
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

/** Starts one proxy in front of the given backends. */
type ProxyStarter = (wanted: readonly ProxiedBackend[]) => Promise<RunningProxy>;

async function run(command: RunCommand, children: Children, dir: string): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  if (command.install) await install();
  const commands = toolCommands();
  const versions = await toolVersions(commands);
  const missing = (tools: readonly ToolName[]) =>
    tools.filter((tool) => versions[tool] === undefined);

  const workloads = command.only.filter((workload) => {
    const lacking = missing(BACKEND_TOOLS[NEEDS[workload]]);
    if (lacking.length > 0) {
      console.error(`bench: skipping ${workload}: ${lacking.join(", ")} not installed`);
    }
    return lacking.length === 0;
  });
  const peerNotes: PeerNotes = {};
  if (versions.haproxy === undefined) {
    peerNotes.haproxy =
      "not installed (bench/install.sh installs it from apt as root): no HAProxy column, floors unknown";
  }
  const iaidoGo = commands["iaido-go"];
  if (iaidoGo === undefined || versions["iaido-go"] === undefined) {
    peerNotes["iaido-go"] = `${missingToolLine("iaido-go")}: no Go Iaido column`;
    console.error(`bench: iaido-go ${peerNotes["iaido-go"]}`);
  }
  console.error(`bench: ${command.quick ? "quick" : "full"} run of ${workloads.join(", ")}`);
  console.error(`bench: ${Object.values(versions).filter(Boolean).join("; ")}`);
  const busyBefore = await checkQuiet("before");
  const loadBefore = await readLoad();

  // Backends, then each way of reaching them.
  const backendNames = [...new Set(workloads.map((workload) => NEEDS[workload]))];
  const backends = new Map<BackendName, RunningBackend>();
  for (const name of backendNames) {
    console.error(`bench: starting ${name}`);
    backends.set(
      name,
      name === "redis"
        ? await startRedis(children)
        : name === "iperf3"
        ? await startIperf3Server(children)
        : await startPostgres(children, postgresBin(commands), dir),
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
  // Every proxy that can run, by the name of its column.
  const proxies = new Map<TargetName, ProxyStarter>();
  proxies.set("sidecar", (wanted) =>
    startSidecar(children, dir, wanted, {
      logLevel: command.sidecarLogLevel,
      main: command.sidecarMain,
      denoFlags: command.sidecarDenoFlags,
    }));
  if (versions.haproxy !== undefined) {
    proxies.set("haproxy", (wanted) =>
      startHaproxy(
        children,
        dir,
        wanted,
        wanted.some((b) => b.name === "redis") ? "redis" : (wanted[0] as ProxiedBackend).name,
      ));
  }
  if (peerNotes["iaido-go"] === undefined && iaidoGo !== undefined) {
    proxies.set("iaido-go", (wanted) => startIaidoGo(children, iaidoGo, dir, wanted));
  }
  if (command.reference) {
    // Started like the sidecar, with its V8 flags but not the variant's extra flags.
    for (const name of ["floor", "node-floor", "handle-floor"] as const) {
      peerNotes[name] = FLOOR_NOTES[name];
      proxies.set(name, (wanted) =>
        startSidecar(children, dir, wanted, {
          logLevel: "warn",
          main: REFERENCE_MAINS[name],
          name,
        }));
    }
    const copyProxy = await findCopyProxy();
    if ("problem" in copyProxy) {
      peerNotes["c-floor"] = `${copyProxy.problem}: no C floor column`;
      console.error(`bench: skipping c-floor: ${copyProxy.problem}`);
    } else {
      peerNotes["c-floor"] = FLOOR_NOTES["c-floor"];
      proxies.set("c-floor", (wanted) => startCopyProxy(children, copyProxy.path, wanted));
    }
  }

  const metrics: Metric[] = [];
  const loads: WorkloadLoad[] = [];
  const measured = async (workload: string, work: () => Promise<Metric[]>) => {
    console.error(`bench: ${workload}`);
    const before = await readLoad(children.runningPids());
    metrics.push(...await work());
    const after = await readLoad(children.runningPids());
    loads.push({
      workload,
      machine: busyShare(before.machine, after.machine),
      others: othersBusyShare(before, after),
    });
  };
  const shared = workloads.filter((workload) => workload !== "idle-memory");
  if (shared.length > 0) {
    const running: RunningProxy[] = [];
    try {
      const targets: Target[] = [direct];
      for (const [name, start] of proxies) {
        const proxy = await start(proxied);
        running.push(proxy);
        targets.push({
          name,
          ports: proxy.ports as ReadonlyMap<BackendName, number>,
          pid: proxy.child.pid,
        });
      }
      for (const workload of shared) {
        await measured(workload, () => measure(workload, children, targets, command, commands));
      }
    } finally {
      for (const proxy of running) await proxy.child.stop();
    }
  }
  if (workloads.includes("idle-memory")) {
    const redis = backends.get("redis") as RunningBackend;
    const redisOnly = proxied.filter((backend) => backend.name === "redis");
    const fresh = (start: ProxyStarter): ProcessFactory => async () => {
      const proxy = await start(redisOnly);
      return {
        pid: proxy.child.pid,
        port: proxy.ports.get("redis") as number,
        stop: () => proxy.child.stop(),
      };
    };
    const factories: Partial<Record<TargetName, ProcessFactory>> = {
      direct: () =>
        Promise.resolve({ pid: redis.child.pid, port: redis.port, stop: () => Promise.resolve() }),
    };
    for (const [name, start] of proxies) factories[name] = fresh(start);
    await measured(`idle-memory`, async () => [
      await measureIdleMemory(
        factories,
        command.sizes.idleConnections,
        command.sizes.idleReps,
        progress,
      ),
    ]);
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
  const footer =
    `medians of ${command.sizes.shortReps} runs (stream ${command.sizes.streamReps}, memory ${command.sizes.idleReps}); ` +
    `sidecar --log-level ${command.sidecarLogLevel}; ${navigator.hardwareConcurrency} cores; ` +
    `took ${seconds.toFixed(0)} s; other processes' load before/during/after: ${
      percent(busyBefore)
    }/${percent(busyDuring)}/${percent(busyAfter)} of the cores`;
  console.log("");
  console.log(renderTable(summaries, verdicts, peerNotes));
  console.log("");
  console.log(
    `others' load per workload: ${
      loads.map((load) => `${load.workload} ${percent(load.others)}`).join(", ")
    }`,
  );
  console.log(footer);
  if (workloads.includes("pgbench-8")) {
    // What protocol: postgres costs against tcp, on the same pgbench -S (issue 14).
    const cost = await measureProtocolCost(postgresBin(commands), {
      clients: 8,
      seconds: command.sizes.pgbenchSeconds,
      runs: command.sizes.shortReps,
    });
    console.log(protocolCostText(cost));
    await writeProtocolCost(command.outFile.replace(/\.json$/, "-protocol.json"), cost);
  }
  await writeResults(command, {
    startedAt,
    seconds,
    versions,
    busy: { before: busyBefore, during: busyDuring, after: busyAfter },
    loads,
    metrics,
    summaries,
    verdicts,
  });
  await writeText(
    command.htmlFile,
    renderHtml({
      title: `Iaido for Deno: bench${command.quick ? " (quick)" : ""}`,
      startedAt: startedAt.toISOString(),
      setup: [
        footer,
        `Deno ${Deno.version.deno}, kernel ${Deno.osRelease()}`,
        ...Object.values(versions).filter((version) => version !== undefined),
      ],
      summaries,
      verdicts,
      loads,
      quiet: { before: busyBefore, after: busyAfter },
      notes: [
        ...summaries.filter((summary) => summary.note !== undefined)
          .map((summary) => `${summary.title.trim()}: ${summary.note}`),
        ...Object.entries(peerNotes).map(([peer, note]) => `${peer}: ${note}`),
      ],
    }),
  );
  console.log(`results: ${command.outFile}, ${command.htmlFile}`);
  return verdicts.some((verdict) => verdict.floor.level === "floor" && verdict.result === "fail")
    ? 3
    : 0;
}

/** The folder of PostgreSQL's programs (known to exist once the workload was kept). */
function postgresBin(commands: Record<ToolName, string | undefined>): string {
  const postgres = commands.postgres as string;
  return postgres.slice(0, postgres.lastIndexOf("/"));
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

async function measure(
  workload: Exclude<WorkloadName, "idle-memory">,
  children: Children,
  targets: readonly Target[],
  command: RunCommand,
  commands: Record<ToolName, string | undefined>,
): Promise<Metric[]> {
  const { sizes } = command;
  const rates = (reps: number, rateWorkload: Parameters<typeof measureRates>[1]) =>
    measureRates(targets, rateWorkload, reps, progress);
  switch (workload) {
    case "stream":
      return await rates(sizes.streamReps, stream(children, sizes.streamBytes));
    case "rtt-1":
      return await rates(
        sizes.shortReps,
        roundTrips(children, {
          id: "rtt-1",
          title: "redis PING, 1 connection",
          unit: "req/s",
          load: { connections: 1, requests: sizes.rtt1Requests, keepAlive: true },
        }),
      );
    case "rtt-50":
      return await rates(
        sizes.shortReps,
        roundTrips(children, {
          id: "rtt-50",
          title: "redis PING, 50 connections",
          unit: "req/s",
          load: { connections: 50, requests: sizes.rtt50Requests, keepAlive: true },
        }),
      );
    case "connect":
      return await rates(
        sizes.shortReps,
        roundTrips(children, {
          id: "connect",
          title: "new connections (50 clients)",
          unit: "conn/s",
          load: { connections: 50, requests: sizes.connectRequests, keepAlive: false },
          note: "redis-benchmark -k 0: connect, one PING, close, for every request",
          cpuTitle: "  proxy CPU per connection",
          cpuUnit: "CPU-µs/conn",
        }),
      );
    case "pgbench-1":
    case "pgbench-8":
      return await rates(
        sizes.shortReps,
        pgbenchSelect(
          children,
          postgresBin(commands),
          workload === "pgbench-1" ? 1 : 8,
          sizes.pgbenchSeconds,
        ),
      );
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
  /** The machine's load while each workload ran. */
  readonly loads: readonly WorkloadLoad[];
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
    reference: command.reference ? REFERENCE_MAINS : undefined,
    machine: machine(),
    tools: results.versions,
    backgroundBusyShare: results.busy,
    loadPerWorkload: results.loads,
    results: results.summaries.map((summary) => ({
      ...summary,
      samples: results.metrics.find((metric) => metric.id === summary.id)?.samples,
    })),
    floors: results.verdicts.map((verdict) => ({
      metric: verdict.floor.metricId,
      level: verdict.floor.level,
      floor: verdict.floor.description,
      value: verdict.value,
      result: verdict.result,
    })),
  };
  await writeText(command.outFile, `${JSON.stringify(json, null, 2)}\n`);
}

/** Writes `text` to `file`, creating its folder. */
async function writeText(file: string, text: string): Promise<void> {
  const slash = file.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(file.slice(0, slash), { recursive: true });
  await Deno.writeTextFile(file, text);
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
