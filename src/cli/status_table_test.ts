import assert from "node:assert/strict";
import type { Status } from "../diag/mod.ts";
import { formatStatusTable } from "./status_table.ts";

const backend = (address: string, extra: Record<string, unknown>) => ({
  address,
  tier: 0,
  tierName: "home",
  subTier: 0,
  load: 1,
  max: 1,
  latencyMs: 0.4,
  health: "unchecked",
  healthDetail: null,
  disabledUntil: null,
  lastFailure: null,
  eligible: false,
  reason: "full 1/1",
  retired: false,
  sessionsTotal: 1,
  bytesUp: 0,
  bytesDown: 0,
  failures: {},
  ...extra,
});

Deno.test("formatStatusTable() shows tiers, backends with why, and recent decisions", () => {
  const status = {
    version: "1.0.0",
    now: "2026-11-28T02:00:00.000Z",
    startedAt: "2026-11-28T01:00:00.000Z",
    configGeneration: 2,
    reload: { successes: 1, failures: 0, lastSuccessAt: null, lastError: null },
    frontends: [{
      name: "db",
      bindAddress: "127.0.0.1:0",
      address: "127.0.0.1:26257",
      activeSessions: 2,
      waitingClients: 0,
      sessionsAccepted: 2,
      endings: {},
      ready: true,
      tiers: [
        {
          index: 0,
          name: "home",
          maxBackendConnections: 1,
          forcePromotionAfterMs: 0,
          betterTierRoomSince: null,
          backends: [backend("127.0.0.1:1", {})],
        },
        {
          index: 1,
          name: "far",
          maxBackendConnections: 0,
          forcePromotionAfterMs: 0,
          betterTierRoomSince: null,
          backends: [
            backend("127.0.0.1:2", {
              max: 0,
              eligible: true,
              reason: "eligible, load 1",
              latencyMs: null,
            }),
          ],
        },
      ],
    }],
    decisions: [{
      at: "2026-11-28T01:59:59.000Z",
      kind: "spill",
      frontend: "db",
      backend: "127.0.0.1:2",
      reason: "new sessions go to far",
    }],
  } as unknown as Status;
  assert.equal(
    formatStatusTable(status),
    [
      "iaido 1.0.0 · config generation 2 · 2026-11-28T02:00:00.000Z",
      "",
      "frontend db  127.0.0.1:26257  sessions 2  waiting 0  ready",
      "  tier 0 home",
      "    ○  127.0.0.1:1  1/1  0.4 ms  unchecked  full 1/1",
      "  tier 1 far",
      "    ●  127.0.0.1:2  1  –  unchecked  eligible, load 1",
      "",
      "recent decisions:",
      "  01:59:59 spill     db 127.0.0.1:2: new sessions go to far",
    ].join("\n"),
  );
});

Deno.test("formatStatusTable() leads with why the sidecar is not ready", () => {
  const status = {
    version: "1.0.0",
    now: "2026-11-28T02:00:00.000Z",
    configGeneration: 1,
    reload: { lastError: null },
    frontends: [],
    notReady: [
      "at the file descriptor limit: 250 sockets in use of 256, new clients shed from 192",
    ],
    decisions: [],
  } as unknown as Status;
  assert.match(
    formatStatusTable(status),
    /^iaido 1\.0\.0 .*\nNOT READY: at the file descriptor limit: 250 sockets in use of 256/,
  );
});
