import assert from "node:assert/strict";
import { haproxyConfig } from "./haproxy.ts";

Deno.test("haproxyConfig() is single-threaded tcp mode without splice", () => {
  const text = haproxyConfig([{ name: "redis", backendPort: 7000 }], [8000]);
  assert.match(text, /^ {2}nbthread 1$/m);
  assert.match(text, /^ {2}nosplice$/m);
  assert.match(text, /^ {2}mode tcp$/m);
  assert.doesNotMatch(text, /splice-/);
  assert.doesNotMatch(text, /^\s*log /m);
});

Deno.test("haproxyConfig() binds one listen port per backend, on 127.0.0.1 only", () => {
  const text = haproxyConfig([
    { name: "redis", backendPort: 7000 },
    { name: "iperf3", backendPort: 7001 },
  ], [8000, 8001]);
  assert.match(
    text,
    /listen redis\n {2}bind 127\.0\.0\.1:8000\n {2}server redis 127\.0\.0\.1:7000/,
  );
  assert.match(
    text,
    /listen iperf3\n {2}bind 127\.0\.0\.1:8001\n {2}server iperf3 127\.0\.0\.1:7001/,
  );
  for (const match of text.matchAll(/(\d+\.\d+\.\d+\.\d+):/g)) assert.equal(match[1], "127.0.0.1");
});
