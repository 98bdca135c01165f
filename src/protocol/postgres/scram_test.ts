import assert from "node:assert/strict";
import { md5Password, ScramClient } from "./scram.ts";

// The exchange of RFC 7677, section 3.
const NONCE = "rOprNGfwEbeRWgbNEkqO";
const SERVER_FIRST =
  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

Deno.test("ScramClient produces RFC 7677's client-final-message and accepts its server signature", async () => {
  const scram = new ScramClient("pencil", NONCE, "user");
  assert.equal(scram.clientFirst(), `n,,n=user,r=${NONCE}`);
  assert.equal(
    await scram.clientFinal(SERVER_FIRST),
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  );
  scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
});

Deno.test("ScramClient rejects a wrong server signature and a server error", async () => {
  const scram = new ScramClient("pencil", NONCE, "user");
  await scram.clientFinal(SERVER_FIRST);
  assert.throws(() => scram.verifyServerFinal("v=AAAA"), /signature does not match/);
  assert.throws(() => scram.verifyServerFinal("e=invalid-proof"), /failed: invalid-proof/);
});

Deno.test("ScramClient rejects a server nonce that does not extend its own", async () => {
  const scram = new ScramClient("pencil", NONCE);
  await assert.rejects(
    scram.clientFinal("r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
    /does not extend/,
  );
  await assert.rejects(scram.clientFinal("r=x"), /malformed/);
});

Deno.test("md5Password is md5(md5(password + user) + salt), prefixed with md5", () => {
  assert.equal(
    md5Password("postgres", "secret", Uint8Array.of(1, 2, 3, 4)),
    "md5bb41a296aab6baccb36ff243a562abff",
  );
});
