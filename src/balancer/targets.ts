/**
 * Targets → backends: each host's addresses, each address one backend with
 * its tier's settings.
 * @module
 */

import { formatHostPort } from "../config/address.ts";
import type { Tier } from "../config/types.ts";
import type { BackendSpec } from "../pool/backend.ts";

/** Every host named by the tiers' targets. */
export function hostsOf(tiers: readonly Tier[]): string[] {
  return tiers.flatMap((tier) => tier.targets.flatMap((target) => target.hosts));
}

/**
 * The backends the tiers describe, given each host's addresses; hosts with
 * no answer contribute nothing.
 */
export function backendSpecs(
  tiers: readonly Tier[],
  answers: ReadonlyMap<string, readonly string[]>,
): BackendSpec[] {
  const specs: BackendSpec[] = [];
  tiers.forEach((tier, tierIndex) => {
    for (const target of tier.targets) {
      for (const host of target.hosts) {
        for (const address of answers.get(host) ?? []) {
          specs.push({
            key: formatHostPort(address, target.port),
            hostname: address,
            port: target.port,
            tier: tierIndex,
            tierName: tier.name,
            maxConnections: tier.maxBackendConnections,
            dialTimeoutMs: tier.dialFailureTimeoutMs,
            configDisabled: target.disabled,
          });
        }
      }
    }
  });
  return specs;
}
