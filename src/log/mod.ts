/**
 * Structured logging, text or JSON, written once per event-loop turn.
 * @module
 */

export {
  createLogger,
  type Fields,
  type Level,
  type Logger,
  type LoggerOptions,
  silentLogger,
} from "./logger.ts";
export { RepeatLimiter, type RepeatLimiterOptions, type RepeatVerdict } from "./repeats.ts";
