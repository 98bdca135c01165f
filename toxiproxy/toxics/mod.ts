/**
 * The toxic types a proxy accepts, by API name.
 *
 * @module
 */
import type { ToxicType } from "../stage.ts";
import { bandwidth } from "./bandwidth.ts";
import { latency } from "./latency.ts";
import { limitData } from "./limit_data.ts";
import { noop } from "./noop.ts";
import { resetPeer } from "./reset_peer.ts";
import { slicer } from "./slicer.ts";
import { slowClose } from "./slow_close.ts";
import { timeout } from "./timeout.ts";

/** Every registered toxic type; `down` is not one (clients build it from `enabled:false`). */
export const TOXIC_TYPES: ReadonlyMap<string, ToxicType> = new Map(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop].map((
    t,
  ) => [t.name, t]),
);

export { bandwidth, latency, limitData, noop, resetPeer, slicer, slowClose, timeout };
