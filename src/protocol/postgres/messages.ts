/**
 * The few PostgreSQL messages the sidecar writes or reads whole: startup
 * packets, authentication, errors. Builders return fresh bytes; parsers
 * take a message body (after the type byte and length).
 * @module
 */

import { readInt32 } from "./framing.ts";

/** Protocol 3.0, the code of a StartupMessage. */
export const PROTOCOL_3_0 = 196608;
/** The request code of an SSLRequest. */
export const SSL_REQUEST_CODE = 80877103;
/** The request code of a GSSENCRequest. */
export const GSSENC_REQUEST_CODE = 80877104;
/** The request code of a CancelRequest. */
export const CANCEL_REQUEST_CODE = 80877102;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a client's first packet (length + code, no type byte) asks for. */
export type StartupPacket =
  | { readonly kind: "ssl" }
  | { readonly kind: "gssenc" }
  | {
    readonly kind: "cancel";
    readonly processId: number;
    /** The secret key (4 bytes in protocol 3.0, up to 256 in 3.2). */
    readonly secret: Uint8Array;
  }
  | {
    readonly kind: "startup";
    readonly version: number;
    readonly parameters: ReadonlyMap<string, string>;
  };

/**
 * Parses a whole untyped packet (its four length bytes included).
 * @throws {RangeError} when it is none of the known packets
 */
export function parseStartupPacket(packet: Uint8Array): StartupPacket {
  if (packet.length < 8) throw new RangeError(`startup packet of ${packet.length} bytes is short`);
  const code = readInt32(packet, 4);
  if (code === SSL_REQUEST_CODE) return { kind: "ssl" };
  if (code === GSSENC_REQUEST_CODE) return { kind: "gssenc" };
  if (code === CANCEL_REQUEST_CODE) {
    if (packet.length < 16) throw new RangeError(`cancel request of ${packet.length} bytes`);
    return { kind: "cancel", processId: readInt32(packet, 8), secret: packet.slice(12) };
  }
  if (code >>> 16 !== 3) {
    throw new RangeError(`unsupported protocol ${code >>> 16}.${code & 0xffff}`);
  }
  const parameters = new Map<string, string>();
  const strings = decoder.decode(packet.subarray(8)).split("\0");
  for (let i = 0; i + 1 < strings.length && strings[i] !== ""; i += 2) {
    parameters.set(strings[i] as string, strings[i + 1] as string);
  }
  return { kind: "startup", version: code, parameters };
}

/** An SSLRequest. */
export function sslRequest(): Uint8Array {
  return untyped(SSL_REQUEST_CODE, new Uint8Array(0));
}

/** A CancelRequest for a session's key. */
export function cancelRequest(processId: number, secret: Uint8Array): Uint8Array {
  const body = new Uint8Array(4 + secret.length);
  writeInt32(body, 0, processId);
  body.set(secret, 4);
  return untyped(CANCEL_REQUEST_CODE, body);
}

/** A protocol 3.0 StartupMessage with these parameters (`user` at least). */
export function startupMessage(parameters: Readonly<Record<string, string>>): Uint8Array {
  const text = Object.entries(parameters).map(([key, value]) => `${key}\0${value}\0`).join("") +
    "\0";
  return untyped(PROTOCOL_3_0, encoder.encode(text));
}

/** A PasswordMessage (cleartext or md5 hash). */
export function passwordMessage(password: string): Uint8Array {
  return typed("p", encoder.encode(`${password}\0`));
}

/** A SASLInitialResponse choosing `mechanism`. */
export function saslInitialResponse(mechanism: string, data: Uint8Array): Uint8Array {
  const name = encoder.encode(`${mechanism}\0`);
  const body = new Uint8Array(name.length + 4 + data.length);
  body.set(name, 0);
  writeInt32(body, name.length, data.length);
  body.set(data, name.length + 4);
  return typed("p", body);
}

/** A SASLResponse. */
export function saslResponse(data: Uint8Array): Uint8Array {
  return typed("p", data);
}

/** A simple Query. */
export function queryMessage(sql: string): Uint8Array {
  return typed("Q", encoder.encode(`${sql}\0`));
}

/** A Terminate. */
export function terminateMessage(): Uint8Array {
  return typed("X", new Uint8Array(0));
}

/** The fields of an ErrorResponse the sidecar writes itself. */
export interface ErrorFields {
  /** "FATAL" for an error that ends the session. */
  readonly severity: string;
  /** The SQLSTATE, e.g. "57P01". */
  readonly code: string;
  readonly message: string;
}

/** An ErrorResponse (or, with type "N", a NoticeResponse). */
export function errorResponse(fields: ErrorFields, type: "E" | "N" = "E"): Uint8Array {
  const text = `S${fields.severity}\0V${fields.severity}\0C${fields.code}\0M${fields.message}\0\0`;
  return typed(type, encoder.encode(text));
}

/** Fields of an ErrorResponse or NoticeResponse body, by field type ('C' is the SQLSTATE). */
export function parseErrorFields(body: Uint8Array): Map<string, string> {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const type = String.fromCharCode(body[at] as number);
    const end = body.indexOf(0, at + 1);
    if (end === -1) break;
    fields.set(type, decoder.decode(body.subarray(at + 1, end)));
    at = end + 1;
  }
  return fields;
}

/** An authentication request: its code and the rest of its body. */
export interface AuthRequest {
  /** 0 ok, 3 cleartext, 5 md5, 10 SASL, 11 SASL continue, 12 SASL final; others unsupported. */
  readonly code: number;
  readonly data: Uint8Array;
}

/** Parses an Authentication ('R') message body. */
export function parseAuthRequest(body: Uint8Array): AuthRequest {
  if (body.length < 4) throw new RangeError(`authentication message of ${body.length} bytes`);
  return { code: readInt32(body, 0), data: body.subarray(4) };
}

/** The SASL mechanisms an AuthenticationSASL request offers. */
export function parseSaslMechanisms(data: Uint8Array): string[] {
  return decoder.decode(data).split("\0").filter((name) => name !== "");
}

/** A message with a type byte. */
export function typed(type: string, body: Uint8Array): Uint8Array {
  const message = new Uint8Array(5 + body.length);
  message[0] = type.charCodeAt(0);
  writeInt32(message, 1, 4 + body.length);
  message.set(body, 5);
  return message;
}

function untyped(code: number, body: Uint8Array): Uint8Array {
  const packet = new Uint8Array(8 + body.length);
  writeInt32(packet, 0, packet.length);
  writeInt32(packet, 4, code);
  packet.set(body, 8);
  return packet;
}

/** Writes a big-endian 32-bit integer at `at`. */
export function writeInt32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = (value >>> 24) & 0xff;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}
