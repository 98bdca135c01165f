/**
 * `deno task bench:protocol`: what `protocol: postgres` costs against
 * `tcp` on `pgbench -S`. One PostgreSQL cluster, one sidecar with two
 * frontends on it that differ only in `protocol`, pgbench runs alternating
 * between them; prints the median transactions per second of each, the
 * ratio, and the sidecar's CPU per transaction, and writes
 * out/bench-protocol.json. Because a shared machine makes those swing, it
 * also times the framing scan alone on one `pgbench -S` transaction's bytes
 * (the least of several repetitions): the CPU `protocol: postgres` adds per
 * transaction, whatever else runs.
 *
 * Flags: `--runs N` (default 5), `--seconds N` (default 5), `--clients N`
 * (default 8).
 * @module
 */

import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { PgSessionState } from "../src/protocol/mod.ts";
import { concatBytes } from "../src/testing/mod.ts";
import { Children } from "./process.ts";
import { readCpuSeconds } from "./procfs.ts";
import { median } from "./stats.ts";
import { runPgbench } from "./tools/pgbench.ts";
import { postgresBinDir, startPostgres } from "./tools/postgres.ts";
import { startSidecar } from "./tools/sidecar.ts";

const VARIANTS = ["tcp", "postgres"] as const;

/** One message with a type byte: `type`, length, `body`. */
function message(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

/**
 * Nanoseconds the framing scan takes per `pgbench -S` transaction (simple
 * protocol: one Query; RowDescription, DataRow, CommandComplete,
 * ReadyForQuery back), in CPU time, the least of `repetitions` timings.
 */
export function scanNanosPerTransaction(transactions = 200_000, repetitions = 7): number {
  const text = new TextEncoder();
  const query = message(
    "Q",
    text.encode("SELECT abalance FROM pgbench_accounts WHERE aid = 4242;\0"),
  );
  const reply = concatBytes(
    message("T", new Uint8Array(33)),
    message("D", new Uint8Array(12)),
    message("C", text.encode("SELECT 1\0")),
    message("Z", text.encode("I")),
  );
  const state = new PgSessionState();
  state.fromServer(message("Z", text.encode("I")));
  let best = Infinity;
  for (let repetition = 0; repetition < repetitions; repetition++) {
    // CPU time, not wall time: other processes on a shared machine do not count.
    const started = cpuUsage();
    for (let i = 0; i < transactions; i++) {
      state.fromClient(query);
      state.fromServer(reply);
    }
    const used = cpuUsage(started);
    best = Math.min(best, (used.user + used.system) * 1e3 / transactions);
  }
  if (!state.movable) throw new Error("the scan lost track of the transactions");
  return best;
}

/** What `measureProtocolCost` measured. */
export interface ProtocolCost {
  readonly clients: number;
  readonly seconds: number;
  readonly runs: number;
  readonly samples: { readonly tcp: number[]; readonly postgres: number[] };
  readonly cpu: { readonly tcp: number[]; readonly postgres: number[] };
  readonly tps: { readonly tcp: number; readonly postgres: number };
  readonly cpuPerTx: { readonly tcp: number; readonly postgres: number };
  /** 1 − postgres tps ÷ tcp tps. */
  readonly cost: number;
  readonly scanNs: number;
}

/**
 * Runs `pgbench -S` `runs` times through each of two sidecar frontends on
 * one cluster (`protocol: tcp` and `protocol: postgres`), alternating.
 */
export async function measureProtocolCost(
  binDir: string,
  { clients, seconds, runs }: { clients: number; seconds: number; runs: number },
): Promise<ProtocolCost> {
  const dir = await Deno.makeTempDir({ prefix: "iaido-bench-protocol-" });
  try {
    await using children = new Children();
    const postgres = await startPostgres(children, binDir, dir);
    const sidecar = await startSidecar(
      children,
      dir,
      VARIANTS.map((protocol) => ({ name: protocol, backendPort: postgres.port, protocol })),
      { logLevel: "warn" },
    );
    const samples = { tcp: [] as number[], postgres: [] as number[] };
    const cpu = { tcp: [] as number[], postgres: [] as number[] };
    for (let run = 0; run < runs; run++) {
      // Alternate which goes first, so drift on a shared machine hits both alike.
      const order = run % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const port = sidecar.ports.get(variant) as number;
        const before = await readCpuSeconds(sidecar.child.pid);
        const result = await runPgbench(children, binDir, port, { clients, seconds });
        const after = await readCpuSeconds(sidecar.child.pid);
        samples[variant].push(result.tps);
        cpu[variant].push(((after - before) / result.transactions) * 1e6);
      }
    }
    const tps = { tcp: median(samples.tcp), postgres: median(samples.postgres) };
    const cpuPerTx = { tcp: median(cpu.tcp), postgres: median(cpu.postgres) };
    const cost = 1 - tps.postgres / tps.tcp;
    const scanNs = scanNanosPerTransaction();
    return { clients, seconds, runs, samples, cpu, tps, cpuPerTx, cost, scanNs };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The measurement in a few lines. */
export function protocolCostText(result: ProtocolCost): string {
  const { clients, seconds, runs, tps, cpuPerTx, cost, scanNs } = result;
  return `protocol postgres vs tcp, pgbench -S -c ${clients} -j 1 -T ${seconds}, ` +
    `${runs} runs each (medians):\n` +
    `  protocol tcp:      ${tps.tcp.toFixed(0)} tps, ${cpuPerTx.tcp.toFixed(1)} CPU-µs/txn\n` +
    `  protocol postgres: ${tps.postgres.toFixed(0)} tps, ${
      cpuPerTx.postgres.toFixed(1)
    } CPU-µs/txn\n` +
    `  cost: ${(cost * 100).toFixed(1)} % of tps (goal: under 5 %)\n` +
    `  framing scan alone: ${scanNs.toFixed(0)} ns of CPU per transaction ` +
    `(${(scanNs / 10 / cpuPerTx.tcp).toFixed(2)} % of the tcp sidecar's CPU per transaction)`;
}

/** Writes the measurement as JSON. */
export async function writeProtocolCost(file: string, result: ProtocolCost): Promise<void> {
  await Deno.mkdir(file.slice(0, file.lastIndexOf("/")) || ".", { recursive: true });
  await Deno.writeTextFile(file, JSON.stringify(result, null, 2));
}

async function main(args: string[]): Promise<number> {
  const flags = parseArgs({
    args,
    options: {
      runs: { type: "string", default: "5" },
      seconds: { type: "string", default: "5" },
      clients: { type: "string", default: "8" },
    },
  }).values;
  const binDir = postgresBinDir();
  if (binDir === undefined) {
    console.log("skipped: PostgreSQL is not installed (bash bench/install.sh)");
    return 0;
  }
  const result = await measureProtocolCost(binDir, {
    clients: Number(flags.clients),
    seconds: Number(flags.seconds),
    runs: Number(flags.runs),
  });
  console.log(protocolCostText(result));
  await writeProtocolCost("out/bench-protocol.json", result);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
