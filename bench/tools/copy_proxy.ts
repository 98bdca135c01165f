/**
 * The C floor of `--reference` (`bench/reference/copy_proxy.c`): where its
 * binary is, whether it can run, its command line, and starting it. It is
 * built by `bench/install.sh` into `bench/out/`; the bench skips it with a
 * line saying why when the binary is missing or older than its source.
 * @module
 */

import type { Children } from "../process.ts";
import type { ProxiedBackend, RunningProxy } from "./haproxy.ts";
import { listeningProxy } from "./sidecar.ts";

/** The C source of the floor. */
export const COPY_PROXY_SOURCE = new URL("../reference/copy_proxy.c", import.meta.url).pathname;
/** Where `bench/reference/build_copy_proxy.sh` builds it (an ignored folder). */
export const COPY_PROXY_BINARY = new URL("../out/copy_proxy", import.meta.url).pathname;
/** The build script, also used by the floor's test to build into a scratch folder. */
export const COPY_PROXY_BUILD = new URL("../reference/build_copy_proxy.sh", import.meta.url)
  .pathname;

/** Modification times in ms; `undefined` for a file that does not exist. */
export interface BuildTimes {
  readonly binary: number | undefined;
  readonly source: number;
}

/** Why the binary cannot be used (missing, or stale), or `undefined` when it can. */
export function copyProxyProblem(times: BuildTimes): string | undefined {
  const rebuild = "bench/install.sh builds it with gcc";
  if (times.binary === undefined) return `${COPY_PROXY_BINARY} is not built (${rebuild})`;
  if (times.binary < times.source) {
    return `${COPY_PROXY_BINARY} is older than bench/reference/copy_proxy.c (${rebuild})`;
  }
  return undefined;
}

/** The binary's path, or why it cannot run. */
export async function findCopyProxy(): Promise<{ path: string } | { problem: string }> {
  const mtime = async (path: string) => {
    try {
      return (await Deno.stat(path)).mtime?.getTime();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  };
  const source = await mtime(COPY_PROXY_SOURCE);
  if (source === undefined) return { problem: `${COPY_PROXY_SOURCE} is missing` };
  const problem = copyProxyProblem({ binary: await mtime(COPY_PROXY_BINARY), source });
  return problem === undefined ? { path: COPY_PROXY_BINARY } : { problem };
}

/** Its arguments: one `LISTEN=BACKEND` route per backend, each listening on 127.0.0.1:0. */
export function copyProxyArgs(backends: readonly ProxiedBackend[]): string[] {
  return backends.map((backend) => `127.0.0.1:0=127.0.0.1:${backend.backendPort}`);
}

/** Starts the floor at `binary` and waits for its `listening on` lines. */
export async function startCopyProxy(
  children: Children,
  binary: string,
  backends: readonly ProxiedBackend[],
): Promise<RunningProxy> {
  return await listeningProxy(children.spawn("c-floor", binary, copyProxyArgs(backends)), backends);
}
