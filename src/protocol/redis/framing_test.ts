import assert from "node:assert/strict";
import { type RespEvent, RespFramingError, RespScanner } from "./framing.ts";
import { everySplit } from "../../testing/mod.ts";

const text = (value: string) => new TextEncoder().encode(value);

function scanChunks(side: "client" | "server", chunks: readonly Uint8Array[]) {
  const events: RespEvent[] = [];
  const scanner = new RespScanner(side, (event) => events.push(event));
  for (const chunk of chunks) scanner.scan(chunk);
  return { events, boundary: scanner.atBoundary };
}

const COMMANDS = text(
  "*3\r\n$3\r\nset\r\n$1\r\nk\r\n$4\r\n\r\n\r\n\r\n" + // a value that holds CRLF
    "PING\r\n" + // inline
    "*1\r\n$5\r\nMULTI\r\n" +
    "*2\r\n$4\r\nEXEC\r\n$-1\r\n",
);
const COMMAND_EVENTS: RespEvent[] = [
  { kind: "command", name: "SET" },
  { kind: "command", name: "PING" },
  { kind: "command", name: "MULTI" },
  { kind: "command", name: "EXEC" },
];

const REPLIES = text(
  "+OK\r\n" +
    "-ERR wrong\r\n" +
    ":42\r\n" +
    "$5\r\nhello\r\n" +
    "$-1\r\n" +
    "*2\r\n*1\r\n:1\r\n$2\r\nab\r\n" + // nested
    "*0\r\n" +
    "%1\r\n+k\r\n,1.5\r\n" + // RESP3 map
    "|1\r\n+ttl\r\n:3\r\n_\r\n" + // an attribute, then the reply it annotates
    ">2\r\n+invalidate\r\n*0\r\n" + // RESP3 push
    "!3\r\nbad\r\n",
);
const REPLY_EVENTS: RespEvent[] = [
  { kind: "reply", error: false },
  { kind: "reply", error: true },
  { kind: "reply", error: false },
  { kind: "reply", error: false },
  { kind: "reply", error: false },
  { kind: "reply", error: false },
  { kind: "reply", error: false },
  { kind: "reply", error: false },
  { kind: "reply", error: false },
  { kind: "push" },
  { kind: "reply", error: true },
];

Deno.test("RespScanner finds every command in one coalesced chunk", () => {
  assert.deepEqual(scanChunks("client", [COMMANDS]), { events: COMMAND_EVENTS, boundary: true });
});

Deno.test("RespScanner finds every command when cut at any two byte boundaries", () => {
  for (const chunks of everySplit(COMMANDS, 2)) {
    assert.deepEqual(scanChunks("client", chunks), { events: COMMAND_EVENTS, boundary: true });
  }
});

Deno.test("RespScanner finds every reply in one chunk and when cut at any two byte boundaries", () => {
  assert.deepEqual(scanChunks("server", [REPLIES]), { events: REPLY_EVENTS, boundary: true });
  for (const chunks of everySplit(REPLIES, 2)) {
    assert.deepEqual(scanChunks("server", chunks), { events: REPLY_EVENTS, boundary: true });
  }
});

Deno.test("RespScanner finds every reply when the stream arrives one byte at a time", () => {
  const chunks = [...REPLIES].map((byte) => Uint8Array.of(byte));
  assert.deepEqual(scanChunks("server", chunks), { events: REPLY_EVENTS, boundary: true });
});

Deno.test("RespScanner is not at a boundary inside a reply, at each byte of it", () => {
  const reply = text("*2\r\n$2\r\nab\r\n:1\r\n");
  for (let cut = 1; cut < reply.length; cut++) {
    assert.equal(scanChunks("server", [reply.subarray(0, cut)]).boundary, false, `at ${cut}`);
  }
});

Deno.test("RespScanner rejects a server byte that starts no value, and a bad length", () => {
  assert.throws(() => scanChunks("server", [text("hello\r\n")]), RespFramingError);
  assert.throws(() => scanChunks("server", [text("$x\r\n")]), /bad length byte/);
});
