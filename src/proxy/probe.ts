/**
 * One probe of a backend: connect (with a deadline), optionally send bytes
 * and wait for expected bytes, then close. Its duration is the backend's
 * measured latency.
 * @module
 */

import type { ProbeResult } from "../balancer/balancer.ts";
import type { Clock } from "../clock.ts";
import type { BackendSpec } from "../pool/backend.ts";
import { dialBackend, type Dialer, DialError } from "./dial.ts";

/** What a probe does after connecting. */
export interface ProbeOptions {
  readonly timeoutMs: number;
  /** Sent after connecting; empty sends nothing. */
  readonly send: string;
  /** The reply must contain this; empty means connecting is enough. */
  readonly expect: string;
}

/** Probes `spec`; never throws. */
export async function probeBackend(
  dialer: Dialer,
  spec: BackendSpec,
  options: ProbeOptions,
  clock: Clock,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const started = clock.now();
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  const deadline = AbortSignal.any([signal, timeout.signal]);
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await dialBackend(dialer, spec, options.timeoutMs, signal);
    if (options.send !== "") await conn.write(new TextEncoder().encode(options.send));
    if (options.expect !== "") await readUntil(conn, options.expect, deadline);
    return { ok: true, latencyMs: clock.now() - started };
  } catch (error) {
    if (error instanceof DialError) return { ok: false, kind: error.kind, message: error.reason };
    if (deadline.aborted && !signal.aborted) {
      return {
        ok: false,
        kind: "timeout",
        message: `no expected reply within ${options.timeoutMs}ms`,
      };
    }
    return { ok: false, kind: "error", message: (error as Error).message };
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // Closed by the deadline.
    }
  }
}

async function readUntil(conn: Deno.Conn, expected: string, deadline: AbortSignal): Promise<void> {
  const onAbort = () => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  deadline.addEventListener("abort", onAbort, { once: true });
  try {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(4096);
    let received = "";
    while (!received.includes(expected)) {
      const count = await conn.read(buffer);
      if (count === null) throw new Error(`closed before sending ${JSON.stringify(expected)}`);
      received = (received + decoder.decode(buffer.subarray(0, count), { stream: true })).slice(
        -65536,
      );
    }
  } finally {
    deadline.removeEventListener("abort", onAbort);
  }
}
