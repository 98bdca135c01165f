/**
 * redis-benchmark: PING_INLINE round trips on N connections, kept alive or
 * reconnecting for every request. Arguments and CSV parsing are pure.
 * @module
 */

import { type Children, runTool } from "../process.ts";

/** How to load the server. */
export interface RoundTripLoad {
  readonly connections: number;
  readonly requests: number;
  /** `false`: a new connection for every request (`-k 0`). */
  readonly keepAlive: boolean;
}

/** Arguments for redis-benchmark against `127.0.0.1:port`, CSV output. */
export function redisBenchmarkArgs(port: number, load: RoundTripLoad): string[] {
  return [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-c",
    String(load.connections),
    "-n",
    String(load.requests),
    "-k",
    load.keepAlive ? "1" : "0",
    "-t",
    "ping_inline",
    "--csv",
  ];
}

/**
 * Requests per second of each test in redis-benchmark's `--csv` output,
 * keyed by test name (`PING_INLINE`).
 *
 * @throws {Error} when the output has no CSV header or no row
 */
export function parseRedisBenchmarkCsv(text: string): Map<string, number> {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  const header = lines.findIndex((line) => line.startsWith('"test"'));
  if (header < 0) throw new Error(`redis-benchmark printed no CSV: ${text.slice(0, 200)}`);
  const columns = splitCsvLine(lines[header] as string);
  const rpsColumn = columns.indexOf("rps");
  if (rpsColumn < 0) throw new Error(`redis-benchmark CSV has no rps column: ${lines[header]}`);
  const rates = new Map<string, number>();
  for (const line of lines.slice(header + 1)) {
    if (!line.startsWith('"')) continue;
    const cells = splitCsvLine(line);
    const rps = Number(cells[rpsColumn]);
    if (cells[0] !== undefined && Number.isFinite(rps)) rates.set(cells[0], rps);
  }
  if (rates.size === 0) throw new Error(`redis-benchmark CSV has no rows: ${text.slice(0, 200)}`);
  return rates;
}

function splitCsvLine(line: string): string[] {
  return line.split(",").map((cell) => cell.replace(/^"|"$/g, ""));
}

/** Requests per second of one PING_INLINE run through `127.0.0.1:port`, tracked in `children`. */
export async function runRedisBenchmark(
  children: Children,
  port: number,
  load: RoundTripLoad,
  timeoutMs: number,
): Promise<number> {
  const { stdout } = await runTool("redis-benchmark", redisBenchmarkArgs(port, load), timeoutMs, {
    children,
  });
  const rps = parseRedisBenchmarkCsv(stdout).get("PING_INLINE");
  if (rps === undefined) throw new Error("redis-benchmark printed no PING_INLINE row");
  return rps;
}
