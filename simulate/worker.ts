/**
 * A worker that runs one simulation (`RunRequest` in, `ReportRun` out), so
 * fleet sizes and variants use every core.
 * @module
 */

import { type RunRequest, runRequest } from "./run.ts";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  try {
    scope.postMessage({ ok: true, run: runRequest(event.data) });
  } catch (error) {
    scope.postMessage({ ok: false, error: (error as Error).stack ?? String(error) });
  }
};
