/**
 * The sidecar assembled and kept running: the supervisor that reconciles
 * frontends to each config, hot reload, signals.
 * @module
 */

export { RECOMMENDED_V8_FLAGS } from "./deno_flags.ts";
export {
  ConfigReloader,
  type ReloaderOptions,
  type ReloadStatus,
  type ReloadTrigger,
} from "./reload.ts";
export {
  type FrontendInfo,
  launchSidecar,
  resolverFor,
  type Sidecar,
  type SidecarOptions,
} from "./sidecar.ts";
export { listenForSignals, SHUTDOWN_SIGNALS } from "./signals.ts";
export { type ApplyResult, frontendKey, type ShutdownResult, Supervisor } from "./supervisor.ts";
export { ListenError } from "../proxy/mod.ts";
