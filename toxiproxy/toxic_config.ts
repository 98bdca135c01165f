/**
 * A toxic as stored and shown by the API: name, stream as supplied, the
 * normalised direction, toxicity and attributes.
 * @module
 */

import type { StageToxic } from "./stage.ts";

/** Which way a chain works: upstream = client → server bytes, downstream = server → client. */
export type StreamDirection = "upstream" | "downstream";

/** One toxic of a proxy, as stored and shown by the API. Immutable: updates make a new one. */
export interface ToxicConfig extends StageToxic {
  /** Unique across both streams of its proxy. */
  readonly name: string;
  /** The stream exactly as supplied (`"UpStream"` stays `"UpStream"`). */
  readonly stream: string;
  /** The stream, normalised. */
  readonly direction: StreamDirection;
}
