/**
 * The config pipeline: load (YAML, JSON, TS) → validate → frozen `Config`,
 * plus formatting and `--bootstrap`.
 * @module
 */

export * from "./types.ts";
export { ConfigError } from "./errors.ts";
export { formatDuration, parseDuration } from "./duration.ts";
export { defineConfig, validateConfig } from "./validate.ts";
export { formatConfig, toInputForm } from "./format.ts";
export {
  type ConfigFormat,
  formatOf,
  loadConfig,
  type LoadedConfig,
  type LoadOptions,
  readConfigText,
} from "./load.ts";
export { CONFIG_CANDIDATES, discoverConfig } from "./discover.ts";
export { denoProbes } from "./load.ts";
export { DEFAULT_LOAD_LIMITS, type LoadLimits, LoadWorker } from "./load_worker.ts";
export {
  type Binding,
  bootstrapConfig,
  parseBinding,
  renderModule,
  renderYaml,
} from "./bootstrap.ts";
export { formatHostPort, type HostPort, parseHostPort } from "./address.ts";
export { CONFIG_SCHEMA, type Field, type Spec } from "./schema.ts";
export { isIPLiteral, unbracket } from "./address.ts";
export { withReference } from "./reference.ts";
export {
  type BackendPool,
  type BackendPoolInput,
  type Config,
  type ConfigInput,
  type Duration,
  type Failback,
  type FrontendInput,
  type Target,
  type TargetInput,
  type Tier,
  type TierInput,
} from "./types.ts";
export { parseYaml, type YamlProblem } from "./yaml.ts";
