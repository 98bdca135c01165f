/**
 * The start-up line about file descriptors: the limit and where shedding
 * starts, a warning when the limit is below what the config can hold
 * (Σ maxBackendConnections × backends × 2 + a reserve), or a note that the
 * limit is not readable and will be learned from the first EMFILE.
 * @module
 */

import type { Config } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import { descriptorsNeeded, type FdView } from "../net/mod.ts";

/** Logs what the sidecar knows of its descriptor headroom for `config`. */
export function reportFdHeadroom(config: Config, fds: FdView, log: Logger): void {
  if (fds.limit === undefined) {
    log.info("file descriptor limit not readable; new clients are shed from the first EMFILE on", {
      why: "Deno reads /proc/self/limits only with --allow-all",
    });
    return;
  }
  const needed = descriptorsNeeded(
    config.frontends.flatMap((frontend) =>
      frontend.backendPool.tiers.map((tier) => ({
        maxBackendConnections: tier.maxBackendConnections,
        backends: tier.targets.reduce((sum, t) => sum + Math.max(1, t.hosts.length), 0),
      }))
    ),
  );
  if (needed !== undefined && fds.limit < needed) {
    log.warn("the file descriptor limit is below what the config can hold; raise ulimit -n", {
      limit: fds.limit,
      needed,
      shedAt: fds.shedAt,
    });
    return;
  }
  log.info("file descriptors", { limit: fds.limit, shedAt: fds.shedAt, needed });
}
