/**
 * The `timeout` toxic: drops its direction's data and closes the connection
 * after `timeout` ms (never when ≤ 0); removing it closes too.
 * @module
 */

import { END, INTERRUPTED, TIMED_OUT, type ToxicType } from "../stage.ts";

/**
 * `timeout`: drops every chunk of its direction. With `timeout` > 0 it closes
 * the connection that many ms after it (re)started; with ≤ 0 it holds the
 * connection open forever. Removing it closes the connection.
 */
export const timeout: ToxicType = {
  name: "timeout",
  attributeNames: ["timeout"],
  bufferSize: 0,
  closesOnRemove: true,
  goName: "TimeoutToxic",
  goAttributeType: "int64",
  async pipe(io, attributes) {
    const ms = attributes.timeout ?? 0;
    const deadline = ms > 0 ? io.now() + ms : undefined;
    while (true) {
      const chunk = await io.recv(deadline);
      if (chunk === INTERRUPTED) return;
      if (chunk === END || chunk === TIMED_OUT) return io.end();
    }
  },
};
