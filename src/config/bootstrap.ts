/**
 * `--bootstrap localPort:remoteHost:remotePort[@tier]`: turns port bindings
 * into a starting config, one frontend per local port, one tier per tier
 * name (in order of first mention) and one target per remote port holding
 * every remote host given for it.
 * @module
 */

import { stringify } from "npm:yaml@2.9.1";
import { formatHostPort, hostProblem, unbracket } from "./address.ts";
import type { ConfigInput, TargetInput } from "./types.ts";

/** One `--bootstrap` binding. */
export interface Binding {
  readonly localPort: number;
  readonly remoteHost: string;
  readonly remotePort: number;
  /** The tier the binding belongs to; "" when none was named. */
  readonly tier: string;
}

/** The diagnostics port a bootstrapped config uses, as Iaido's does. */
export const BOOTSTRAP_DIAG_PORT = 13013;

/**
 * Parses `localPort:remoteHost:remotePort[@tier]` (`[v6]` hosts in
 * brackets). Returns the binding or a sentence saying what is wrong.
 */
export function parseBinding(text: string): Binding | string {
  const match = /^(\d{1,5}):(\[[^\]]+\]|[^:\[\]@]+):(\d{1,5})(?:@([^@]*))?$/.exec(text);
  const usage = `--bootstrap ${
    JSON.stringify(text)
  }: must be localPort:remoteHost:remotePort[@tier]`;
  if (match === null) return usage;
  const [, local, host, remote, tier] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (tier !== undefined && !/^[\w.-]+$/.test(tier)) {
    return `--bootstrap ${
      JSON.stringify(text)
    }: the tier after @ must be a name of letters, digits, ".", "_" or "-"`;
  }
  const localPort = Number(local);
  const remotePort = Number(remote);
  if (localPort > 65535 || remotePort < 1 || remotePort > 65535) {
    return `${usage} with ports 0-65535 (remote 1-65535)`;
  }
  const problem = hostProblem(host);
  if (problem !== undefined) return `--bootstrap ${JSON.stringify(text)}: remote host ${problem}`;
  return { localPort, remoteHost: unbracket(host), remotePort, tier: tier ?? "" };
}

/**
 * Groups bindings into a config: frontends in the order their ports were
 * first given, tiers in the order their names were first given.
 */
export function bootstrapConfig(bindings: readonly Binding[], bindHost: string): ConfigInput {
  const tierOrder = [...new Set(bindings.map((binding) => binding.tier))];
  // local port → tier → remote port → hosts
  const frontends = new Map<number, Map<string, Map<number, string[]>>>();
  for (const { localPort, remoteHost, remotePort, tier } of bindings) {
    const tiers = getOrAdd(frontends, localPort, () => new Map<string, Map<number, string[]>>());
    const targets = getOrAdd(tiers, tier, () => new Map<number, string[]>());
    const hosts = getOrAdd(targets, remotePort, () => [] as string[]);
    if (!hosts.includes(remoteHost)) hosts.push(remoteHost);
  }
  return {
    diagAddr: formatHostPort(bindHost, BOOTSTRAP_DIAG_PORT),
    frontends: [...frontends].map(([localPort, tiers]) => ({
      bindAddress: formatHostPort(bindHost, localPort),
      backendPool: {
        tiers: tierOrder.filter((name) => tiers.has(name)).map((name) => ({
          ...(name === "" ? {} : { name }),
          targets: [...tiers.get(name) ?? []].map(([port, hosts]): TargetInput => ({
            hosts,
            port,
          })),
        })),
      },
    })),
  };
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = make();
  map.set(key, made);
  return made;
}

/** The config as an Iaido YAML file. */
export function renderYaml(config: ConfigInput): string {
  return stringify(config, { lineWidth: 0 });
}

/**
 * The config as a typed TS module; `modSpecifier` is how the file imports
 * this project's `mod.ts`.
 */
export function renderModule(config: ConfigInput, modSpecifier: string): string {
  return [
    `import { defineConfig } from ${JSON.stringify(modSpecifier)};`,
    "",
    `export default defineConfig(${JSON.stringify(config, null, 2)});`,
    "",
  ].join("\n");
}
