/**
 * `deno task bench:protocol`: what `protocol: postgres` costs against
 * `tcp` on `pgbench -S`. One PostgreSQL cluster, one sidecar with two
 * frontends on it that differ only in `protocol`, pgbench runs alternating
 * between them; prints the median transactions per second of each, the
 * ratio, and the sidecar's CPU per transaction, and writes
 * out/bench-protocol.json.
 *
 * Flags: `--runs N` (default 5), `--seconds N` (default 5), `--clients N`
 * (default 8).
 * @module
 */

import { parseArgs } from "node:util";
import { Children } from "./process.ts";
import { readCpuSeconds } from "./procfs.ts";
import { median } from "./stats.ts";
import { runPgbench } from "./tools/pgbench.ts";
import { postgresBinDir, startPostgres } from "./tools/postgres.ts";
import { startSidecar } from "./tools/sidecar.ts";

const VARIANTS = ["tcp", "postgres"] as const;

async function main(args: string[]): Promise<number> {
  const flags = parseArgs({
    args,
    options: {
      runs: { type: "string", default: "5" },
      seconds: { type: "string", default: "5" },
      clients: { type: "string", default: "8" },
    },
  }).values;
  const runs = Number(flags.runs);
  const seconds = Number(flags.seconds);
  const clients = Number(flags.clients);
  const binDir = postgresBinDir();
  if (binDir === undefined) {
    console.log("skipped: PostgreSQL is not installed (bash bench/install.sh)");
    return 0;
  }
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
        console.log(`run ${run + 1} ${variant}: ${result.tps.toFixed(0)} tps`);
      }
    }
    const tps = { tcp: median(samples.tcp), postgres: median(samples.postgres) };
    const cpuPerTx = { tcp: median(cpu.tcp), postgres: median(cpu.postgres) };
    const cost = 1 - tps.postgres / tps.tcp;
    console.log(
      `pgbench -S -c ${clients} -j 1 -T ${seconds}, ${runs} runs each (medians):\n` +
        `  protocol tcp:      ${tps.tcp.toFixed(0)} tps, ${cpuPerTx.tcp.toFixed(1)} CPU-µs/txn\n` +
        `  protocol postgres: ${tps.postgres.toFixed(0)} tps, ${
          cpuPerTx.postgres.toFixed(1)
        } CPU-µs/txn\n` +
        `  cost: ${(cost * 100).toFixed(1)} % of tps (goal: under 5 %)`,
    );
    await Deno.mkdir("out", { recursive: true });
    await Deno.writeTextFile(
      "out/bench-protocol.json",
      JSON.stringify({ clients, seconds, runs, samples, cpu, tps, cpuPerTx, cost }, null, 2),
    );
    return 0;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.exit(await main(Deno.args));
