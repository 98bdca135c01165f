/**
 * Real PostgreSQL clusters for tests and chaos scenarios: Debian's
 * `postgresql` binaries, one `initdb` cluster per call in its own temporary
 * directory, listening on 127.0.0.1 at a free port, password (SCRAM)
 * authentication over TCP, optional TLS, optional streaming standby. As
 * root the server runs as the `postgres` user (PostgreSQL refuses root).
 * @module
 */

import { refusedPort } from "./backends.ts";
import { handOver, pgIsReady, run } from "./pg_run.ts";
import { waitFor } from "./wait.ts";

/** Where Debian installs the server binaries: /usr/lib/postgresql/<major>/bin. */
const DEBIAN_ROOT = "/usr/lib/postgresql";

/** The superuser's password in every test cluster. */
export const PG_TEST_PASSWORD = "iaido-test";

/** TLS files a cluster serves (PEM paths) and whether it refuses plaintext. */
export interface PgTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Only TLS connections over TCP (hostssl in pg_hba.conf). @default false */
  readonly requireTls?: boolean;
}

/** Options for a new cluster. */
export interface PgClusterOptions {
  /** @default a free port */
  readonly port?: number;
  readonly tls?: PgTlsFiles;
  /** Extra postgresql.conf settings. */
  readonly settings?: Readonly<Record<string, string | number>>;
}

/** A cluster that can be stopped and started again on its port. */
export interface PgCluster extends AsyncDisposable {
  readonly port: number;
  /** The data directory. */
  readonly dataDir: string;
  readonly running: boolean;
  /** Starts it; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>`, waiting for it to finish. */
  stop(mode?: "smart" | "fast" | "immediate"): Promise<void>;
  /** Promotes a standby. */
  promote(): Promise<void>;
  /** Runs SQL with psql as the superuser over TCP; returns its unaligned output. */
  psql(sql: string): Promise<string>;
}

/** The newest installed server's bin directory, or undefined when PostgreSQL is absent. */
export function postgresBinDir(): string | undefined {
  try {
    const majors = [...Deno.readDirSync(DEBIAN_ROOT)]
      .map((entry) => Number(entry.name))
      .filter((major) => Number.isInteger(major))
      .sort((a, b) => b - a);
    for (const major of majors) {
      const bin = `${DEBIAN_ROOT}/${major}/bin`;
      try {
        Deno.statSync(`${bin}/initdb`);
        return bin;
      } catch {
        // Client-only install of this major.
      }
    }
  } catch {
    // Not installed.
  }
  return undefined;
}

/** The line a test or scenario prints when it cannot run without PostgreSQL. */
export const POSTGRES_MISSING =
  "PostgreSQL server binaries not found under /usr/lib/postgresql: run chaos/install.sh";

/**
 * Creates (initdb) and starts a primary cluster.
 * @throws {Error} when PostgreSQL is not installed or a step fails (with its output)
 */
export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = requireBin();
  const home = await makeHome();
  const dataDir = `${home}/data`;
  const passwordFile = `${home}/password`;
  await Deno.writeTextFile(passwordFile, PG_TEST_PASSWORD);
  await handOver(passwordFile);
  await run(`${bin}/initdb`, [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    `--pwfile=${passwordFile}`,
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  if (options.tls?.requireTls) {
    // Plain TCP connections find no pg_hba line and are refused; TLS ones log in.
    const hba = await Deno.readTextFile(`${dataDir}/pg_hba.conf`);
    await Deno.writeTextFile(
      `${dataDir}/pg_hba.conf`,
      hba.replace(/^host(\s)/gm, "hostssl$1"),
    );
  }
  return await configureAndStart(bin, home, dataDir, options);
}

/**
 * Creates a streaming standby of `primary` (pg_basebackup -R) and starts it.
 * @throws {Error} when a step fails
 */
export async function startPgStandby(
  primary: PgCluster,
  options: PgClusterOptions = {},
): Promise<PgCluster> {
  const bin = requireBin();
  const home = await makeHome();
  const dataDir = `${home}/data`;
  await run(`${bin}/pg_basebackup`, [
    "-h",
    "127.0.0.1",
    "-p",
    String(primary.port),
    "-U",
    "postgres",
    "-D",
    dataDir,
    "-R",
    "--no-sync",
  ], { env: { PGPASSWORD: PG_TEST_PASSWORD } });
  return await configureAndStart(bin, home, dataDir, options);
}

async function configureAndStart(
  bin: string,
  home: string,
  dataDir: string,
  options: PgClusterOptions,
): Promise<PgCluster> {
  const port = options.port ?? refusedPort();
  const settings: Record<string, string | number> = {
    port,
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${home}'`,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    shared_buffers: "'16MB'",
    max_connections: 60,
    ...options.settings,
  };
  if (options.tls !== undefined) {
    for (const file of [options.tls.certFile, options.tls.keyFile]) {
      const copy = `${home}/${file.split("/").pop()}`;
      await Deno.copyFile(file, copy);
      await Deno.chmod(copy, 0o600);
      await handOver(copy);
    }
    settings.ssl = "on";
    settings.ssl_cert_file = `'${home}/${options.tls.certFile.split("/").pop()}'`;
    settings.ssl_key_file = `'${home}/${options.tls.keyFile.split("/").pop()}'`;
  }
  const conf = Object.entries(settings).map(([key, value]) => `${key} = ${value}\n`).join("");
  await Deno.writeTextFile(`${dataDir}/postgresql.conf`, conf, { append: true });
  await handOver(home, true);
  let running = false;
  const pgCtl = (args: string[]) => run(`${bin}/pg_ctl`, ["-D", dataDir, ...args]);
  const cluster: PgCluster = {
    port,
    dataDir,
    get running() {
      return running;
    },
    async start() {
      await pgCtl(["-l", `${home}/server.log`, "-w", "-t", "60", "start"]);
      running = true;
      await waitFor(async () => (await pgIsReady(bin, port)), {
        timeoutMs: 30_000,
        message: `PostgreSQL on ${port} to accept connections`,
      });
    },
    async stop(mode = "fast") {
      if (!running) return;
      await pgCtl(["-m", mode, "-w", "-t", "60", "stop"]);
      running = false;
    },
    async promote() {
      await pgCtl(["-w", "promote"]);
    },
    async psql(sql: string) {
      return await run(`${bin}/psql`, [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-XAtq",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sql,
      ], {
        env: {
          PGPASSWORD: PG_TEST_PASSWORD,
          PGSSLMODE: options.tls === undefined ? "disable" : "require",
        },
      });
    },
    async [Symbol.asyncDispose]() {
      try {
        if (running) await cluster.stop("immediate");
      } finally {
        await Deno.remove(home, { recursive: true }).catch(() => {});
      }
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    const log = await Deno.readTextFile(`${home}/server.log`).catch(() => "");
    await cluster[Symbol.asyncDispose]();
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`, {
      cause: error,
    });
  }
  return cluster;
}

function requireBin(): string {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(POSTGRES_MISSING);
  return bin;
}

async function makeHome(): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "iaido-pg-" });
  await Deno.chmod(home, 0o700);
  await handOver(home);
  return home;
}
