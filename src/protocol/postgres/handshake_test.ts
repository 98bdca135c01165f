import assert from "node:assert/strict";
import { BackendTlsError, readClientOpening, sendStartup, startBackendTls } from "./handshake.ts";
import { cancelRequest, sslRequest, startupMessage } from "./messages.ts";
import { PgClient } from "./client.ts";
import { concatBytes, makeTestCa, PG_TEST_PASSWORD, startPgCluster } from "../../testing/mod.ts";

/** A fake client: its bytes, and what the sidecar wrote back. */
function client(bytes: Uint8Array) {
  let pending: Uint8Array | undefined = bytes;
  const written: number[] = [];
  return {
    written,
    read(buffer: Uint8Array): Promise<number | null> {
      if (pending === undefined || pending.length === 0) return Promise.resolve(null);
      const count = Math.min(buffer.length, pending.length);
      buffer.set(pending.subarray(0, count));
      pending = pending.subarray(count);
      return Promise.resolve(count);
    },
    write(bytes: Uint8Array): Promise<number> {
      written.push(...bytes);
      return Promise.resolve(bytes.length);
    },
  };
}

Deno.test("readClientOpening answers SSLRequest with N and returns the StartupMessage", async () => {
  const startup = startupMessage({ user: "app" });
  const conn = client(concatBytes(sslRequest(), startup));
  const opening = await readClientOpening(conn);
  assert.deepEqual(conn.written, [0x4e]);
  assert.equal(opening.kind, "startup");
  assert.deepEqual(opening.kind === "startup" && opening.packet, startup);
});

Deno.test("readClientOpening returns a CancelRequest's key", async () => {
  const opening = await readClientOpening(client(cancelRequest(77, Uint8Array.of(0, 0, 0, 9))));
  assert.equal(opening.kind, "cancel");
  assert.deepEqual(opening.kind === "cancel" && opening.key, { processId: 77, secretHead: 9 });
});

Deno.test("readClientOpening: a client that leaves at once, and one that is not PostgreSQL", async () => {
  assert.deepEqual(await readClientOpening(client(new Uint8Array(0))), { kind: "closed" });
  const http = new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n");
  await assert.rejects(readClientOpening(client(http)), RangeError);
});

Deno.test("sendStartup and startBackendTls against a real server that requires TLS", async () => {
  const dir = await Deno.makeTempDir({ prefix: "iaido-tls-" });
  try {
    const ca = await makeTestCa(dir);
    await using cluster = await startPgCluster({
      tls: { certFile: ca.serverCertFile, keyFile: ca.serverKeyFile, requireTls: true },
    });
    const startup = startupMessage({ user: "postgres", database: "postgres" });
    const connect = () => Deno.connect({ hostname: "127.0.0.1", port: cluster.port });

    // Plaintext is refused (no hostssl-less line), but not with a "try elsewhere" code.
    {
      using plain = await connect();
      const answer = await sendStartup(plain, startup);
      assert.equal(answer.taken, true);
    }
    // Verified TLS: the server takes the startup and asks for the SCRAM password.
    {
      const tls = await startBackendTls(await connect(), {
        mode: "verify-full",
        caCerts: [ca.caCertPem],
        serverName: "127.0.0.1",
      });
      using _ = tls;
      const answer = await sendStartup(tls, startup);
      assert.equal(answer.taken, true);
      assert.equal(answer.taken && String.fromCharCode(answer.first[0] as number), "R");
    }
    // A name the certificate does not carry fails verify-full, passes require.
    await assert.rejects(
      startBackendTls(await connect(), {
        mode: "verify-full",
        caCerts: [ca.caCertPem],
        serverName: "db.example",
      }),
      BackendTlsError,
    );
    {
      const tls = await startBackendTls(await connect(), {
        mode: "require",
        caCerts: [ca.caCertPem],
        serverName: "db.example",
      });
      using _ = tls;
      const pg = new PgClient(tls);
      await pg.login({ user: "postgres", password: PG_TEST_PASSWORD });
      assert.deepEqual(
        (await pg.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).rows,
        [["t"]],
      );
      await pg.terminate();
    }
    // Without the CA, the chain does not verify.
    await assert.rejects(
      startBackendTls(await connect(), { mode: "require", caCerts: [], serverName: "127.0.0.1" }),
      BackendTlsError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
