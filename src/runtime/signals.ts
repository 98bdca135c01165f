/**
 * Process signals as events: SIGTERM and SIGINT ask for shutdown.
 * @module
 */

/** The signals that ask the sidecar to stop. */
export const SHUTDOWN_SIGNALS: readonly Deno.Signal[] = ["SIGTERM", "SIGINT"];

/** Calls `handler` on each listed signal until disposed. */
export function listenForSignals(
  signals: readonly Deno.Signal[],
  handler: (signal: Deno.Signal) => void,
): Disposable {
  const listeners = signals.map((signal) => {
    const listener = () => handler(signal);
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return {
    [Symbol.dispose]() {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    },
  };
}
