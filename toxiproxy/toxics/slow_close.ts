/**
 * The `slow_close` toxic: data passes; the close waits `delay` ms.
 * @module
 */

import { END, INTERRUPTED, TIMED_OUT, type ToxicType } from "../stage.ts";

/** `slow_close`: data passes; closing waits `delay` ms after the source ends. */
export const slowClose: ToxicType = {
  name: "slow_close",
  attributeNames: ["delay"],
  bufferSize: 0,
  closesOnRemove: false,
  goName: "SlowCloseToxic",
  goAttributeType: "int64",
  async pipe(io, attributes) {
    while (true) {
      const chunk = await io.recv();
      if (chunk === INTERRUPTED || chunk === TIMED_OUT) return;
      if (chunk === END) {
        // END stays queued, so an interrupted wait starts over after a restart.
        if (await io.sleep(attributes.delay ?? 0)) io.end();
        return;
      }
      await io.send(chunk);
      if (io.interrupted) return;
    }
  },
};
