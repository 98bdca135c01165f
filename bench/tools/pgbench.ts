/**
 * pgbench `-S` (a primary-key SELECT per transaction, the small database
 * round trip this sidecar exists for) on N clients for a fixed time.
 * Arguments and output parsing are pure.
 * @module
 */

import { type Children, runTool } from "../process.ts";
import { pgbenchConnectionArgs } from "./postgres.ts";

/** How to load the database. */
export interface PgbenchLoad {
  readonly clients: number;
  readonly seconds: number;
}

/** What one run measured. */
export interface PgbenchResult {
  readonly tps: number;
  readonly transactions: number;
}

/**
 * Arguments for a select-only run on `127.0.0.1:port`: no vacuum first (the
 * tables are fresh), one client thread (the cores are few and shared), and
 * pgbench's own connection set-up left out of its rate.
 */
export function pgbenchArgs(port: number, load: PgbenchLoad): string[] {
  return [
    "-S",
    "-n",
    "-c",
    String(load.clients),
    "-j",
    "1",
    "-T",
    String(load.seconds),
    ...pgbenchConnectionArgs(port),
  ];
}

/**
 * Transactions per second and the count processed, from pgbench's report.
 *
 * @throws {Error} when the report lacks them or says transactions failed
 */
export function parsePgbenchOutput(text: string): PgbenchResult {
  const tps = text.match(/^tps = ([\d.]+) \(without initial connection time\)$/m);
  const processed = text.match(/^number of transactions actually processed: (\d+)/m);
  if (tps === null || processed === null) {
    throw new Error(`pgbench printed no tps: ${text.slice(0, 300)}`);
  }
  const failed = text.match(/^number of failed transactions: (\d+)/m);
  if (failed !== null && Number(failed[1]) > 0) {
    throw new Error(`pgbench: ${failed[1]} transactions failed`);
  }
  return { tps: Number(tps[1]), transactions: Number(processed[1]) };
}

/** One pgbench run through `127.0.0.1:port`, tracked in `children`. */
export async function runPgbench(
  children: Children,
  binDir: string,
  port: number,
  load: PgbenchLoad,
): Promise<PgbenchResult> {
  const { stdout } = await runTool(
    `${binDir}/pgbench`,
    pgbenchArgs(port, load),
    30_000 + load.seconds * 3000,
    { children },
  );
  return parsePgbenchOutput(stdout);
}
