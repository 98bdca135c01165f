/**
 * Shared setup for the integration tests: a temp config file and a running
 * sidecar CLI that is always stopped.
 * @module
 */

import type { ConfigInput } from "../src/config/mod.ts";
import { type RunningCli, startSidecarCli } from "../src/testing/mod.ts";

/** One tier of test backends on 127.0.0.1. */
export function tier(ports: readonly number[], extra: Record<string, unknown> = {}) {
  return { ...extra, targets: ports.map((port) => ({ hosts: ["127.0.0.1"], port })) };
}

/** A one-frontend config on 127.0.0.1:0 over the given tiers. */
export function frontendConfig(
  tiers: readonly ReturnType<typeof tier>[],
  frontend: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): ConfigInput {
  return {
    ...top,
    frontends: [{ bindAddress: "127.0.0.1:0", ...frontend, backendPool: { tiers } }],
  } as ConfigInput;
}

/** Writes `config` as JSON into a fresh temp dir; returns the file path. */
export async function writeConfig(config: unknown, name = "iaido.json"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "iaido-test-" });
  const file = `${dir}/${name}`;
  await Deno.writeTextFile(file, typeof config === "string" ? config : JSON.stringify(config));
  return file;
}

/** Starts the CLI on a config; returns it and its one frontend address. */
export async function startWithConfig(
  config: unknown,
  extraArgs: readonly string[] = [],
): Promise<{ cli: RunningCli; address: string }> {
  const file = await writeConfig(config);
  const { cli, addresses } = await startSidecarCli(["-c", file, ...extraArgs], 1);
  return { cli, address: addresses[0] as string };
}

/**
 * Starts the CLI on a home → near config for frontend "db", with
 * diagnostics on; returns the CLI, the frontend and the diagnostics address.
 */
export async function startHomeNearWithDiagnostics(
  homePort: number,
  nearPort: number,
  extraArgs: readonly string[] = [],
): Promise<{ cli: RunningCli; address: string; diag: string }> {
  const config = frontendConfig(
    [tier([homePort], { name: "home" }), tier([nearPort], { name: "near" })],
    { name: "db" },
    { diagAddr: "127.0.0.1:0" },
  );
  const { cli, address } = await startWithConfig(config, extraArgs);
  const match = await cli.waitForOutput(/^diagnostics on http:\/\/(\S+)\/$/m);
  return { cli, address, diag: match[1] as string };
}
