/**
 * The SQLSTATE codes with which a server says "not now" at connection time:
 * a backend that answers a startup with one of them is down for new
 * sessions, and the startup may be replayed elsewhere.
 * @module
 */

/** SQLSTATE → name, for the codes that mean the server cannot take a session now. */
export const UNAVAILABLE_CODES: ReadonlyMap<string, string> = new Map([
  ["57P03", "cannot_connect_now"],
  ["57P01", "admin_shutdown"],
  ["53300", "too_many_connections"],
]);

/** Whether an error with this SQLSTATE means "try another server". */
export function isUnavailable(code: string | undefined): boolean {
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}

/** The SQLSTATE with which the sidecar ends a session it moves or drains. */
export const ADMIN_SHUTDOWN = "57P01";
