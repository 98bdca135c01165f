/**
 * Tests of the Go-like JSON reader: first value only, error texts, integer
 * and float32 fields, case-insensitive keys, string escapes.
 * @module
 */

import assert from "node:assert/strict";
import {
  fieldsOf,
  float32Field,
  goString,
  intField,
  JsonError,
  parseFirstValue,
  shortestFloat32,
  stringField,
} from "./go_json.ts";

function errorOf(text: string): string {
  try {
    parseFirstValue(text);
  } catch (error) {
    assert.ok(error instanceof JsonError);
    return error.message;
  }
  return "no error";
}

Deno.test("parseFirstValue() reads the first value and ignores what follows", () => {
  assert.deepEqual(parseFirstValue(' {"a":1} {"b":2} junk'), {
    kind: "object",
    entries: [["a", { kind: "number", text: "1" }]],
  });
  assert.deepEqual(parseFirstValue("[true,null]x"), {
    kind: "array",
    items: [{ kind: "bool", value: true }, { kind: "null" }],
  });
  assert.deepEqual(parseFirstValue('"a\\u00e9\\n"'), { kind: "string", value: "aé\n" });
});

Deno.test("parseFirstValue() keeps number text so 1.0 and 1e2 can be refused as integers", () => {
  for (const text of ["1.0", "1e2", "-0", "12345678901234567890"]) {
    assert.deepEqual(parseFirstValue(text), { kind: "number", text });
  }
});

Deno.test("parseFirstValue() words errors like Go's encoding/json", () => {
  assert.equal(errorOf(""), "EOF");
  assert.equal(errorOf(" \n"), "EOF");
  assert.equal(errorOf("{"), "unexpected EOF");
  assert.equal(errorOf('{"a":'), "unexpected EOF");
  assert.equal(errorOf("x"), "invalid character 'x' looking for beginning of value");
  assert.equal(errorOf("{x"), "invalid character 'x' looking for beginning of object key string");
  assert.equal(errorOf('{"a" 1'), "invalid character '1' after object key");
  assert.equal(errorOf('{"a":1 2'), "invalid character '2' after object key:value pair");
  assert.equal(errorOf("[1 2"), "invalid character '2' after array element");
  assert.equal(errorOf("tru"), "unexpected EOF");
  assert.equal(errorOf("trux"), "invalid character 'x' in literal true (expecting 'e')");
  assert.equal(errorOf("-x"), "invalid character 'x' in numeric literal");
  assert.equal(errorOf("[".repeat(100_000)), "exceeded max depth");
});

Deno.test("fieldsOf() matches keys case-insensitively, the last one winning, null meaning absent", () => {
  const get = fieldsOf(parseFirstValue('{"Name":"a","NAME":"b","listen":null}'));
  assert.equal(stringField(get, "name", "Proxy"), "b");
  assert.equal(stringField(get, "listen", "Proxy"), undefined);
});

Deno.test("typed fields refuse the wrong JSON type with Go's message", () => {
  const get = fieldsOf(parseFirstValue('{"name":5,"latency":1.5,"big":1e2,"toxicity":"1"}'));
  assert.throws(
    () => stringField(get, "name", "Proxy"),
    /json: cannot unmarshal number into Go struct field Proxy.name of type string/,
  );
  assert.throws(() => intField(get, "latency", ".attributes"), /number 1\.5 into .* int64/);
  assert.throws(() => intField(get, "big", ".attributes"), /int64/);
  assert.throws(
    () => intField(get, "latency", "SlicerToxic.attributes", "int"),
    /number 1\.5 into Go struct field SlicerToxic\.attributes\.latency of type int$/,
  );
  assert.throws(() => float32Field(get, "toxicity", "ToxicWrapper"), /cannot unmarshal string/);
});

Deno.test("float32 values print short, like Go prints a float32", () => {
  assert.equal(shortestFloat32(Math.fround(0.2)), 0.2);
  assert.equal(shortestFloat32(Math.fround(0.7)), 0.7);
  assert.equal(shortestFloat32(Math.fround(2.5)), 2.5);
  const get = fieldsOf(parseFirstValue('{"toxicity":0.1}'));
  assert.equal(float32Field(get, "toxicity", "T"), 0.1);
  assert.throws(() => float32Field(fieldsOf(parseFirstValue('{"t":1e39}')), "t", "T"), JsonError);
});

Deno.test("goString() escapes HTML characters and line separators as Go does", () => {
  assert.equal(goString("a<b>&c\u2028"), '"a\\u003cb\\u003e\\u0026c\\u2028"');
  assert.equal(goString("\ud800"), '"\ufffd"');
});
