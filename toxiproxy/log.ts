/**
 * Log levels as Toxiproxy's `LOG_LEVEL` names them, and the log function the
 * server reports proxy events through.
 * @module
 */

/** Log levels, lowest first, as Toxiproxy's LOG_LEVEL names them. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "panic"] as const;

/** A log level. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Receives log events: a level, Toxiproxy's message text and structured fields. */
export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** A log that drops everything (the library default). */
export const silentLog: Log = () => {};
