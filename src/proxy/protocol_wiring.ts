/**
 * Chooses a frontend's protocol strategy from its config: none for tcp (the
 * plain copy), or the PostgreSQL or Redis session factory with the health
 * probe that goes with it.
 * @module
 */

import type { Frontend } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import type { Dialer } from "./dial.ts";
import { PgProtocol } from "./pg_session.ts";
import { type ProtocolProbe, protocolProbe } from "./protocol_probe.ts";
import { loadProtocolSettings } from "./protocol_settings.ts";
import { RedisProtocol } from "./redis_session.ts";
import type { ProtocolFactory } from "./session_protocol.ts";

/** A frontend's protocol strategy. */
export interface ProtocolWiring {
  readonly sessions: ProtocolFactory;
  readonly probe: ProtocolProbe;
}

/** What the wiring needs from the frontend. */
export interface WiringDeps {
  readonly scheduler: Scheduler;
  readonly dialer: Dialer;
  readonly log: Logger;
  /** PostgreSQL cancel keys of this frontend's sessions (kept across reloads). */
  readonly cancelKeys: Map<string, BackendSpec>;
}

/** The strategy for `config`, or undefined for tcp. */
export async function protocolWiring(
  config: Frontend,
  deps: WiringDeps,
): Promise<ProtocolWiring | undefined> {
  const settings = await loadProtocolSettings(config);
  if (settings === undefined) return undefined;
  for (const problem of [settings.tlsProblem, settings.clientTlsProblem]) {
    if (problem !== undefined) deps.log.error(problem, { frontend: config.name });
  }
  const probe = protocolProbe(config, settings, deps.dialer, deps.scheduler);
  if (settings.protocol === "redis") {
    return { sessions: new RedisProtocol(config.name, deps.log), probe };
  }
  const sessions = new PgProtocol({ frontendName: config.name, settings, ...deps });
  return { sessions, probe };
}
