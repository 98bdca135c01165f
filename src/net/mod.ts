/**
 * Socket plumbing shared by the proxy and the diagnostics: accept loops
 * that survive running out of descriptors, retry backoff, and telling
 * local failures from the peer's.
 * @module
 */

export { AcceptLoop, type AcceptLoopOptions, type AcceptStall } from "./accept_loop.ts";
export { Backoff } from "./backoff.ts";
export { closeQuietly } from "./close_quietly.ts";
export { writeAll } from "./write_all.ts";
export { errnoCode, isLocalError, isResourceExhaustion } from "./local_error.ts";
export {
  descriptorsNeeded,
  FD_RESERVE,
  FdHeadroom,
  type FdLimitSource,
  type FdView,
} from "./fd_headroom.ts";
export { parseOpenFilesLimit, readFdSoftLimit } from "./fd_limit.ts";
