/**
 * Targets → backends: each host's addresses, each address one backend with
 * its tier's settings.
 * @module
 */

import { formatHostPort, type Target, type Tier } from "../config/mod.ts";
import type { Answers } from "../discovery/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";

/**
 * The backends the tiers describe, given the names' answers; names with no
 * answer contribute nothing.
 */
export function backendSpecs(tiers: readonly Tier[], answers: Answers): BackendSpec[] {
  const specs: BackendSpec[] = [];
  tiers.forEach((tier, tierIndex) => {
    for (const target of tier.targets) {
      for (const { address, port, hostName } of endpointsOf(target, answers)) {
        specs.push({
          key: formatHostPort(address, port),
          hostname: address,
          port,
          tier: tierIndex,
          tierName: tier.name,
          maxConnections: tier.maxBackendConnections,
          dialTimeoutMs: tier.dialFailureTimeoutMs,
          configDisabled: target.disabled,
          ...(hostName === undefined ? {} : { hostName }),
        });
      }
    }
  });
  return specs;
}

function endpointsOf(
  target: Target,
  answers: Answers,
): { address: string; port: number; hostName?: string }[] {
  if (target.srv !== "") return [...(answers.srv.get(target.srv) ?? [])];
  return target.hosts.flatMap((host) =>
    (answers.hosts.get(host) ?? []).map((address) => ({
      address,
      port: target.port,
      hostName: host,
    }))
  );
}
