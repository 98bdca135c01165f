import assert from "node:assert/strict";
import { startTestDnsServer } from "../testing/mod.ts";
import { nameServerResolver, systemResolver } from "./resolve.ts";

Deno.test("nameServerResolver() asks the configured server for A, AAAA and SRV records", async () => {
  await using dns = await startTestDnsServer();
  dns.set("db.test", { A: ["127.0.0.2", "127.0.0.3"], AAAA: ["::1"] });
  dns.set("_pg._tcp.db.test", { SRV: [{ target: "db.test", port: 5433 }] });
  const resolver = nameServerResolver({ hostname: "127.0.0.1", port: dns.port });
  assert.deepEqual([...(await resolver.resolve("db.test"))].sort(), [
    "127.0.0.2",
    "127.0.0.3",
    "::1",
  ]);
  assert.deepEqual([...(await resolver.resolve("127.0.0.9"))], ["127.0.0.9"]);
  assert.deepEqual(
    [...(await resolver.resolveSrv("_pg._tcp.db.test"))].map((e) => `${e.address}/${e.port}`)
      .sort(),
    ["127.0.0.2/5433", "127.0.0.3/5433", "::1/5433"],
  );
  assert.ok(dns.queries >= 5, `the server answered ${dns.queries} questions`);
  dns.set("db.test", undefined);
  await assert.rejects(resolver.resolve("db.test"));
});

Deno.test("systemResolver resolves localhost through the system and IP literals to themselves", async () => {
  assert.ok((await systemResolver.resolve("localhost")).length > 0);
  assert.deepEqual([...(await systemResolver.resolve("[::1]"))], ["::1"]);
});
