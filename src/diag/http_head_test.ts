import assert from "node:assert/strict";
import { headEnd, parseRequestHead, type RequestHead } from "./http_head.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("headEnd() finds the blank line that ends a head, or says it is incomplete", () => {
  assert.equal(headEnd(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody")), 27);
  assert.equal(headEnd(bytes("GET / HTTP/1.1\r\nHost: a\r\n")), -1);
  assert.equal(headEnd(bytes("")), -1);
});

Deno.test("parseRequestHead() reads the method, the target and the header fields", () => {
  const head = parseRequestHead(
    bytes("GET /statusz?format=yaml HTTP/1.1\r\nHost: 127.0.0.1:13013\r\nAccept:  */* \r\n\r\n"),
  ) as RequestHead;
  assert.equal(head.method, "GET");
  assert.equal(head.target, "/statusz?format=yaml");
  assert.equal(head.headers.get("host"), "127.0.0.1:13013");
  assert.equal(head.headers.get("accept"), "*/*");
});

Deno.test("parseRequestHead() refuses what it does not expect, saying what", () => {
  const problems = [
    "GET /\r\n\r\n",
    "GET http://evil/ HTTP/1.1\r\n\r\n",
    "G(T / HTTP/1.1\r\n\r\n",
    "GET / HTTP/2.0\r\n\r\n",
    "GET / HTTP/1.1\r\nno colon\r\n\r\n",
    "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
    "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n",
  ].map((text) => (parseRequestHead(bytes(text)) as { problem?: string }).problem);
  assert.deepEqual(problems, [
    "malformed request line",
    "the target must be a path",
    "malformed method",
    "malformed request line",
    "malformed header field",
    "malformed header field",
    "malformed value of header X",
  ]);
});
