import assert from "node:assert/strict";
import { parseReferenceConfig, splitHostPort } from "./deno_conn_proxy.ts";
import { sidecarConfig } from "../tools/sidecar.ts";
import {
  closeQuietly,
  readAll,
  readLine,
  runCli,
  splitAddress,
  startSidecarCli,
  startTestServer,
  waitFor,
} from "../../src/testing/mod.ts";

/** The Deno floors take the same command line and config; each is tested as a subprocess. */
const PROXIES = ["deno_conn_proxy", "node_net_proxy", "handle_proxy"].map((name) => ({
  name,
  file: new URL(`./${name}.ts`, import.meta.url).pathname,
}));

Deno.test("parseReferenceConfig() reads the bench's sidecar config", () => {
  const routes = parseReferenceConfig(
    sidecarConfig([{ name: "redis", backendPort: 7000 }, { name: "iperf3", backendPort: 7001 }]),
    "c.json",
  );
  assert.deepEqual(routes.map((route) => [route.listen, route.backend]), [
    [{ hostname: "127.0.0.1", port: 0 }, { hostname: "127.0.0.1", port: 7000 }],
    [{ hostname: "127.0.0.1", port: 0 }, { hostname: "127.0.0.1", port: 7001 }],
  ]);
});

Deno.test("parseReferenceConfig() names the file and the config path of what is wrong", () => {
  assert.throws(() => parseReferenceConfig("{", "c.json"), /^TypeError: c\.json: not JSON/);
  assert.throws(() => parseReferenceConfig("{}", "c.json"), /c\.json: frontends is missing/);
  assert.throws(
    () => parseReferenceConfig(`{"frontends":[{"bindAddress":"127.0.0.1:0"}]}`, "c.json"),
    /c\.json: frontends\[0\]\.backendPool is missing/,
  );
  const config = JSON.parse(sidecarConfig([{ name: "redis", backendPort: 7000 }]));
  config.frontends[0].backendPool.tiers[0].targets[0].port = "x";
  assert.throws(
    () => parseReferenceConfig(JSON.stringify(config), "c.json"),
    /frontends\[0\]\.backendPool\.tiers\[0\]\.targets\[0\]\.port must be a port number/,
  );
  config.frontends[0].backendPool.tiers[0].targets[0].port = 7000;
  config.frontends[0].bindAddress = "localhost";
  assert.throws(
    () => parseReferenceConfig(JSON.stringify(config), "c.json"),
    /frontends\[0\]\.bindAddress: expected host:port, got "localhost"/,
  );
});

Deno.test("splitHostPort() takes IPv4, bracketed IPv6 and names, nothing else", () => {
  assert.deepEqual(splitHostPort("[::1]:80", "x"), { hostname: "::1", port: 80 });
  assert.deepEqual(splitHostPort("db:5432", "x"), { hostname: "db", port: 5432 });
  assert.throws(() => splitHostPort("::1:80", "x"), TypeError);
  assert.throws(() => splitHostPort("a:70000", "x"), TypeError);
});

for (const { name, file: proxy } of PROXIES) {
  Deno.test({
    name: `${name} relays both ways and passes a half-close, then closes both sockets`,
    async fn() {
      await using backend = startTestServer("backend", { greeting: "backend" });
      const file = await Deno.makeTempFile({ suffix: ".json" });
      try {
        await Deno.writeTextFile(file, sidecarConfig([{ name: "r", backendPort: backend.port }]));
        const { cli, addresses } = await startSidecarCli(["-c", file, "--log-level", "warn"], 1, {
          permissions: ["--allow-net", `--allow-read=${file}`],
          script: proxy,
        });
        await using _cli = cli;
        const conn = await Deno.connect(splitAddress(addresses[0] as string));
        try {
          assert.equal(await readLine(conn), "backend");
          // More than the small buffer, so the large one is used too.
          const sent = crypto.getRandomValues(new Uint8Array(60_000));
          const reading = readAll(conn, 10_000);
          let written = 0;
          while (written < sent.length) written += await conn.write(sent.subarray(written));
          // The echo server ends its side only once it sees our half-close through the proxy.
          await conn.closeWrite();
          assert.deepEqual(await reading, sent);
        } finally {
          closeQuietly(conn);
        }
        await waitFor(() => backend.open === 0, { message: "the proxy to close the backend leg" });
        assert.equal(backend.accepted, 1);
      } finally {
        await Deno.remove(file);
      }
    },
  });

  Deno.test(`${name} exits non-zero with a clear line on a bad config`, async () => {
    const file = await Deno.makeTempFile({ suffix: ".json" });
    try {
      await Deno.writeTextFile(file, `{"frontends":[]}`);
      const { code, stderr } = await runCli(["-c", file], {
        permissions: ["--allow-net", `--allow-read=${file}`],
        script: proxy,
      });
      assert.equal(code, 1);
      assert.match(stderr, new RegExp(`${name}: .*\\.json: frontends must be a non-empty list`));
    } finally {
      await Deno.remove(file);
    }
  });
}
