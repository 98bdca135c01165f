import assert from "node:assert/strict";
import { waitFor } from "../testing/wait.ts";
import { Timers } from "./timers.ts";

Deno.test("Timers.clear() stops every timer but allows new ones; dispose refuses them", async () => {
  const timers = new Timers();
  let cleared = 0;
  timers.after(1, () => cleared++);
  timers.clear();
  let fired = 0;
  timers.after(1, () => fired++);
  await waitFor(() => fired === 1, { message: "a timer set after clear() to fire" });
  assert.equal(cleared, 0);
  timers[Symbol.dispose]();
  timers.every(1, () => fired++);
  const cancel = timers.after(1, () => fired++);
  cancel();
  assert.equal(fired, 1);
});
