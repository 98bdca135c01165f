/**
 * A PostgreSQL health probe over an open connection: a startup packet, read
 * the way the server means it. A server that answers "cannot connect now",
 * "admin shutdown" or "too many connections" is down even though it
 * accepts TCP; with `role: "primary"` the probe logs in and a server in
 * read-only mode (a standby, a demoted primary) is not eligible.
 * @module
 */

import { PgClient, type PgConn, PgError } from "./client.ts";
import { isUnavailable } from "./sqlstate.ts";
import { parseErrorFields, startupMessage } from "./messages.ts";
import { MessageReader } from "./message_reader.ts";

/** What the probe checks. */
export interface PgProbeOptions {
  /** "primary": log in and require `transaction_read_only = off`. */
  readonly role: "any" | "primary";
  readonly user: string;
  /** @default the user name */
  readonly database?: string;
  /** Needed with `role: "primary"` unless the server trusts the probe's user. */
  readonly password?: string;
}

/** The probe's verdict; `down` carries why, in the server's words when it gave any. */
export type PgProbeOutcome =
  | { readonly up: true }
  | { readonly up: false; readonly reason: string; readonly code?: string };

/**
 * Probes over `conn` (connected, and TLS-wrapped when the backend wants it).
 * Never closes `conn`; the caller does, and bounds the time by closing it.
 * @throws only what reading or writing `conn` throws
 */
export async function probePostgres(
  conn: PgConn,
  options: PgProbeOptions,
): Promise<PgProbeOutcome> {
  if (options.role === "primary") return await probePrimary(conn, options);
  await conn.write(startupMessage({
    user: options.user,
    database: options.database ?? options.user,
    application_name: "iaido-probe",
  }));
  const reader = new MessageReader(conn);
  const first = await reader.readMessage();
  if (first === undefined) return { up: false, reason: "closed without answering the startup" };
  // 'R': the server has taken the startup and asks for (or grants) authentication.
  if (first.type === 0x52) return { up: true };
  if (first.type === 0x45) {
    const fields = parseErrorFields(first.body);
    const code = fields.get("C");
    const message = `${code ?? "?"} ${fields.get("M") ?? ""}`.trim();
    // Any other refusal (no pg_hba entry for the probe, say) still shows a server that takes sessions.
    return isUnavailable(code) ? { up: false, reason: message, ...codeOf(code) } : { up: true };
  }
  return { up: false, reason: `unexpected first message type ${first.type}` };
}

async function probePrimary(conn: PgConn, options: PgProbeOptions): Promise<PgProbeOutcome> {
  const client = new PgClient(conn);
  try {
    await client.login({
      user: options.user,
      ...(options.database === undefined ? {} : { database: options.database }),
      ...(options.password === undefined ? {} : { password: options.password }),
      applicationName: "iaido-probe",
    });
    const { rows } = await client.query("SHOW transaction_read_only");
    const readOnly = rows[0]?.[0];
    await client.terminate();
    if (readOnly === "off") return { up: true };
    return {
      up: false,
      reason: `not a primary: transaction_read_only is ${readOnly ?? "unknown"}`,
    };
  } catch (error) {
    if (error instanceof PgError) {
      return { up: false, reason: `${error.code} ${error.message}`, ...codeOf(error.code) };
    }
    throw error;
  }
}

function codeOf(code: string | undefined): { code?: string } {
  return code === undefined ? {} : { code };
}
