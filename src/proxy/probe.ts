/**
 * One probe of a backend: connect (with a deadline), optionally send bytes
 * and wait for expected bytes, then close. Its duration is the backend's
 * measured latency.
 * @module
 */

import type { ProbeResult } from "../balancer/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import { deadlineSignal, type Scheduler } from "../scheduler.ts";
import { dialBackend, type Dialer, DialError, LocalDialError } from "./dial.ts";

/** How soon a probe this process could not make (e.g. out of descriptors) is tried again. */
export const LOCAL_RETRY_MS = 1000;

/** What a probe does after connecting. */
export interface ProbeOptions {
  readonly timeoutMs: number;
  /** Sent after connecting; empty sends nothing. */
  readonly send: string;
  /** The reply must contain this; empty means connecting is enough. */
  readonly expect: string;
}

/**
 * Probes `spec`; never throws. Undefined when the probe could not be made
 * for a local reason (out of descriptors, no permission): that says
 * nothing about the backend.
 */
export async function probeBackend(
  dialer: Dialer,
  spec: BackendSpec,
  options: ProbeOptions,
  scheduler: Scheduler,
  signal: AbortSignal,
): Promise<ProbeResult | undefined> {
  const started = scheduler.now();
  using deadline = deadlineSignal(scheduler, options.timeoutMs, signal);
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await dialBackend(dialer, spec, options.timeoutMs, signal, scheduler);
    if (options.send !== "") await conn.write(new TextEncoder().encode(options.send));
    if (options.expect !== "") await readUntil(conn, options.expect, deadline.signal);
    return { ok: true, latencyMs: scheduler.now() - started };
  } catch (error) {
    if (error instanceof LocalDialError) return undefined;
    if (error instanceof DialError) return { ok: false, kind: error.kind, message: error.reason };
    if (deadline.timedOut() && !signal.aborted) {
      return {
        ok: false,
        kind: "timeout",
        message: `no expected reply within ${options.timeoutMs}ms`,
      };
    }
    return { ok: false, kind: "error", message: (error as Error).message };
  } finally {
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
