/**
 * Health and recovery probes that ask the server the way it means it:
 * PostgreSQL gets a startup packet (and, with `role: primary`, a login and
 * `SHOW transaction_read_only`), Redis gets PING (and ROLE). A server that
 * answers "no" (shutting down, loading, not a primary) is reported as
 * `refused`, which takes it out at once. The latency probe stays a plain
 * connect.
 * @module
 */

import type { ProbeResult } from "../balancer/mod.ts";
import type { Frontend } from "../config/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import { probePostgres, probeRedis, startBackendTls } from "../protocol/mod.ts";
import { deadlineSignal, type Scheduler } from "../scheduler.ts";
import { dialBackend, type Dialer, DialError, LocalDialError } from "./dial.ts";
import type { ProtocolSettings } from "./protocol_settings.ts";
import { closeQuietly } from "../net/mod.ts";

/** Probes one backend with the frontend's protocol; never throws; undefined when this process could not dial. */
export type ProtocolProbe = (
  spec: BackendSpec,
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<ProbeResult | undefined>;

/** The protocol probe for a postgres or redis frontend. */
export function protocolProbe(
  config: Frontend,
  settings: ProtocolSettings,
  dialer: Dialer,
  scheduler: Scheduler,
): ProtocolProbe {
  return async (spec, timeoutMs, signal) => {
    const started = scheduler.now();
    using deadline = deadlineSignal(scheduler, timeoutMs, signal);
    // The connection in use (TCP, then TLS): what the deadline closes.
    const held: { conn?: Deno.Conn } = {};
    const onAbort = () => held.conn !== undefined && closeQuietly(held.conn);
    deadline.signal.addEventListener("abort", onAbort, { once: true });
    try {
      const password = settings.password();
      if (password.problem !== undefined) {
        return { ok: false, kind: "error", message: password.problem };
      }
      const conn = await dialBackend(dialer, spec, timeoutMs, signal, scheduler);
      held.conn = conn;
      const outcome = config.postgres !== undefined
        ? await postgresOutcome(
          held,
          conn,
          spec,
          config.postgres,
          settings,
          password.value,
        )
        : await probeRedis(conn, {
          role: config.redis?.role ?? "any",
          ...(password.value === undefined ? {} : { password: password.value }),
          ...(config.redis?.user ? { user: config.redis.user } : {}),
        });
      return outcome.up
        ? { ok: true, latencyMs: scheduler.now() - started }
        : { ok: false, kind: "refused", message: outcome.reason };
    } catch (error) {
      // This process could not dial (e.g. out of descriptors): nothing to hold against the backend.
      if (error instanceof LocalDialError) return undefined;
      if (error instanceof DialError) return { ok: false, kind: error.kind, message: error.reason };
      if (deadline.timedOut()) {
        return { ok: false, kind: "timeout", message: `no answer within ${timeoutMs}ms` };
      }
      return { ok: false, kind: "error", message: (error as Error).message };
    } finally {
      deadline.signal.removeEventListener("abort", onAbort);
      if (held.conn !== undefined) closeQuietly(held.conn);
    }
  };
}

async function postgresOutcome(
  held: { conn?: Deno.Conn },
  tcp: Deno.TcpConn,
  spec: BackendSpec,
  options: NonNullable<Frontend["postgres"]>,
  settings: ProtocolSettings,
  password: string | undefined,
) {
  if (settings.tlsProblem !== undefined) return { up: false, reason: settings.tlsProblem } as const;
  const tls = settings.tlsFor(spec);
  const conn = tls === undefined ? tcp : await startBackendTls(tcp, tls);
  held.conn = conn;
  return await probePostgres(conn, {
    role: options.role,
    user: options.user,
    ...(options.database === "" ? {} : { database: options.database }),
    ...(password === undefined ? {} : { password }),
  });
}
