/**
 * The bench's command line: `--quick`, `--only NAME`, and a few knobs.
 * @module
 */

import { parseArgs } from "node:util";

/** Workloads in the order they run. */
export const WORKLOAD_NAMES = [
  "stream",
  "rtt-1",
  "rtt-50",
  "connect",
  "pgbench-1",
  "pgbench-8",
  "idle-memory",
] as const;

/** One workload's name. */
export type WorkloadName = typeof WORKLOAD_NAMES[number];

/** How big and how often each workload runs. */
export interface BenchSizes {
  /** Bytes of the single stream. */
  readonly streamBytes: number;
  readonly streamReps: number;
  /** Requests of the one-connection round-trip run. */
  readonly rtt1Requests: number;
  /** Requests of the 50-connection round-trip run. */
  readonly rtt50Requests: number;
  /** Requests (= connections) of the new-connection run. */
  readonly connectRequests: number;
  /** Seconds of each pgbench run. */
  readonly pgbenchSeconds: number;
  /** Repetitions of each round-trip, connection and pgbench run. */
  readonly shortReps: number;
  /** Idle connections opened through each proxy. */
  readonly idleConnections: number;
  /** Fresh proxy processes measured for memory. */
  readonly idleReps: number;
}

/** The full run: 2 GiB stream, medians of 5 (memory: 3, of 3,000 idle connections). */
export const FULL_SIZES: BenchSizes = {
  streamBytes: 2 * 1024 ** 3,
  streamReps: 5,
  rtt1Requests: 20_000,
  rtt50Requests: 200_000,
  connectRequests: 20_000,
  pgbenchSeconds: 5,
  shortReps: 5,
  idleConnections: 3000,
  idleReps: 3,
};

/** A smoke run: same workloads, smaller. */
export const QUICK_SIZES: BenchSizes = {
  streamBytes: 256 * 1024 ** 2,
  streamReps: 3,
  rtt1Requests: 4_000,
  rtt50Requests: 40_000,
  connectRequests: 4_000,
  pgbenchSeconds: 1,
  shortReps: 3,
  idleConnections: 1000,
  idleReps: 1,
};

/** What the command line asks for. */
export type BenchCommand =
  | { readonly kind: "help" }
  | {
    readonly kind: "run";
    readonly quick: boolean;
    readonly only: readonly WorkloadName[];
    readonly sizes: BenchSizes;
    /** Run `bench/install.sh` first. */
    readonly install: boolean;
    /** The sidecar's `--log-level` (`warn` keeps the access log off, like HAProxy without `log`). */
    readonly sidecarLogLevel: string;
    /** Where the JSON results go. */
    readonly outFile: string;
    /** Where the HTML report goes. */
    readonly htmlFile: string;
    /** The sidecar's CLI entry point (a scratch copy, to compare variants). */
    readonly sidecarMain: string | undefined;
    /** Extra `deno run` flags for the sidecar (e.g. `--v8-flags=…`), to compare variants. */
    readonly sidecarDenoFlags: readonly string[];
    /** Also run the floors: the smallest correct Deno proxies and the C one (`bench/reference/`). */
    readonly reference: boolean;
  };

/** Help text. */
export const HELP =
  `deno task bench [--quick] [--only NAME[,NAME]] [--reps N] [--sidecar-log-level LEVEL]
                [--no-install] [--out FILE] [--html FILE] [--sidecar-main FILE]
                [--sidecar-deno-flag FLAG] [--idle-connections N] [--reference]

Measures the sidecar against direct connections, HAProxy (single-threaded, no splice)
and the Go Iaido (../shared/tools/iaido-go, when present):
${WORKLOAD_NAMES.map((name) => `  ${name}`).join("\n")}

  --quick                  smaller sizes for a smoke run (256 MiB stream, 1 s pgbench)
  --only NAME              run only these workloads (repeatable or comma-separated)
  --reps N                 repetitions of each short run (default 5, quick 3)
  --sidecar-log-level L    the sidecar's --log-level (default warn: no access log, as HAProxy)
  --no-install             do not run bench/install.sh
  --out FILE               results as JSON (default out/bench.json)
  --html FILE              the report with a chart per workload (default out/bench.html)
  --sidecar-main FILE      run this main.ts as the sidecar (default the project's; for variants)
  --sidecar-deno-flag F    an extra \`deno run\` flag for the sidecar (repeatable; for variants)
  --idle-connections N     idle connections opened per proxy (default 3000, quick 1000)
  --reference              also run the floors, the smallest correct proxies (bench/reference/):
                           Deno.Conn, node:net (the sidecar's protocol paths) and bare stream
                           handles (its tcp path), what any Deno proxy reaches on this
                           machine, and a C proxy copying with
                           read/write (what any user-space copy reaches, without splice), as
                           more columns with the sidecar's ratio to each`;

/**
 * Parses the bench's arguments.
 *
 * @throws {TypeError} on an unknown flag, workload or a bad number
 */
export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      reps: { type: "string" },
      "sidecar-log-level": { type: "string", default: "warn" },
      "no-install": { type: "boolean", default: false },
      out: { type: "string", default: "out/bench.json" },
      html: { type: "string", default: "out/bench.html" },
      "sidecar-main": { type: "string" },
      "sidecar-deno-flag": { type: "string", multiple: true },
      "idle-connections": { type: "string" },
      reference: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { kind: "help" };
  const requested = (values.only ?? []).flatMap((value) => value.split(",")).map((value) =>
    value.trim()
  ).filter((value) => value !== "");
  for (const name of requested) {
    if (!(WORKLOAD_NAMES as readonly string[]).includes(name)) {
      throw new TypeError(
        `--only: unknown workload "${name}" (one of ${WORKLOAD_NAMES.join(", ")})`,
      );
    }
  }
  const only = WORKLOAD_NAMES.filter((name) => requested.length === 0 || requested.includes(name));
  let sizes = values.quick ? QUICK_SIZES : FULL_SIZES;
  if (values.reps !== undefined) {
    const reps = Number(values.reps);
    if (!Number.isInteger(reps) || reps < 1) {
      throw new TypeError(`--reps must be a positive integer: current value is ${values.reps}`);
    }
    sizes = { ...sizes, shortReps: reps };
  }
  if (values["idle-connections"] !== undefined) {
    const count = Number(values["idle-connections"]);
    if (!Number.isInteger(count) || count < 1 || count > 4000) {
      throw new TypeError(
        `--idle-connections must be an integer in 1-4000: current value is ${
          values["idle-connections"]
        }`,
      );
    }
    sizes = { ...sizes, idleConnections: count };
  }
  return {
    kind: "run",
    quick: values.quick,
    only,
    sizes,
    install: !values["no-install"],
    sidecarLogLevel: values["sidecar-log-level"],
    outFile: values.out,
    htmlFile: values.html,
    sidecarMain: values["sidecar-main"],
    sidecarDenoFlags: values["sidecar-deno-flag"] ?? [],
    reference: values.reference,
  };
}
