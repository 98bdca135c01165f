/**
 * Connects the diagnostics handler to the running sidecar: each request
 * builds a fresh snapshot from the supervisor, the reloader and the
 * decision log.
 * @module
 */

import type { DecisionLog } from "../balancer/decisions.ts";
import type { Clock } from "../clock.ts";
import { toInputForm } from "../config/format.ts";
import type { ReloadStatus } from "../runtime/reload.ts";
import type { Supervisor } from "../runtime/supervisor.ts";
import { configYaml, defaultedPaths } from "./configz.ts";
import type { DiagSource } from "./handler.ts";
import { renderMetrics } from "./metrics.ts";
import { buildStatus } from "./status.ts";

/** What diagnostics read. */
export interface DiagParts {
  readonly version: string;
  readonly startedAt: number;
  readonly clock: Clock;
  readonly supervisor: Supervisor;
  readonly decisions: DecisionLog;
  readonly reloadStatus: () => ReloadStatus | undefined;
  /** The running config as the user wrote it. */
  readonly configInput: () => unknown;
}

/** A `DiagSource` over the running sidecar. */
export function createDiagSource(parts: DiagParts): DiagSource {
  const status = () =>
    buildStatus({
      version: parts.version,
      now: parts.clock.now(),
      startedAt: parts.startedAt,
      generation: parts.supervisor.generation,
      frontends: parts.supervisor.frontends,
      reload: parts.reloadStatus(),
      decisions: parts.decisions.entries(),
    });
  const configz = () => ({
    config: toInputForm(parts.supervisor.config),
    defaults: defaultedPaths(parts.configInput()),
  });
  return {
    status,
    metrics: () => renderMetrics(status(), parts.supervisor.frontends),
    configz,
    configzYaml: () => {
      const { config, defaults } = configz();
      return configYaml(config, defaults);
    },
  };
}
