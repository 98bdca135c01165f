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
  goName: "NoopToxic",
  goAttributeType: "int64",
  pipe: (io) => passThrough(io),
};
