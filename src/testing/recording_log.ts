/**
 * A logger for tests that keeps every line it is given, so a test can
 * assert on what was logged and how often.
 * @module
 */

import type { Fields, Logger } from "../log/mod.ts";

/** One logged line: level, message, fields. */
export type LoggedLine = [level: string, message: string, fields: Fields | undefined];

/** A logger that records instead of writing. */
export function recordingLog(): Logger & { readonly lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at = (level: string) => (message: string, fields?: Fields) =>
    void lines.push([level, message, fields]);
  return {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    flush: () => {},
  };
}
