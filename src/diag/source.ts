/**
 * Connects the diagnostics handler to the running sidecar: each request
 * builds a fresh snapshot from the supervisor, the reloader and the
 * decision log.
 * @module
 */

import type { DecisionLog } from "../balancer/mod.ts";
import type { Clock } from "../clock.ts";
import { type Config, toInputForm } from "../config/mod.ts";
import type { FdView } from "../net/mod.ts";
import type { FrontendSnapshot } from "../proxy/mod.ts";
import { configYaml, defaultedPaths } from "./configz.ts";
import type { DiagSource } from "./handler.ts";
import { renderMetrics } from "./metrics.ts";
import { buildStatus, type ListenerStall, type ReloadView } from "./status.ts";

/** The running sidecar, as diagnostics read it. */
export interface RunningView {
  /** How many configs have gone live. */
  readonly generation: number;
  readonly config: Config;
  /** Every frontend, copied now. */
  snapshots(): FrontendSnapshot[];
}

/** What diagnostics read. */
export interface DiagParts {
  readonly version: string;
  readonly startedAt: number;
  readonly clock: Clock;
  readonly running: RunningView;
  readonly decisions: DecisionLog;
  readonly reloadStatus: () => ReloadView | undefined;
  /** The running config as the user wrote it. */
  readonly configInput: () => unknown;
  /** File descriptor headroom at `now`. */
  readonly fds: (now: number) => FdView;
  /** Diagnostics listeners that cannot accept now. */
  readonly listenerStalls: () => readonly ListenerStall[];
}

/** A `DiagSource` over the running sidecar. */
export function createDiagSource(parts: DiagParts): DiagSource {
  const status = (frontends = parts.running.snapshots(), now = parts.clock.now()) =>
    buildStatus({
      version: parts.version,
      now,
      startedAt: parts.startedAt,
      generation: parts.running.generation,
      frontends,
      reload: parts.reloadStatus(),
      decisions: parts.decisions.entries(),
      fds: parts.fds(now),
      listenerStalls: parts.listenerStalls(),
    });
  const configz = () => ({
    config: toInputForm(parts.running.config),
    defaults: defaultedPaths(parts.configInput()),
  });
  return {
    status: () => status(),
    metrics: () => {
      const frontends = parts.running.snapshots();
      return renderMetrics(status(frontends), frontends);
    },
    configz,
    configzYaml: () => {
      const { config, defaults } = configz();
      return configYaml(config, defaults);
    },
  };
}
