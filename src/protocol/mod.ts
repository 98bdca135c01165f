/**
 * Protocol awareness for PostgreSQL and Redis frontends: framing scanners
 * that follow message boundaries without reading data, per-session state
 * that says when a session can be moved without losing work, health probes
 * that ask the server the way it means it, and the few whole messages the
 * sidecar writes itself.
 * @module
 */

export { FrameScanner, FramingError } from "./postgres/framing.ts";
export {
  cancelRequest,
  errorResponse,
  parseErrorFields,
  parseStartupPacket,
  sslRequest,
  startupMessage,
  type StartupPacket,
  typed,
} from "./postgres/messages.ts";
export { MessageReader } from "./postgres/message_reader.ts";
export { type Credentials, PgClient, PgError } from "./postgres/client.ts";
export { type PgProbeOptions, type PgProbeOutcome, probePostgres } from "./postgres/probe.ts";
export {
  type CancelKey,
  cancelKeyOf,
  cancelKeyString,
  PgSessionState,
  type TransactionStatus,
} from "./postgres/session_state.ts";
export { ADMIN_SHUTDOWN, isUnavailable, UNAVAILABLE_CODES } from "./postgres/sqlstate.ts";
export { type RespEvent, RespFramingError, RespScanner } from "./redis/framing.ts";
export { RedisSessionState } from "./redis/session_state.ts";
export { encodeCommand, ReplyReader, type RespValue } from "./redis/reply_reader.ts";
export { probeRedis, type RedisProbeOptions, type RedisProbeOutcome } from "./redis/probe.ts";
export {
  type BackendTls,
  BackendTlsError,
  type ClientOpening,
  readClientOpening,
  sendStartup,
  startBackendTls,
  type StartupAnswer,
} from "./postgres/handshake.ts";
