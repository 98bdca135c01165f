import assert from "node:assert/strict";
import type { Logger } from "../log/mod.ts";
import { isLoopback, startDiagServer } from "./server.ts";

Deno.test("isLoopback() tells loopback addresses from the rest", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) {
    assert.ok(isLoopback(host), host);
  }
  for (const host of ["0.0.0.0", "::", "example.internal"]) assert.ok(!isLoopback(host), host);
});

Deno.test("startDiagServer() serves the handler on loopback without a warning", async () => {
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    error: () => {},
    flush: () => {},
  };
  await using server = startDiagServer("127.0.0.1:0", () => new Response("hi"), log);
  const response = await fetch(`http://${server.address}/`);
  assert.equal(await response.text(), "hi");
  assert.deepEqual(warnings, []);
});
