/**
 * The `reset_peer` toxic: resets the connection `timeout` ms after the
 * first chunk of its direction.
 * @module
 */

import { INTERRUPTED, TIMED_OUT, type ToxicType } from "../stage.ts";

/**
 * `reset_peer`: on the first chunk (or EOF) of its direction, drops it,
 * waits `timeout` ms without heeding interrupts, then closes. The link sends
 * an RST when the connection was accepted while a reset_peer existed.
 */
export const resetPeer: ToxicType = {
  name: "reset_peer",
  attributeNames: ["timeout"],
  bufferSize: 0,
  closesOnRemove: false,
  goName: "ResetToxic",
  goAttributeType: "int64",
  async pipe(io, attributes) {
    const first = await io.recv();
    if (first === INTERRUPTED || first === TIMED_OUT) return;
    await io.sleepThrough(attributes.timeout ?? 0);
    io.end();
  },
};
