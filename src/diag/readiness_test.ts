import assert from "node:assert/strict";
import type { FdView } from "../net/mod.ts";
import { notReadyReasons } from "./readiness.ts";
import type { FrontendStatus } from "./status.ts";

const fine: FdView = { limit: 256, source: "ulimit", inUse: 10, shedAt: 192, atLimit: false };

const frontend = (over: Partial<FrontendStatus>): FrontendStatus =>
  ({
    name: "db",
    ready: true,
    accepting: true,
    acceptError: null,
    tiers: [],
    ...over,
  }) as FrontendStatus;

Deno.test("notReadyReasons() is empty while every frontend accepts and has a backend", () => {
  assert.deepEqual(notReadyReasons([frontend({})], fine, []), []);
});

Deno.test("notReadyReasons() names a frontend that cannot accept, the fd limit and a stalled listener", () => {
  const reasons = notReadyReasons(
    [frontend({ accepting: false, acceptError: "Too many open files (os error 24)" })],
    { ...fine, inUse: 250, atLimit: true },
    [{ server: "health", address: "10.0.0.5:13014", stall: { reason: "Too many open files" } }],
  );
  assert.deepEqual(reasons, [
    "db: cannot accept: Too many open files (os error 24)",
    "at the file descriptor limit: 250 sockets in use of 256, new clients shed from 192",
    "health on 10.0.0.5:13014: cannot accept: Too many open files",
  ]);
});

Deno.test("notReadyReasons() says when no backend is eligible, with each one's reason", () => {
  const reasons = notReadyReasons(
    [frontend({
      ready: false,
      tiers: [{ backends: [{ address: "127.0.0.1:1", reason: "disabled until 12:00:00" }] }],
    } as unknown as Partial<FrontendStatus>)],
    fine,
    [],
  );
  assert.deepEqual(reasons, ["db: no eligible backend (127.0.0.1:1 disabled until 12:00:00)"]);
});
