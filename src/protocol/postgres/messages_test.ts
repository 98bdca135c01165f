import assert from "node:assert/strict";
import {
  cancelRequest,
  errorResponse,
  parseAuthRequest,
  parseErrorFields,
  parseSaslMechanisms,
  parseStartupPacket,
  sslRequest,
  startupMessage,
  typed,
} from "./messages.ts";

Deno.test("parseStartupPacket reads a StartupMessage's parameters", () => {
  const packet = parseStartupPacket(startupMessage({ user: "app", database: "shop" }));
  assert.equal(packet.kind, "startup");
  if (packet.kind !== "startup") return;
  assert.equal(packet.version, 196608);
  assert.deepEqual([...packet.parameters], [["user", "app"], ["database", "shop"]]);
});

Deno.test("parseStartupPacket tells SSLRequest and CancelRequest apart", () => {
  assert.deepEqual(parseStartupPacket(sslRequest()), { kind: "ssl" });
  const cancel = parseStartupPacket(cancelRequest(4242, Uint8Array.of(9, 8, 7, 6)));
  assert.deepEqual(cancel, { kind: "cancel", processId: 4242, secret: Uint8Array.of(9, 8, 7, 6) });
});

Deno.test("parseStartupPacket refuses a protocol other than 3.x and a short packet", () => {
  const v2 = Uint8Array.of(0, 0, 0, 8, 0, 2, 0, 0);
  assert.throws(() => parseStartupPacket(v2), /unsupported protocol 2\.0/);
  assert.throws(() => parseStartupPacket(Uint8Array.of(0, 0, 0, 4)), /short/);
});

Deno.test("errorResponse round-trips through parseErrorFields", () => {
  const message = errorResponse({ severity: "FATAL", code: "57P01", message: "moving" });
  assert.equal(String.fromCharCode(message[0] as number), "E");
  const fields = parseErrorFields(message.subarray(5));
  assert.equal(fields.get("C"), "57P01");
  assert.equal(fields.get("S"), "FATAL");
  assert.equal(fields.get("M"), "moving");
});

Deno.test("parseAuthRequest and parseSaslMechanisms read an AuthenticationSASL", () => {
  const body = new Uint8Array([0, 0, 0, 10, ...new TextEncoder().encode("SCRAM-SHA-256\0\0")]);
  const request = parseAuthRequest(body);
  assert.equal(request.code, 10);
  assert.deepEqual(parseSaslMechanisms(request.data), ["SCRAM-SHA-256"]);
});

Deno.test("typed writes the type byte and a length that counts itself", () => {
  assert.deepEqual([...typed("X", new Uint8Array(0))], [0x58, 0, 0, 0, 4]);
});
