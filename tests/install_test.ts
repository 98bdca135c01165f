/**
 * The README's `deno install` line gives a working `iaido` command that
 * reports deno.json's version and runs with only the permissions it names.
 */

import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("deno install gives an `iaido` command with the version from deno.json", async () => {
  const installRoot = await Deno.makeTempDir();
  const install = await new Deno.Command(Deno.execPath(), {
    args: [
      "install",
      "-g",
      "-f",
      "--root",
      installRoot,
      "--name",
      "iaido",
      "--config",
      `${ROOT}deno.json`,
      "--v8-flags=--max-semi-space-size=2",
      "--allow-net",
      "--allow-read=iaido.yaml,/etc/iaido/iaido.yaml",
      `${ROOT}main.ts`,
    ],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
  const shim = await Deno.readTextFile(`${installRoot}/bin/iaido`);
  assert.match(shim, /--allow-read=iaido\.yaml,\/etc\/iaido\/iaido\.yaml/);
  assert.doesNotMatch(shim, /--allow-all|--allow-env|--allow-write|--allow-run/);
  const version = await new Deno.Command(`${installRoot}/bin/iaido`, {
    args: ["--version"],
    stdout: "piped",
  })
    .output();
  assert.equal(new TextDecoder().decode(version.stdout).trim(), `iaido ${denoJson.version}`);
});
