import assert from "node:assert/strict";
import { type Fields, type Logger, silentLogger } from "../log/mod.ts";
import { closeQuietly, readAll, splitAddress } from "../testing/mod.ts";
import { systemScheduler } from "../scheduler.ts";
import { DiagEndpoint, isLoopback } from "./server.ts";

const handlers = {
  diag: (request: Request) => new Response(`diag ${new URL(request.url).pathname}`),
  health: () => new Response("health"),
};

/** Sends a raw request (so the Host header is ours to choose) and returns the whole answer. */
async function rawGet(address: string, path: string, host: string): Promise<string> {
  const conn = await Deno.connect(splitAddress(address));
  try {
    await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`));
    return new TextDecoder().decode(await readAll(conn));
  } finally {
    closeQuietly(conn);
  }
}

Deno.test("isLoopback() tells loopback addresses from the rest", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) {
    assert.ok(isLoopback(host), host);
  }
  for (const host of ["0.0.0.0", "::", "example.internal"]) assert.ok(!isLoopback(host), host);
});

Deno.test("DiagEndpoint serves diagnostics and health on their own addresses, without a warning on loopback", async () => {
  const warnings: Array<[string, Fields | undefined]> = [];
  const log: Logger = {
    ...silentLogger,
    warn: (message, fields) => warnings.push([message, fields]),
  };
  await using endpoint = new DiagEndpoint(handlers, log, systemScheduler);
  await endpoint.apply({
    diagAddr: "127.0.0.1:0",
    healthAddr: "127.0.0.1:0",
    diagAllowedHosts: [],
  });
  const diag = endpoint.address as string;
  const health = endpoint.healthAddress as string;
  assert.notEqual(diag, health);
  assert.equal(await (await fetch(`http://${diag}/statusz`)).text(), "diag /statusz");
  assert.equal(await (await fetch(`http://${health}/readyz`)).text(), "health");
  assert.deepEqual(warnings, []);

  await endpoint.apply({ diagAddr: "127.0.0.1:0", healthAddr: "", diagAllowedHosts: [] });
  assert.equal(endpoint.address, diag, "an unchanged server keeps running");
  assert.equal(endpoint.healthAddress, undefined);
});

Deno.test("DiagEndpoint refuses Host names it does not know on both servers, and takes listed ones", async () => {
  await using endpoint = new DiagEndpoint(handlers, silentLogger, systemScheduler);
  const listen = { diagAddr: "127.0.0.1:0", healthAddr: "127.0.0.1:0" };
  await endpoint.apply({ ...listen, diagAllowedHosts: [] });
  for (const address of [endpoint.address as string, endpoint.healthAddress as string]) {
    assert.match(await rawGet(address, "/readyz", "evil.example"), /^HTTP\/1\.1 403 /);
    assert.match(await rawGet(address, "/readyz", "localhost"), /^HTTP\/1\.1 200 /);
    assert.match(await rawGet(address, "/readyz", address), /^HTTP\/1\.1 200 /);
  }
  await endpoint.apply({ ...listen, diagAllowedHosts: ["iaido.example"] });
  assert.match(
    await rawGet(endpoint.address as string, "/", "iaido.example:13013"),
    /^HTTP\/1\.1 200 /,
  );
});

Deno.test("DiagEndpoint names the setting it cannot bind", async () => {
  await using endpoint = new DiagEndpoint(handlers, silentLogger, systemScheduler);
  await endpoint.apply({ diagAddr: "127.0.0.1:0", healthAddr: "", diagAllowedHosts: [] });
  await assert.rejects(
    endpoint.apply({
      diagAddr: endpoint.address as string,
      healthAddr: endpoint.address as string,
      diagAllowedHosts: [],
    }),
    /cannot listen on healthAddr 127\.0\.0\.1:\d+: /,
  );
});
