import assert from "node:assert/strict";
import { probePostgres } from "./probe.ts";
import { errorResponse, typed } from "./messages.ts";
import { PG_TEST_PASSWORD, startPgCluster, startPgStandby } from "../../testing/mod.ts";

/** A fake server that answers the startup packet with `reply`. */
function answering(reply: Uint8Array) {
  let pending: Uint8Array | undefined;
  return {
    write(bytes: Uint8Array): Promise<number> {
      pending = reply;
      return Promise.resolve(bytes.length);
    },
    read(buffer: Uint8Array): Promise<number | null> {
      if (pending === undefined) return Promise.resolve(null);
      buffer.set(pending);
      const count = pending.length;
      pending = undefined;
      return Promise.resolve(count);
    },
  };
}

const refusing = (code: string, message: string) =>
  answering(errorResponse({ severity: "FATAL", code, message }));

Deno.test("probePostgres: 57P03, 57P01 and 53300 answers to the startup are down", async () => {
  for (
    const [code, message] of [
      ["57P03", "the database system is shutting down"],
      ["57P01", "terminating connection due to administrator command"],
      ["53300", "sorry, too many clients already"],
    ] as const
  ) {
    assert.deepEqual(await probePostgres(refusing(code, message), { role: "any", user: "u" }), {
      up: false,
      reason: `${code} ${message}`,
      code,
    });
  }
});

Deno.test("probePostgres: an authentication request is up, and so is another refusal", async () => {
  const askPassword = answering(typed("R", Uint8Array.of(0, 0, 0, 3)));
  assert.deepEqual(await probePostgres(askPassword, { role: "any", user: "u" }), { up: true });
  const noHba = refusing("28000", "no pg_hba.conf entry");
  assert.deepEqual(await probePostgres(noHba, { role: "any", user: "u" }), { up: true });
});

Deno.test("probePostgres: a server that closes at once is down", async () => {
  assert.deepEqual(
    await probePostgres(answering(new Uint8Array(0)), { role: "any", user: "u" }),
    { up: false, reason: "closed without answering the startup" },
  );
});

async function probeTcp(port: number, options: Parameters<typeof probePostgres>[1]) {
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  return await probePostgres(conn, options);
}

Deno.test("probePostgres against real servers: SCRAM login, primary up, standby not a primary", async () => {
  await using primary = await startPgCluster();
  await using standby = await startPgStandby(primary);
  const primaryCheck = { role: "primary", user: "postgres", password: PG_TEST_PASSWORD } as const;
  assert.deepEqual(await probeTcp(primary.port, { role: "any", user: "postgres" }), { up: true });
  assert.deepEqual(await probeTcp(primary.port, primaryCheck), { up: true });
  assert.deepEqual(await probeTcp(standby.port, { role: "any", user: "postgres" }), { up: true });
  assert.deepEqual(await probeTcp(standby.port, primaryCheck), {
    up: false,
    reason: "not a primary: transaction_read_only is on",
  });
  const wrong = await probeTcp(primary.port, { ...primaryCheck, password: "wrong" });
  assert.equal(wrong.up, false);
  assert.equal(!wrong.up && wrong.code, "28P01");
  await standby.promote();
  assert.deepEqual(
    await probeTcp(standby.port, primaryCheck),
    { up: true },
    "a promoted standby is a primary",
  );
});
