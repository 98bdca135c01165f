/**
 * `--bootstrap localPort:remoteHost:remotePort`: turns port bindings into a
 * starting config, one frontend per local port and one target per remote
 * port holding every remote host given for it.
 * @module
 */

import { stringify } from "yaml";
import { formatHostPort, hostProblem, unbracket } from "./address.ts";
import type { ConfigInput, TargetInput } from "./types.ts";

/** One `--bootstrap` binding. */
export interface Binding {
  readonly localPort: number;
  readonly remoteHost: string;
  readonly remotePort: number;
}

/** The diagnostics port a bootstrapped config uses, as Iaido's does. */
export const BOOTSTRAP_DIAG_PORT = 13013;

/**
 * Parses `localPort:remoteHost:remotePort` (`[v6]` hosts in brackets).
 * Returns the binding or a sentence saying what is wrong.
 */
export function parseBinding(text: string): Binding | string {
  const match = /^(\d{1,5}):(\[[^\]]+\]|[^:\[\]]+):(\d{1,5})$/.exec(text);
  const usage = `--bootstrap ${JSON.stringify(text)}: must be localPort:remoteHost:remotePort`;
  if (match === null) return usage;
  const [, local, host, remote] = match as unknown as [string, string, string, string];
  const localPort = Number(local);
  const remotePort = Number(remote);
  if (localPort > 65535 || remotePort < 1 || remotePort > 65535) {
    return `${usage} with ports 0-65535 (remote 1-65535)`;
  }
  const problem = hostProblem(host);
  if (problem !== undefined) return `--bootstrap ${JSON.stringify(text)}: remote host ${problem}`;
  return { localPort, remoteHost: unbracket(host), remotePort };
}

/** Groups bindings into a config, in the order the ports were first given. */
export function bootstrapConfig(bindings: readonly Binding[], bindHost: string): ConfigInput {
  const frontends = new Map<number, Map<number, string[]>>();
  for (const { localPort, remoteHost, remotePort } of bindings) {
    const targets = frontends.get(localPort) ?? new Map<number, string[]>();
    frontends.set(localPort, targets);
    const hosts = targets.get(remotePort) ?? [];
    targets.set(remotePort, hosts);
    if (!hosts.includes(remoteHost)) hosts.push(remoteHost);
  }
  return {
    diagAddr: formatHostPort(bindHost, BOOTSTRAP_DIAG_PORT),
    frontends: [...frontends].map(([localPort, targets]) => ({
      bindAddress: formatHostPort(bindHost, localPort),
      backendPool: {
        tiers: [{
          targets: [...targets].map(([port, hosts]): TargetInput => ({ hosts, port })),
        }],
      },
    })),
  };
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
