/**
 * The `iaido` command's parts: flags, help, `--bootstrap` files, the status
 * table, and how a fatal error becomes a message and an exit code.
 * @module
 */

export { type Command, helpText, parseCommandLine, UsageError } from "./args.ts";
export { writeBootstrapFile } from "./bootstrap_file.ts";
export { describeFatal, EXIT } from "./fatal.ts";
export { formatStatusTable } from "./status_table.ts";
export { type ReloadAccess, startupLine } from "./startup_line.ts";
