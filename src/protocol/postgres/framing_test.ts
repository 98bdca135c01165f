import assert from "node:assert/strict";
import { FrameScanner, FramingError, HEAD_BYTES } from "./framing.ts";
import { typed } from "./messages.ts";
import { concatBytes, everySplit } from "../../testing/mod.ts";

interface Seen {
  type: string;
  bodyLength: number;
  head: number[];
}

const HEADS: Record<string, number> = { Z: 1, K: 8, E: 0 };

function stream(): { bytes: Uint8Array; expected: Seen[] } {
  const body = (length: number, seed: number) =>
    Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);
  const messages: [string, Uint8Array][] = [
    ["R", body(8, 1)],
    ["K", body(8, 2)],
    ["S", body(23, 3)],
    ["Z", Uint8Array.of(0x49)],
    ["T", body(0, 4)],
    ["K", body(3, 5)], // shorter than its head: the head is the whole body
    ["D", body(700, 6)],
    ["Z", Uint8Array.of(0x54)],
  ];
  const bytes = concatBytes(...messages.map(([type, b]) => typed(type, b)));
  const expected = messages.map(([type, b]) => ({
    type,
    bodyLength: b.length,
    head: [...b.subarray(0, Math.min(HEAD_BYTES, HEADS[type] ?? 0, b.length))],
  }));
  return { bytes, expected };
}

function scanChunks(chunks: readonly Uint8Array[]): { seen: Seen[]; boundary: boolean } {
  const seen: Seen[] = [];
  const scanner = new FrameScanner(
    (type, bodyLength, head, headLength) =>
      seen.push({
        type: String.fromCharCode(type),
        bodyLength,
        head: [...head.subarray(0, headLength)],
      }),
    (type) => HEADS[String.fromCharCode(type)] ?? 0,
  );
  for (const chunk of chunks) scanner.scan(chunk);
  return { seen, boundary: scanner.atBoundary };
}

Deno.test("FrameScanner finds every message when the stream is one coalesced chunk", () => {
  const { bytes, expected } = stream();
  assert.deepEqual(scanChunks([bytes]), { seen: expected, boundary: true });
});

Deno.test("FrameScanner finds every message when the stream is cut at any one byte boundary", () => {
  const { bytes, expected } = stream();
  for (let cut = 0; cut <= bytes.length; cut++) {
    const result = scanChunks([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(result, { seen: expected, boundary: true }, `cut at ${cut}`);
  }
});

Deno.test("FrameScanner finds every message when cut at any two byte boundaries", () => {
  const { bytes, expected } = stream();
  const small = bytes.subarray(0, bytes.length - 705 - 6); // without the large DataRow and last Z
  const smallExpected = expected.slice(0, 6);
  for (const chunks of everySplit(small, 2)) {
    assert.deepEqual(scanChunks(chunks), { seen: smallExpected, boundary: true });
  }
});

Deno.test("FrameScanner finds every message when the stream arrives one byte at a time", () => {
  const { bytes, expected } = stream();
  const chunks = [...bytes].map((byte) => Uint8Array.of(byte));
  assert.deepEqual(scanChunks(chunks), { seen: expected, boundary: true });
});

Deno.test("FrameScanner is not at a boundary inside a message, at each byte of it", () => {
  const message = typed("Z", Uint8Array.of(0x49));
  for (let cut = 1; cut < message.length; cut++) {
    assert.equal(scanChunks([message.subarray(0, cut)]).boundary, false, `after ${cut} bytes`);
  }
});

Deno.test("FrameScanner rejects a length below 4 wherever the header is cut", () => {
  const bad = Uint8Array.of(0x51, 0, 0, 0, 3);
  for (let cut = 0; cut <= bad.length; cut++) {
    assert.throws(
      () => scanChunks([bad.subarray(0, cut), bad.subarray(cut)]),
      (error: unknown) => error instanceof FramingError && /'Q' has length 3/.test(error.message),
    );
  }
});
