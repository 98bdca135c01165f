/**
 * Deno-native as users type it: the library from a folder outside this
 * repository (by path and by `file://` URL, no import map), and
 * `deno run --allow-net main.ts` in a copy of the project that holds only
 * an `iaido.config.ts`, with SIGHUP re-importing the modules it imports.
 */

import assert from "node:assert/strict";
import { connectIdentified, startSidecarCli, startTestServer } from "../src/testing/mod.ts";

const ROOT = new URL("../", import.meta.url);
const MOD_PATH = new URL("mod.ts", ROOT).pathname;

const USER_MAIN = (mod: string) =>
  `import { startSidecar } from ${JSON.stringify(mod)};
import config from "./iaido.config.ts";

const sidecar = await startSidecar(config);
for (const frontend of sidecar.frontends) console.log(\`listening on \${frontend.address}\`);
Deno.addSignalListener("SIGTERM", async () => {
  await sidecar.shutdown({ graceMs: 0 });
  Deno.exit(0);
});
`;

const USER_CONFIG = (mod: string, port: string) =>
  `import { defineConfig } from ${JSON.stringify(mod)};
${port.startsWith("import") ? port : ""}
export default defineConfig({
  frontends: [{
    bindAddress: "127.0.0.1:0",
    backendPool: {
      tiers: [{ name: "home", targets: [{ hosts: ["127.0.0.1"], port: ${
    port.startsWith("import") ? "port" : port
  } }] }],
    },
  }],
});
`;

async function denoCheck(dir: string, files: string[]): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["check", ...files],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
}

const MOD_SPECIFIERS: ReadonlyArray<readonly [string, string]> = [
  ["path", MOD_PATH],
  ["file:// URL", new URL("mod.ts", ROOT).href],
];

for (const [how, specifier] of MOD_SPECIFIERS) {
  Deno.test(`the library from a folder outside the repo, mod.ts by ${how}: deno check and deno run --allow-net`, async () => {
    await using backend = startTestServer("home", { greeting: "home" });
    const dir = await Deno.makeTempDir({ prefix: "iaido-user-" });
    await Deno.writeTextFile(`${dir}/main.ts`, USER_MAIN(specifier));
    await Deno.writeTextFile(`${dir}/iaido.config.ts`, USER_CONFIG(specifier, `${backend.port}`));
    await denoCheck(dir, ["main.ts", "iaido.config.ts"]);
    const { cli, addresses } = await startSidecarCli([], 1, {
      cwd: dir,
      script: "main.ts",
      permissions: ["--allow-net"],
    });
    await using _cli = cli;
    using conn = await connectIdentified(addresses[0] as string);
    assert.equal(conn.name, "home");
  });
}

/** Copies the files a user would have from the project (no tests, no configs). */
async function scratchCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "iaido-copy-" });
  const copy = async (relative: string) => {
    const from = new URL(relative, ROOT).pathname;
    const info = await Deno.stat(from);
    if (info.isDirectory) {
      await Deno.mkdir(`${dir}/${relative}`, { recursive: true });
      for await (const entry of Deno.readDir(from)) await copy(`${relative}/${entry.name}`);
    } else await Deno.copyFile(from, `${dir}/${relative}`);
  };
  for (const path of ["main.ts", "mod.ts", "deno.json", "deno.lock", "src"]) await copy(path);
  return dir;
}

Deno.test("deno run --allow-net main.ts finds iaido.config.ts beside it and serves; it says reload needs read permission", async () => {
  await using backend = startTestServer("home", { greeting: "home" });
  const dir = await scratchCopy();
  await Deno.writeTextFile(`${dir}/iaido.config.ts`, USER_CONFIG("./mod.ts", `${backend.port}`));
  const { cli, addresses } = await startSidecarCli([], 1, {
    cwd: dir,
    script: "main.ts",
    permissions: ["--allow-net"],
  });
  await using _cli = cli;
  assert.match(
    cli.stdout,
    /^config iaido\.config\.ts: imported without read permission, so it is not reloaded; run with --allow-read=\. to reload it/m,
  );
  using conn = await connectIdentified(addresses[0] as string);
  assert.equal(conn.name, "home");
  cli.kill("SIGHUP");
  await cli.waitForOutput(/config reload failed.*needs read permission; add --allow-read=/);
});

Deno.test("with --allow-read=. SIGHUP after editing a module the config imports applies the edit", async () => {
  await using a = startTestServer("a", { greeting: "a" });
  await using b = startTestServer("b", { greeting: "b" });
  const dir = await scratchCopy();
  await Deno.writeTextFile(`${dir}/backend.ts`, `export const port = ${a.port};\n`);
  await Deno.writeTextFile(
    `${dir}/iaido.config.ts`,
    USER_CONFIG("./mod.ts", `import { port } from "./backend.ts";`),
  );
  const { cli, addresses } = await startSidecarCli(["--reloadPeriod", "0s"], 1, {
    cwd: dir,
    script: "main.ts",
    permissions: ["--allow-net", "--allow-read=."],
  });
  await using _cli = cli;
  assert.match(cli.stdout, /config iaido\.config\.ts: reloaded with the modules it imports/);
  {
    using first = await connectIdentified(addresses[0] as string);
    assert.equal(first.name, "a");
  }
  await Deno.writeTextFile(`${dir}/backend.ts`, `export const port = ${b.port};\n`);
  cli.kill("SIGHUP");
  await cli.waitForOutput(/config reloaded .*trigger=signal/);
  using second = await connectIdentified(addresses[0] as string);
  assert.equal(second.name, "b");
});
