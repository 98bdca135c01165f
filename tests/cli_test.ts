/**
 * The CLI as users meet it: help, version, --check, bootstrap, bad input,
 * and the least-privilege command from the README.
 */

import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { connectIdentified, runCli, startSidecarCli, startTestServer } from "../src/testing/mod.ts";
import { RECOMMENDED_V8_FLAGS } from "../src/runtime/mod.ts";
import { frontendConfig, tier, writeConfig } from "./helpers.ts";

const MOD_TS = new URL("../mod.ts", import.meta.url).pathname;

const IAIDO_YAML = (port: number) =>
  `# As the original Go Iaido wrote it.
diagAddr: ""
frontends:
  - backendPool:
      tiers:
        - dialFailureTimeout: 30s
          maxBackendConnections: 32
          targets:
            - hosts:
                - 127.0.0.1
              port: ${port}
    bindAddress: 127.0.0.1:0
    idleDuration: 1h
gracePeriod: 30s
`;

Deno.test("--help lists the flags and exit codes; --version reports deno.json's version", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  for (
    const flag of [
      "--config",
      "--bootstrap",
      "--bootstrapAddr",
      "--force",
      "--check",
      "--reloadPeriod",
    ]
  ) {
    assert.match(help.stdout, new RegExp(flag));
  }
  assert.match(help.stdout, /Exit codes:[\s\S]*2 {2}usage or config error/);
  const version = await runCli(["--version"]);
  assert.equal(version.stdout.trim(), `iaido ${denoJson.version}`);
});

Deno.test("--check prints the normalized config with defaults filled in", async () => {
  const file = await writeConfig(IAIDO_YAML(26258), "iaido.yaml");
  const { code, stdout } = await runCli(["-c", file, "--check"]);
  assert.equal(code, 0);
  assert.match(stdout, /gracePeriod: 30s/);
  assert.match(stdout, /rebalanceDuration: 10s/);
  assert.match(stdout, /dialFailureTimeout: 30s/);
  assert.match(stdout, /proto: TCP/);
});

Deno.test("bad configs exit 2 with one line per problem, path first, and no stack trace", async () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "unknown.yaml",
      "frontends:\n  - bindAdress: 127.0.0.1:0\n    backendPool: {tiers: [{targets: [{hosts: [127.0.0.1], port: 1}]}]}\n",
      /frontends\[0\]\.bindAdress: unknown key \(did you mean "bindAddress"\?\)/,
    ],
    [
      "port.yaml",
      "frontends:\n  - backendPool: {tiers: [{targets: [{hosts: [127.0.0.1], port: 70000}]}]}\n",
      /frontends\[0\]\.backendPool\.tiers\[0\]\.targets\[0\]\.port: must be 1-65535, got 70000/,
    ],
    ["syntax.yaml", "frontends:\n  - a: [1,\n b: 2\n", /syntax\.yaml:\d+:\d+: /],
    ["empty.json", "{}", /frontends: is required/],
    ["alias.yaml", "a: *x\n", /^error: \/.*alias\.yaml:1:4: Unresolved alias/m],
    [
      "bomb.yaml",
      "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
      /bomb\.yaml:2:\d+: .*alias/i,
    ],
  ];
  for (const [name, text, expected] of cases) {
    const file = await writeConfig(text, name);
    const { code, stderr } = await runCli(["-c", file]);
    assert.equal(code, 2, `${name}: ${stderr}`);
    assert.match(stderr, expected);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  }
  const missing = await runCli(["-c", "/nonexistent/iaido.yaml"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: \/nonexistent\/iaido\.yaml: config file not found$/m);
  const usage = await runCli(["--bogus"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--bogus/);
});

Deno.test("a port already in use is a runtime failure naming the frontend (exit 1)", async () => {
  await using taken = startTestServer("taken");
  const file = await writeConfig(
    frontendConfig([tier([1])], { name: "db", bindAddress: `127.0.0.1:${taken.port}` }),
  );
  const { code, stderr } = await runCli(["-c", file]);
  assert.equal(code, 1);
  assert.match(stderr, new RegExp(`frontend db: cannot listen on 127\\.0\\.0\\.1:${taken.port}`));
});

Deno.test("--bootstrap writes a YAML config that loads, and will not overwrite without --force", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/iaido.yaml`;
  const args = [
    "-c",
    file,
    "-b",
    "26257:127.0.0.1:26258",
    "-b",
    "26257:localhost:26258",
    "-b",
    "8080:127.0.0.1:8081",
  ];
  const first = await runCli(args);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout.trim(), `wrote bootstrapped configuration file to ${file}`);
  const check = await runCli(["-c", file, "--check"]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /diagAddr: 127\.0\.0\.1:13013/);
  assert.match(
    check.stdout,
    /bindAddress: 127\.0\.0\.1:26257[\s\S]*- 127\.0\.0\.1\n\s+- localhost\n\s+port: 26258/,
  );
  const again = await runCli(args);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists; add --force to overwrite it/);
  assert.equal((await runCli([...args, "--force"])).code, 0);
});

Deno.test("--bootstrap to a .ts path writes a typed module that deno check accepts and --check loads", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/iaido.config.ts`;
  const written = await runCli(["-c", file, "-b", "5432:127.0.0.1:5433"]);
  assert.equal(written.code, 0, written.stderr);
  const text = await Deno.readTextFile(file);
  assert.match(text, /import \{ defineConfig \} from ".*mod\.ts";/);
  const check = await runCli(["-c", file, "--check"]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /bindAddress: 127\.0\.0\.1:5432/);
  const typeCheck = await new Deno.Command(Deno.execPath(), {
    args: ["check", file],
    stdout: "null",
    stderr: "piped",
  })
    .output();
  assert.equal(typeCheck.code, 0, new TextDecoder().decode(typeCheck.stderr));
});

