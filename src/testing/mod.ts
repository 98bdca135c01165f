/**
 * Helpers for tests, the chaos suite, the bench and the demo: test
 * backends, the CLI as a subprocess, clients, a DNS server, a fake
 * scheduler, waiting for conditions, and where the reference binaries are.
 * Never imported by the sidecar itself.
 * @module
 */

export { FakeScheduler } from "./fake_scheduler.ts";
export {
  missingToolLine,
  sharedTool,
  type SharedToolName,
  sharedToolsDir,
} from "./shared_tools.ts";
export { refusedPort, startTestServer, type TestServer } from "./backends.ts";
export { cliRunArgs, MAIN_TS, runCli, type RunningCli, startSidecarCli } from "./cli.ts";
export {
  closeQuietly,
  connectIdentified,
  type IdentifiedConn,
  readAll,
  readLine,
  splitAddress,
} from "./client.ts";
export { startTestDnsServer } from "./dns_server.ts";
export { LoopLag } from "./loop_lag.ts";
export { waitFor } from "./wait.ts";
export { type SocketServer, startSocketServer } from "./socket_server.ts";
export { concatBytes, everySplit } from "./bytes.ts";
export {
  PG_TEST_PASSWORD,
  type PgCluster,
  POSTGRES_MISSING,
  postgresBinDir,
  startPgCluster,
  startPgStandby,
} from "./postgres.ts";
export { makeTestCa, type TestCa } from "./test_ca.ts";
export { connectPg, type ConnectPgOptions, sqlState, type TestPgConn } from "./pg_client.ts";
export { type FakeAnswer, FakeDialer } from "./fake_dialer.ts";
export { freePort } from "./ports.ts";
export { redisServerArgs, type RedisServerOptions } from "./redis_server.ts";
export { type LoggedLine, recordingLog } from "./recording_log.ts";
