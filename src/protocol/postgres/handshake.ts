/**
 * The start of a PostgreSQL session as the sidecar holds it: read what the
 * client asks first (answering SSLRequest and GSSENCRequest with `N`, since
 * the client is on loopback), open TLS to the backend when configured, and
 * send the client's StartupMessage to a backend, looking at the first
 * answer only to see whether the backend refused the session with a
 * "try elsewhere" code.
 * @module
 */

import { type Message, MessageReader } from "./message_reader.ts";
import { parseErrorFields, parseStartupPacket, sslRequest } from "./messages.ts";
import { isUnavailable } from "./sqlstate.ts";
import { type CancelKey, cancelKeyOf } from "./session_state.ts";

/** A byte stream the handshake reads and writes: a socket, or TLS over one. */
export interface ByteConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
}

/** What the client opened its connection for. */
export type ClientOpening =
  | {
    readonly kind: "startup";
    /** The StartupMessage, to replay to each backend tried. */
    readonly packet: Uint8Array;
    /** Bytes the client sent after it (normally none; the server speaks next). */
    readonly rest: Uint8Array;
    /** The TLS stream the client talks through, when the sidecar terminated its TLS. */
    readonly tls?: ByteConn;
  }
  | { readonly kind: "cancel"; readonly key: CancelKey; readonly packet: Uint8Array }
  | { readonly kind: "closed" };

const NO = Uint8Array.of(0x4e); // 'N': no TLS or GSS encryption here
const YES = Uint8Array.of(0x53); // 'S': go ahead with the TLS handshake

/**
 * Reads the client's first packets and returns its StartupMessage or
 * CancelRequest. An SSLRequest is answered `S` and TLS is terminated by
 * `startTls` when it is given, `N` otherwise; a GSSENCRequest always `N`.
 * @throws {RangeError} for a packet that is not PostgreSQL's (the session then ends)
 */
export async function readClientOpening(
  client: ByteConn,
  startTls?: () => Promise<ByteConn>,
): Promise<ClientOpening> {
  let conn = client;
  let tls: ByteConn | undefined;
  let reader = new MessageReader(conn);
  // A client may ask for SSL, then GSS (or the reverse) before it settles.
  for (let asked = 0; asked < 3; asked++) {
    const packet = await reader.readPacket();
    if (packet === undefined) return { kind: "closed" };
    const parsed = parseStartupPacket(packet);
    switch (parsed.kind) {
      case "ssl":
        if (startTls === undefined || tls !== undefined) {
          await conn.write(NO);
          continue;
        }
        await conn.write(YES);
        conn = tls = await startTls();
        reader = new MessageReader(conn);
        continue;
      case "gssenc":
        await conn.write(NO);
        continue;
      case "cancel":
        return {
          kind: "cancel",
          key: cancelKeyOf(parsed.processId, parsed.secret),
          packet,
        };
      case "startup":
        return {
          kind: "startup",
          packet,
          rest: reader.takeBuffered(),
          ...(tls === undefined ? {} : { tls }),
        };
    }
  }
  throw new RangeError("the client asked for encryption three times");
}

/** TLS to a backend, as configured. */
export interface BackendTls {
  /** "require" checks the chain only; "verify-full" the host name as well. */
  readonly mode: "verify-full" | "require";
  /** PEM texts of the CAs to trust (sessions: in place of the system roots; probes: besides them). */
  readonly caCerts: readonly string[];
  /** The name the certificate must carry. */
  readonly serverName: string;
}

/** The backend said no to TLS, or the handshake failed. */
export class BackendTlsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BackendTlsError";
  }
}

/**
 * Asks the backend for TLS (SSLRequest) and starts it. On success `conn`
 * belongs to the TLS connection; on failure it is closed.
 * @throws {BackendTlsError} when the backend refuses TLS or its certificate does not verify
 */
export async function startBackendTls(conn: Deno.TcpConn, tls: BackendTls): Promise<Deno.TlsConn> {
  await conn.write(sslRequest());
  const answer = new Uint8Array(1);
  const count = await conn.read(answer);
  if (count === null || answer[0] !== 0x53) conn.close();
  if (count === null) throw new BackendTlsError("closed the connection at SSLRequest");
  if (answer[0] !== 0x53) {
    throw new BackendTlsError(
      `refused TLS (answered ${JSON.stringify(String.fromCharCode(answer[0] as number))})`,
    );
  }
  // startTls consumes `conn`: from here on only the TLS connection can be closed.
  const tlsConn = await Deno.startTls(conn, {
    hostname: tls.serverName,
    caCerts: [...tls.caCerts],
    unsafelyDisableHostnameVerification: tls.mode === "require",
  });
  try {
    await tlsConn.handshake();
    return tlsConn;
  } catch (error) {
    tlsConn.close();
    throw new BackendTlsError(`TLS handshake: ${(error as Error).message}`, { cause: error });
  }
}

/** How a backend answered a StartupMessage. */
export type StartupAnswer =
  /** It took the session: `first` holds its first message(s), for the client. */
  | { readonly taken: true; readonly first: Uint8Array }
  /** It refused with a "not now" code: try another backend, the client never knows. */
  | { readonly taken: false; readonly code: string; readonly message: string }
  /** It closed without a word. */
  | { readonly taken: false; readonly code: undefined; readonly message: string };

/**
 * Sends the client's StartupMessage and reads the backend's first message.
 * @throws what reading or writing throws, or a RangeError for a non-PostgreSQL answer
 */
export async function sendStartup(
  server: { read(p: Uint8Array): Promise<number | null>; write(p: Uint8Array): Promise<number> },
  packet: Uint8Array,
): Promise<StartupAnswer> {
  await server.write(packet);
  const reader = new MessageReader(server);
  const first = await reader.readMessage();
  if (first === undefined) {
    return { taken: false, code: undefined, message: "closed without answering the startup" };
  }
  if (first.type === 0x45) {
    const fields = parseErrorFields(first.body);
    const code = fields.get("C");
    if (isUnavailable(code)) {
      return { taken: false, code: code as string, message: `${code} ${fields.get("M") ?? ""}` };
    }
  }
  return { taken: true, first: rejoin(first, reader.takeBuffered()) };
}

/** A message read whole, and what was read after it, as bytes again. */
function rejoin(message: Message, rest: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(5 + message.body.length + rest.length);
  bytes[0] = message.type;
  const length = 4 + message.body.length;
  bytes[1] = length >>> 24;
  bytes[2] = (length >>> 16) & 0xff;
  bytes[3] = (length >>> 8) & 0xff;
  bytes[4] = length & 0xff;
  bytes.set(message.body, 5);
  bytes.set(rest, 5 + message.body.length);
  return bytes;
}
