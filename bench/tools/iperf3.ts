/**
 * iperf3: one TCP stream of a fixed size, client → server, through an
 * address. Arguments and JSON parsing are pure; `runIperf3` runs the client.
 * @module
 */

import { type Children, runTool } from "../process.ts";

/** What one iperf3 run measured (receiver side). */
export interface StreamResult {
  /** Bytes the receiver got. */
  readonly bytes: number;
  readonly seconds: number;
  readonly gbitPerSecond: number;
}

/** Arguments for `iperf3 -s` listening on `127.0.0.1:port`. */
export function iperf3ServerArgs(port: number): string[] {
  return ["-s", "-B", "127.0.0.1", "-p", String(port), "--forceflush"];
}

/** Arguments for a client sending `bytes` to `127.0.0.1:port`, JSON output. */
export function iperf3ClientArgs(port: number, bytes: number): string[] {
  return ["-c", "127.0.0.1", "-p", String(port), "-n", String(bytes), "-J"];
}

/**
 * The receiver's figures from `iperf3 -J` output.
 *
 * @throws {Error} with iperf3's own message when the run failed
 */
export function parseIperf3Json(text: string): StreamResult {
  let report: {
    error?: string;
    end?: { sum_received?: { bytes?: number; seconds?: number; bits_per_second?: number } };
  };
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw new Error(`iperf3 printed no JSON: ${text.slice(0, 200)}`, { cause: error });
  }
  if (report.error !== undefined) throw new Error(`iperf3: ${report.error}`);
  const received = report.end?.sum_received;
  const { bytes, seconds, bits_per_second: bitsPerSecond } = received ?? {};
  if (bytes === undefined || seconds === undefined || bitsPerSecond === undefined) {
    throw new Error("iperf3 JSON has no end.sum_received figures");
  }
  return { bytes, seconds, gbitPerSecond: bitsPerSecond / 1e9 };
}

/** Sends `bytes` through `127.0.0.1:port` once; the client is tracked in `children`. */
export async function runIperf3(
  children: Children,
  port: number,
  bytes: number,
  timeoutMs: number,
): Promise<StreamResult> {
  const { stdout } = await runTool("iperf3", iperf3ClientArgs(port, bytes), timeoutMs, {
    okCodes: [0, 1],
    children,
  });
  return parseIperf3Json(stdout);
}
