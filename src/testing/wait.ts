/**
 * Waiting for a condition with a deadline: what tests do instead of sleeping.
 * @module
 */

/**
 * Polls `condition` every `intervalMs` until it returns a truthy value,
 * which is returned. Throws with `message` when `timeoutMs` passes first.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 10, message = "condition" } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