Deno.test("a TS config with a misspelt key fails deno check, and fails validation at run time", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/iaido.config.ts`;
  await Deno.writeTextFile(
    file,
    `import { defineConfig } from ${JSON.stringify(MOD_TS)};
export default defineConfig({
  frontends: [{ bindAdress: "127.0.0.1:0", backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: 1 }] }] } }],
});
`,
  );
  const typeCheck = await new Deno.Command(Deno.execPath(), {
    args: ["check", file],
    stdout: "null",
    stderr: "piped",
  })
    .output();
  assert.notEqual(typeCheck.code, 0);
  assert.match(new TextDecoder().decode(typeCheck.stderr), /bindAdress/);
  const run = await runCli(["-c", file, "--check"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /frontends\[0\]\.bindAdress: unknown key/);
});

Deno.test("the README's least-privilege command runs a YAML config and proxies", async () => {
  await using backend = startTestServer("home", { greeting: "home" });
  const file = await writeConfig(IAIDO_YAML(backend.port), "iaido.yaml");
  const dir = file.slice(0, file.lastIndexOf("/"));
  const { cli, addresses } = await startSidecarCli(["-c", "iaido.yaml"], 1, {
    cwd: dir,
    permissions: [RECOMMENDED_V8_FLAGS, "--allow-net", "--allow-read=iaido.yaml"],
  });
  await using _cli = cli;
  using conn = await connectIdentified(addresses[0] as string);
  assert.equal(conn.name, "home");
  assert.doesNotMatch(cli.stderr, /NotCapable|permission/i);
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.ok(
    readme.includes(
      `deno run ${RECOMMENDED_V8_FLAGS} --allow-net --allow-read=iaido.yaml main.ts -c iaido.yaml`,
    ),
    "this is the README's command",
  );
});

Deno.test("a TS config runs with only --allow-read for the config file", async () => {
  await using backend = startTestServer("home", { greeting: "home" });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/iaido.config.ts`,
    `import { defineConfig } from ${JSON.stringify(MOD_TS)};
export default defineConfig({
  gracePeriod: 1000,
  frontends: [{
    bindAddress: "127.0.0.1:0",
    idleDuration: "1m",
    backendPool: { tiers: [{ name: "home", targets: [{ hosts: ["127.0.0.1"], port: ${backend.port} }] }] },
  }],
});
`,
  );
  const { cli, addresses } = await startSidecarCli(["-c", "iaido.config.ts"], 1, {
    cwd: dir,
    permissions: ["--allow-net", "--allow-read=iaido.config.ts"],
  });
  await using _cli = cli;
  using conn = await connectIdentified(addresses[0] as string);
  assert.equal(conn.name, "home");
});

Deno.test("reading the config without --allow-read names the flag to add", async () => {
  const file = await writeConfig(IAIDO_YAML(1), "iaido.yaml");
  const { code, stderr } = await runCli(["-c", file], { permissions: ["--allow-net"] });
  assert.equal(code, 2);
  assert.match(stderr, new RegExp(`add --allow-read=${file.replaceAll(".", "\\.")}`));
});

Deno.test("with no -c: iaido.yaml in the working directory is found; without read permission the error names the flag", async () => {
  const file = await writeConfig(IAIDO_YAML(1), "iaido.yaml");
  const dir = file.slice(0, file.lastIndexOf("/"));
  const check = await runCli(["--check"], { cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /gracePeriod: 30s/);
  const denied = await runCli([], { cwd: dir, permissions: ["--allow-net"] });
  assert.equal(denied.code, 2);
  assert.match(
    denied.stderr,
    /^error: iaido\.yaml: no permission to read the config file; add --allow-read=iaido\.yaml \(an installed iaido command: reinstall it with deno install -g -f --name iaido … --allow-read=iaido\.yaml …\)$/m,
  );
  const empty = await runCli(["--check"], { cwd: await Deno.makeTempDir() });
  assert.equal(empty.code, 2);
  assert.match(
    empty.stderr,
    /no config file in .* \(looked for iaido\.config\.ts, iaido\.config\.js, iaido\.yaml, iaido\.yml, iaido\.json\)/,
  );
});

Deno.test("-b with @tier writes named tiers in the order of first mention, and --check loads them", async () => {
  const file = `${await Deno.makeTempDir()}/iaido.yaml`;
  const written = await runCli([
    "-c",
    file,
    "-b",
    "26257:db1.us-east:26257@us-east",
    "-b",
    "26257:db1.us-west:26257@us-west",
    "-b",
    "26257:db2.us-east:26257@us-east",
  ]);
  assert.equal(written.code, 0, written.stderr);
  const check = await runCli(["-c", file, "--check"]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(
    check.stdout,
    /name: us-east[\s\S]*- db1\.us-east\n\s+- db2\.us-east[\s\S]*name: us-west[\s\S]*- db1\.us-west/,
  );
});
