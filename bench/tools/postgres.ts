/**
 * A throwaway PostgreSQL cluster for pgbench: `initdb` in the run's
 * temporary folder, the server on a free port of 127.0.0.1 with durability
 * off, and pgbench's tables at a small scale. PostgreSQL refuses to run as
 * root, so as root the cluster runs as the `postgres` user the Debian
 * package creates. Finding the binaries and the arguments are pure.
 * @module
 */

import { type Children, freePort, runTool } from "../process.ts";
import type { RunningBackend } from "./backends.ts";

/** Where Debian installs each PostgreSQL version's server programs. */
const DEBIAN_POSTGRES_ROOT = "/usr/lib/postgresql";

/** pgbench's scale: 100,000 accounts, a few MiB, all in shared buffers. */
export const PGBENCH_SCALE = 1;

/** The bin folder of the newest version among `versions` (folder names under the root). */
export function newestVersionDir(versions: readonly string[]): string | undefined {
  const numeric = versions.filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return numeric[0] === undefined ? undefined : `${DEBIAN_POSTGRES_ROOT}/${numeric[0]}/bin`;
}

/** The folder holding `initdb`, `postgres` and `pgbench`, or undefined when not installed. */
export function postgresBinDir(): string | undefined {
  let versions: string[];
  try {
    versions = [...Deno.readDirSync(DEBIAN_POSTGRES_ROOT)].map((entry) => entry.name);
  } catch {
    return undefined;
  }
  const dir = newestVersionDir(versions);
  if (dir === undefined) return undefined;
  try {
    Deno.statSync(`${dir}/initdb`);
    Deno.statSync(`${dir}/pgbench`);
    return dir;
  } catch {
    return undefined;
  }
}

/** The uid and gid of `user` in the text of `/etc/passwd`, or undefined. */
export function passwdIds(passwd: string, user: string): { uid: number; gid: number } | undefined {
  for (const line of passwd.split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name === user && uid !== undefined && gid !== undefined) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}

/**
 * The server's arguments: TCP on `127.0.0.1:port` only, its socket file in
 * `socketDir`, and no fsync: the data is throwaway and only reads are timed.
 */
export function postgresServerArgs(dataDir: string, socketDir: string, port: number): string[] {
  const settings = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: socketDir,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    max_connections: "200",
  };
  return [
    "-D",
    dataDir,
    ...Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`]),
  ];
}

/** The user the cluster runs as: `postgres` when the bench runs as root, else the bench's own. */
async function clusterUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (Deno.uid() !== 0) return undefined;
  const ids = passwdIds(await Deno.readTextFile("/etc/passwd"), "postgres");
  if (ids === undefined) {
    throw new Error("running as root but there is no postgres user to run PostgreSQL as");
  }
  return ids;
}

/**
 * Creates a cluster under `dir`, starts it and loads pgbench's tables.
 * The server is a child of `children`, stopped with them.
 */
export async function startPostgres(
  children: Children,
  binDir: string,
  dir: string,
): Promise<RunningBackend> {
  const user = await clusterUser();
  const root = `${dir}/postgres`;
  await Deno.mkdir(root);
  const as = (command: string, args: readonly string[]): [string, string[]] => {
    if (user === undefined) return [command, [...args]];
    return ["setpriv", [
      `--reuid=${user.uid}`,
      `--regid=${user.gid}`,
      "--init-groups",
      "--",
      command,
      ...args,
    ]];
  };
  if (user !== undefined) {
    // The run's folder is root's; the cluster user must reach its own folder inside.
    await Deno.chmod(dir, 0o711);
    await Deno.chown(root, user.uid, user.gid);
  }
  const dataDir = `${root}/data`;
  await runTool(
    ...as(`${binDir}/initdb`, [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--auth=trust",
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]),
    60_000,
  );
  const port = freePort();
  const child = children.spawn(
    "postgres",
    ...as(`${binDir}/postgres`, postgresServerArgs(dataDir, root, port)),
  );
  await child.waitForOutput(/database system is ready to accept connections/, 1, 30_000, "stderr");
  await runTool(`${binDir}/pgbench`, [
    "-i",
    "-q",
    "-s",
    String(PGBENCH_SCALE),
    ...pgbenchConnectionArgs(port),
  ], 120_000);
  return { child, port };
}

/** pgbench's arguments to reach the cluster's database as `postgres` on `127.0.0.1:port`. */
export function pgbenchConnectionArgs(port: number): string[] {
  return ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "postgres"];
}
