/**
 * Tests of flag parsing and of `main.ts` run as a subprocess: flags, exit
 * codes, the startup line and `-config`.
 * @module
 */

import assert from "node:assert/strict";
import { parseFlags, UsageError } from "./cli.ts";
import { api, echo, startUpstream, waitFor } from "./test_util.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

Deno.test("parseFlags() takes Go flag forms and Toxiproxy's defaults", () => {
  assert.deepEqual(parseFlags([]), {
    host: "localhost",
    port: 8474,
    config: undefined,
    seed: undefined,
    proxyMetrics: false,
    runtimeMetrics: false,
    version: false,
    help: false,
  });
  const flags = parseFlags([
    "-host=127.0.0.1",
    "--port",
    "0",
    "-config",
    "c.json",
    "-proxy-metrics",
    "-seed=4",
  ]);
  assert.equal(flags.host, "127.0.0.1");
  assert.equal(flags.port, 0);
  assert.equal(flags.config, "c.json");
  assert.equal(flags.seed, 4);
  assert.ok(flags.proxyMetrics);
  assert.ok(parseFlags(["--help"]).help);
  assert.ok(parseFlags(["-version"]).version);
});

Deno.test("parseFlags() refuses unknown flags, missing values and bad ports", () => {
  assert.throws(
    () => parseFlags(["-nope"]),
    new UsageError("flag provided but not defined: -nope"),
  );
  assert.throws(() => parseFlags(["-port"]), /flag needs an argument: -port/);
  assert.throws(() => parseFlags(["-port", "70000"]), /invalid value "70000" for flag -port/);
  assert.throws(() => parseFlags(["-version=maybe"]), /invalid boolean value/);
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("main: -version prints Toxiproxy's line; --help exits 0; a bad flag exits 2", async () => {
  const version = await run(["-version"]);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, "toxiproxy-server version 2.12.0\n");
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stderr, /-proxy-metrics/);
  const bad = await run(["-bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^flag provided but not defined: -bogus/);
});

Deno.test("main: exits 1 when the API port is taken", async () => {
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const taken = await run([
      "-host",
      "127.0.0.1",
      "-port",
      String((blocker.addr as Deno.NetAddr).port),
    ]);
    assert.equal(taken.code, 1);
    assert.match(taken.stdout, /"level":"fatal"/);
  } finally {
    blocker.close();
  }
});

Deno.test("main: serves the API, loads -config, and stops cleanly on SIGTERM", async () => {
  await using upstream = startUpstream(echo);
  const config = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      config,
      JSON.stringify([{ name: "from_file", listen: "127.0.0.1:0", upstream: upstream.address }]),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        `--allow-read=${config}`,
        MAIN,
        "-host",
        "127.0.0.1",
        "-port",
        "0",
        "-config",
        config,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let rest = "";
      for await (const bytes of child.stdout) {
        rest += decoder.decode(bytes, { stream: true });
        const parts = rest.split("\n");
        rest = parts.pop()!;
        lines.push(...parts);
      }
    })();
    try {
      await waitFor(
        () => lines.some((l) => l.includes("Populated proxies")),
        "config loaded",
        10_000,
      );
      const started = JSON.parse(lines.find((l) => l.includes("Starting Toxiproxy"))!);
      assert.equal(started.level, "info");
      const proxies = await api(started.url, "GET", "/proxies");
      assert.deepEqual(Object.keys(proxies.json), ["from_file"]);
      assert.equal(proxies.json.from_file.enabled, true);
      assert.ok(lines.some((l) => l.includes('"message":"Started proxy"')));
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      await reading;
      await child.stderr.cancel();
      assert.equal(status.code, 0);
    }
    assert.ok(lines.some((l) => l.includes("Shutdown complete")));
  } finally {
    await Deno.remove(config);
  }
});
