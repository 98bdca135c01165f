/**
 * A Redis health probe over an open connection: PING must answer PONG; a
 * server still loading its data set (`-LOADING`) or a replica that lost its
 * primary (`-MASTERDOWN`) is down. With `role: "primary"` a replica is not
 * eligible (ROLE must say `master`).
 * @module
 */

import { encodeCommand, ReplyReader, type RespValue } from "./reply_reader.ts";

/** What a connection must offer the probe. */
export interface RedisConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
}

/** What the probe checks. */
export interface RedisProbeOptions {
  readonly role: "any" | "primary";
  /** Sent with AUTH first when set (with `user`, an ACL user). */
  readonly password?: string;
  readonly user?: string;
}

/** The probe's verdict. */
export type RedisProbeOutcome =
  | { readonly up: true }
  | { readonly up: false; readonly reason: string };

/**
 * Probes over `conn`; never closes it (the caller does, and bounds the time by closing it).
 * @throws only what reading or writing `conn` throws, or a reply that is not RESP
 */
export async function probeRedis(
  conn: RedisConn,
  options: RedisProbeOptions,
): Promise<RedisProbeOutcome> {
  const reader = new ReplyReader(conn);
  const ask = async (words: string[]): Promise<RespValue> => {
    await conn.write(encodeCommand(words));
    return await reader.read();
  };
  if (options.password !== undefined) {
    const words = options.user === undefined
      ? ["AUTH", options.password]
      : ["AUTH", options.user, options.password];
    const auth = await ask(words);
    if (auth !== "OK") return { up: false, reason: `AUTH: ${describe(auth)}` };
  }
  const pong = await ask(["PING"]);
  if (pong !== "PONG") return { up: false, reason: `PING: ${describe(pong)}` };
  if (options.role === "primary") {
    const role = await ask(["ROLE"]);
    const name = Array.isArray(role) ? role[0] : role;
    if (name !== "master") return { up: false, reason: `not a primary: ROLE is ${describe(name)}` };
  }
  return { up: true };
}

function describe(value: RespValue | undefined): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value.error;
  return JSON.stringify(value) ?? "nothing";
}
