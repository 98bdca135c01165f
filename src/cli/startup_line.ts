/**
 * The one line printed at startup: which config file is in use and how it
 * will be reloaded with the permissions granted (and the flag that would
 * turn more on).
 * @module
 */

import { type ConfigFormat, formatDuration } from "../config/mod.ts";

/** What the process may do with the config file. */
export interface ReloadAccess {
  readonly format: ConfigFormat;
  /** Read permission for the file itself. */
  readonly readFile: boolean;
  /** Read permission for the file's folder (a module's imports usually live there). */
  readonly readFolder: boolean;
  /** The folder, as the user would type it. */
  readonly folder: string;
  /** Poll period; 0 = off. */
  readonly pollMs: number;
}

/** The startup line for `file`. */
export function startupLine(file: string, access: ReloadAccess): string {
  const poll = access.pollMs > 0 ? `, polled every ${formatDuration(access.pollMs)}` : "";
  if (access.format !== "module") {
    return `config ${file}: reloaded when it changes (watched${poll}) and on SIGHUP`;
  }
  if (!access.readFile) {
    return `config ${file}: imported without read permission, so it is not reloaded; ` +
      `run with --allow-read=${access.folder} to reload it (and the modules it imports) ` +
      `when it changes and on SIGHUP`;
  }
  if (!access.readFolder) {
    return `config ${file}: reloaded when it changes (watched${poll}) and on SIGHUP; ` +
      `the modules it imports are re-read only with --allow-read=${access.folder}`;
  }
  return `config ${file}: reloaded with the modules it imports when it changes ` +
    `(watched${poll}) and on SIGHUP`;
}
