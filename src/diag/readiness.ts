/**
 * Why the sidecar is not ready, in plain words: what `/readyz` answers
 * with and `/statusz` lists. A sidecar that cannot accept or is out of
 * descriptors says so here rather than answering "ready" while dead.
 * @module
 */

import type { FdView } from "../net/mod.ts";
import type { FrontendStatus } from "./status.ts";

/** A listener of the diagnostics that cannot accept, for readiness. */
export interface ListenerStall {
  readonly server: string;
  readonly address: string;
  readonly stall: { readonly reason: string };
}

/**
 * Why the sidecar is not ready, one line each: a frontend with no eligible
 * backend or whose listener cannot accept, the process at its descriptor
 * limit, a diagnostics listener that cannot accept.
 */
export function notReadyReasons(
  frontends: readonly FrontendStatus[],
  fds: FdView,
  listenerStalls: readonly ListenerStall[],
): string[] {
  const reasons: string[] = [];
  for (const frontend of frontends) {
    if (!frontend.ready) {
      const why = frontend.tiers.flatMap((tier) =>
        tier.backends.map((b) => `${b.address} ${b.reason}`)
      );
      reasons.push(
        `${frontend.name}: no eligible backend (${why.join("; ") || "no backends resolved"})`,
      );
    }
    if (!frontend.accepting) {
      reasons.push(`${frontend.name}: cannot accept: ${frontend.acceptError}`);
    }
  }
  if (fds.atLimit) {
    const limit = fds.limit === undefined ? "" : ` of ${fds.limit}`;
    reasons.push(
      `at the file descriptor limit: ${fds.inUse} sockets in use${limit}, new clients shed from ${
        fds.shedAt ?? "?"
      }`,
    );
  }
  for (const { server, address, stall } of listenerStalls) {
    reasons.push(`${server} on ${address}: cannot accept: ${stall.reason}`);
  }
  return reasons;
}
