/**
 * Iaido for Deno: a sidecar TCP proxy that sends each connection to the
 * nearest healthy backend, spills to farther tiers when the near ones are
 * full or down, and moves connections back when they recover.
 *
 * ```ts
 * import { defineConfig, startSidecar } from "./mod.ts";
 *
 * await using sidecar = await startSidecar(defineConfig({
 *   frontends: [{
 *     bindAddress: "127.0.0.1:0",
 *     backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: 5432 }] }] },
 *   }],
 * }));
 * console.log(sidecar.frontends[0]?.address);
 * ```
 * @module
 */

import { type ConfigInput, validateConfig } from "./src/config/mod.ts";
import { launchSidecar, type Sidecar, type SidecarOptions } from "./src/runtime/mod.ts";

export type {
  BackendPoolInput,
  Config,
  ConfigInput,
  DisableForInput,
  Duration,
  FailbackInput,
  FrontendInput,
  HealthCheckInput,
  TargetInput,
  TierInput,
} from "./src/config/mod.ts";
export { ConfigError } from "./src/config/mod.ts";
export { defineConfig } from "./src/config/mod.ts";
export { loadConfig } from "./src/config/mod.ts";
export { createLogger, type Logger } from "./src/log/mod.ts";
export type { FrontendInfo, Sidecar, SidecarOptions } from "./src/runtime/mod.ts";

/**
 * Validates `config` and starts every frontend.
 *
 * @throws {ConfigError} when the config is invalid
 * @throws {ListenError} when a bind address cannot be bound
 */
export function startSidecar(config: ConfigInput, options?: SidecarOptions): Promise<Sidecar> {
  return launchSidecar(validateConfig(config), { configInput: config, ...options });
}
