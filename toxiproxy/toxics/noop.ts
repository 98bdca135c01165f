/**
 * The `noop` toxic: data passes unchanged.
 * @module
 */

import { passThrough, type ToxicType } from "../stage.ts";

/** `noop`: passes data through unchanged; attributes `{}`. */
export const noop: ToxicType = {
  name: "noop",
  attributeNames: [],
  bufferSize: 0,
  closesOnRemove: false,
  validate: () => undefined,
  pipe: (io) => passThrough(io),
};
