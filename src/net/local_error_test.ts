import assert from "node:assert/strict";
import { errnoCode, isLocalError, isResourceExhaustion } from "./local_error.ts";

const withCode = (code: string) => Object.assign(new Error(`failed (${code})`), { code });

Deno.test("descriptor, buffer and memory exhaustion are local resource errors", () => {
  for (const code of ["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]) {
    assert.ok(isResourceExhaustion(withCode(code)), code);
    assert.ok(isLocalError(withCode(code)), code);
  }
});

Deno.test("permissions and a lack of local addresses are local; a refused or reset peer is not", () => {
  assert.ok(isLocalError(new Deno.errors.NotCapable("Requires net access")));
  assert.ok(isLocalError(new Deno.errors.PermissionDenied("denied")));
  assert.ok(isLocalError(withCode("EACCES")));
  assert.ok(isLocalError(withCode("EADDRNOTAVAIL")));
  assert.ok(!isLocalError(new Deno.errors.ConnectionRefused("refused")));
  assert.ok(!isLocalError(withCode("ECONNRESET")));
  assert.ok(!isLocalError(new Error("no code")));
  assert.ok(!isResourceExhaustion(withCode("EACCES")));
});

Deno.test("errnoCode() reads the code Deno attaches, and nothing else", () => {
  assert.equal(errnoCode(withCode("EMFILE")), "EMFILE");
  assert.equal(errnoCode(new Error("x")), undefined);
  assert.equal(errnoCode(undefined), undefined);
  assert.equal(errnoCode({ code: 24 }), undefined);
});
