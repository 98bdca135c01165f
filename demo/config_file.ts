/**
 * The config the demo's sidecar runs: `config/demo.config.ts` as written,
 * with its backends' port replaced by the free one the regions listen on,
 * in a temporary JSON file (removed at the end). The example stays a
 * readable file with a fixed port; two demos at once no longer collide.
 * @module
 */

import type { ConfigInput } from "../src/config/mod.ts";

/** `config` with every target's port set to `port`; the input is left alone. */
export function withBackendPort(config: ConfigInput, port: number): ConfigInput {
  return {
    ...config,
    frontends: config.frontends.map((frontend) => ({
      ...frontend,
      backendPool: {
        ...frontend.backendPool,
        tiers: frontend.backendPool.tiers.map((tier) => ({
          ...tier,
          targets: tier.targets.map((target) => ({ ...target, port })),
        })),
      },
    })),
  };
}

/** A config written to a temporary file; disposing removes it. */
export interface ConfigFile extends AsyncDisposable {
  readonly path: string;
}

/** Writes `config` with its backends on `port` to a temporary `.json` file. */
export async function writeConfigFile(config: ConfigInput, port: number): Promise<ConfigFile> {
  const dir = await Deno.makeTempDir({ prefix: "iaido-demo-" });
  const path = `${dir}/demo.config.json`;
  await Deno.writeTextFile(path, JSON.stringify(withBackendPort(config, port), null, 2));
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}
