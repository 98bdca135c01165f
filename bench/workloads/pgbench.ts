/**
 * PostgreSQL select-only transactions (pgbench -S) through each target,
 * with the proxy's CPU time per transaction.
 * @module
 */

import type { Children } from "../process.ts";
import { portFor } from "../target.ts";
import { runPgbench } from "../tools/pgbench.ts";
import type { RateWorkload } from "./rates.ts";

/** pgbench -S on `clients` connections for `seconds` as a rate workload. */
export function pgbenchSelect(
  children: Children,
  binDir: string,
  clients: number,
  seconds: number,
): RateWorkload {
  return {
    id: `pgbench-${clients}`,
    title: `pgbench -S, ${clients} client${clients === 1 ? "" : "s"}`,
    unit: "tps",
    cpuTitle: "  proxy CPU per transaction",
    cpuUnit: "CPU-µs/txn",
    cpuScale: 1e6,
    ...(clients === 1 ? {} : {
      note: `pgbench -S -c ${clients} -j 1 -T ${seconds}: one primary-key SELECT per ` +
        "transaction, connections opened once",
    }),
    run: async (target) => {
      const result = await runPgbench(children, binDir, portFor(target, "postgres"), {
        clients,
        seconds,
      });
      return { rate: result.tps, work: result.transactions };
    },
  };
}
