/**
 * A PostgreSQL client connection for tests and chaos scenarios: TCP to an
 * address (the sidecar, or a server), an SSLRequest first the way drivers
 * with `sslmode=prefer` do, then a SCRAM login as the test superuser.
 * @module
 */

import {
  cancelRequest,
  MessageReader,
  PgClient,
  type PgError,
  sslRequest,
} from "../protocol/mod.ts";
import { splitAddress } from "./client.ts";
import { PG_TEST_PASSWORD } from "./postgres.ts";

/** A logged-in client that owns its socket. */
export interface TestPgConn extends Disposable {
  readonly client: PgClient;
  /** The socket, or the TLS connection over it. */
  readonly conn: Deno.Conn;
  /** Runs SQL; resolves to the rows. */
  query(sql: string): Promise<(string | undefined)[][]>;
  /** Sends a CancelRequest for this session over a new connection to `address`. */
  cancel(address: string): Promise<void>;
}

/** Options for `connectPg`. */
export interface ConnectPgOptions {
  /** Ask for TLS first (the sidecar answers N). @default true */
  readonly sslRequest?: boolean;
  /** @default "postgres" */
  readonly database?: string;
  /** Expect `S` and open TLS, trusting this CA (PEM): the sidecar terminates it. */
  readonly tlsCa?: string;
}

/**
 * Connects to `address` (host:port) and logs in as the test superuser.
 * @throws {PgError} when the server refuses the session
 */
export async function connectPg(
  address: string,
  options: ConnectPgOptions = {},
): Promise<TestPgConn> {
  const conn = await Deno.connect(splitAddress(address));
  let stream: Deno.Conn = conn;
  try {
    if (options.sslRequest ?? true) {
      await conn.write(sslRequest());
      const answer = new Uint8Array(1);
      const expected = options.tlsCa === undefined ? 0x4e : 0x53;
      if (await conn.read(answer) !== 1 || answer[0] !== expected) {
        throw new Error(`SSLRequest answered ${answer[0]}, expected ${expected}`);
      }
      if (options.tlsCa !== undefined) {
        const { hostname } = splitAddress(address);
        stream = await Deno.startTls(conn, { hostname, caCerts: [options.tlsCa] });
      }
    }
    const client = new PgClient(stream, new MessageReader(stream));
    await client.login({
      user: "postgres",
      database: options.database ?? "postgres",
      password: PG_TEST_PASSWORD,
    });
    const opened = stream;
    return {
      client,
      conn: opened,
      async query(sql) {
        return (await client.query(sql)).rows;
      },
      async cancel(target) {
        const session = client.session;
        if (session === undefined) throw new Error("not logged in");
        using canceller = await Deno.connect(splitAddress(target));
        await canceller.write(cancelRequest(session.processId, session.secret));
        // The server closes once it has the request; wait for that.
        await canceller.read(new Uint8Array(1)).catch(() => null);
      },
      [Symbol.dispose]() {
        try {
          opened.close();
        } catch {
          // Already closed.
        }
      },
    };
  } catch (error) {
    stream.close();
    throw error;
  }
}

/** The SQLSTATE of a PgError (or undefined for any other error). */
export function sqlState(error: unknown): string | undefined {
  return (error as Partial<PgError>)?.name === "PgError" ? (error as PgError).code : undefined;
}
