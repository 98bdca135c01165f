/**
 * A minimal PostgreSQL client: log in (trust, cleartext, md5 or
 * SCRAM-SHA-256) and run simple queries with text results. Enough for the
 * `role: primary` probe and for tests; not a driver.
 * @module
 */

import { type ByteSource, type Message, MessageReader } from "./message_reader.ts";
import {
  parseAuthRequest,
  parseErrorFields,
  parseSaslMechanisms,
  passwordMessage,
  queryMessage,
  saslInitialResponse,
  saslResponse,
  startupMessage,
  terminateMessage,
} from "./messages.ts";
import { readInt32 } from "./framing.ts";
import { md5Password, ScramClient } from "./scram.ts";

/** What a connection must offer the client. */
export interface PgConn extends ByteSource {
  write(bytes: Uint8Array): Promise<number>;
}

/** Who logs in. */
export interface Credentials {
  readonly user: string;
  /** @default the user name */
  readonly database?: string;
  /** Needed unless the server trusts the user. */
  readonly password?: string;
  /** Shown in pg_stat_activity. @default "iaido" */
  readonly applicationName?: string;
}

/** An ErrorResponse from the server. */
export class PgError extends Error {
  /** The SQLSTATE, e.g. "57P03". */
  readonly code: string;
  readonly severity: string;

  constructor(fields: ReadonlyMap<string, string>) {
    super(`${fields.get("S") ?? "ERROR"}: ${fields.get("M") ?? "unknown error"}`);
    this.name = "PgError";
    this.code = fields.get("C") ?? "";
    this.severity = fields.get("S") ?? "";
  }
}

/** What the server told the client at login. */
export interface Session {
  readonly processId: number;
  readonly secret: Uint8Array;
  readonly parameters: ReadonlyMap<string, string>;
}

/** Rows of a simple query's last result, as text (null as undefined). */
export interface QueryResult {
  readonly rows: (string | undefined)[][];
  /** The last CommandComplete tag, e.g. "SELECT 1". */
  readonly command: string;
}

const decoder = new TextDecoder();
const TYPE = {
  auth: 0x52, // R
  error: 0x45, // E
  notice: 0x4e, // N
  ready: 0x5a, // Z
  keyData: 0x4b, // K
  parameter: 0x53, // S
  dataRow: 0x44, // D
  complete: 0x43, // C
} as const;

/** A logged-in connection that runs simple queries one at a time. */
export class PgClient {
  readonly conn: PgConn;
  readonly reader: MessageReader;
  #session: Session | undefined;

  constructor(conn: PgConn, reader: MessageReader = new MessageReader(conn)) {
    this.conn = conn;
    this.reader = reader;
  }

  /** The key and parameters from login. */
  get session(): Session | undefined {
    return this.#session;
  }

  /**
   * Sends a StartupMessage and authenticates, up to the first ReadyForQuery.
   * @throws {PgError} when the server refuses (e.g. 57P03, 28P01)
   * @throws {Error} for an authentication method it does not speak, or a broken stream
   */
  async login(credentials: Credentials): Promise<Session> {
    const { user } = credentials;
    await this.conn.write(startupMessage({
      user,
      database: credentials.database ?? user,
      application_name: credentials.applicationName ?? "iaido",
    }));
    let scram: ScramClient | undefined;
    const parameters = new Map<string, string>();
    let processId = 0;
    let secret = new Uint8Array(0);
    while (true) {
      const message = await this.#next();
      if (message.type === TYPE.auth) {
        const request = parseAuthRequest(message.body);
        const password = () => {
          if (credentials.password === undefined) {
            throw new Error(`the server asks user ${user} for a password and none is configured`);
          }
          return credentials.password;
        };
        switch (request.code) {
          case 0:
            break;
          case 3:
            await this.conn.write(passwordMessage(password()));
            break;
          case 5:
            await this.conn.write(passwordMessage(md5Password(user, password(), request.data)));
            break;
          case 10: {
            const mechanisms = parseSaslMechanisms(request.data);
            if (!mechanisms.includes("SCRAM-SHA-256")) {
              throw new Error(`no supported SASL mechanism in ${mechanisms.join(", ")}`);
            }
            scram = new ScramClient(password());
            const first = new TextEncoder().encode(scram.clientFirst());
            await this.conn.write(saslInitialResponse("SCRAM-SHA-256", first));
            break;
          }
          case 11: {
            if (scram === undefined) throw new Error("SASL continue without a SASL start");
            const final = await scram.clientFinal(decoder.decode(request.data));
            await this.conn.write(saslResponse(new TextEncoder().encode(final)));
            break;
          }
          case 12:
            if (scram === undefined) throw new Error("SASL final without a SASL start");
            scram.verifyServerFinal(decoder.decode(request.data));
            break;
          default:
            throw new Error(`unsupported authentication method ${request.code}`);
        }
      } else if (message.type === TYPE.parameter) {
        const [name, value] = decoder.decode(message.body).split("\0");
        if (name !== undefined && value !== undefined) parameters.set(name, value);
      } else if (message.type === TYPE.keyData && message.body.length >= 8) {
        processId = readInt32(message.body, 0);
        secret = message.body.slice(4);
      } else if (message.type === TYPE.ready) {
        this.#session = { processId, secret, parameters };
        return this.#session;
      }
    }
  }

  /**
   * Runs one simple query and waits for ReadyForQuery.
   * @throws {PgError} when the query fails (after the server is ready again)
   */
  async query(sql: string): Promise<QueryResult> {
    await this.conn.write(queryMessage(sql));
    let rows: (string | undefined)[][] = [];
    let command = "";
    let error: PgError | undefined;
    while (true) {
      // A FATAL error is followed by the close, not ReadyForQuery: report the error.
      const message = await this.#next(false).catch((closed) => {
        throw error ?? closed;
      });
      if (message.type === TYPE.dataRow) rows.push(parseRow(message.body));
      else if (message.type === 0x54) rows = []; // RowDescription: a new result starts
      else if (message.type === TYPE.complete) {
        command = decoder.decode(message.body.subarray(0, message.body.length - 1));
      } else if (message.type === TYPE.error) error = new PgError(parseErrorFields(message.body));
      else if (message.type === TYPE.ready) {
        if (error !== undefined) throw error;
        return { rows, command };
      }
    }
  }

  /** Sends Terminate (the server then closes); never throws. */
  async terminate(): Promise<void> {
    try {
      await this.conn.write(terminateMessage());
    } catch {
      // Already gone.
    }
  }

  async #next(throwErrors = true): Promise<Message> {
    const message = await this.reader.readMessage();
    if (message === undefined) throw new Error("the server closed the connection");
    if (throwErrors && message.type === TYPE.error) {
      throw new PgError(parseErrorFields(message.body));
    }
    return message;
  }
}

function parseRow(body: Uint8Array): (string | undefined)[] {
  const count = ((body[0] as number) << 8) | (body[1] as number);
  const values: (string | undefined)[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = readInt32(body, at);
    at += 4;
    if (length < 0) values.push(undefined);
    else {
      values.push(decoder.decode(body.subarray(at, at + length)));
      at += length;
    }
  }
  return values;
}
