/**
 * Request bodies of the API: read with a size cap (streamed, never buffered
 * past the cap), parsed like Go's `encoding/json`, and decoded into the
 * registry's inputs with Toxiproxy's error texts.
 * @module
 */

import {
  boolField,
  fieldsOf,
  float32Field,
  intField,
  JsonError,
  type JsonValue,
  parseFirstValue,
  stringField,
} from "./go_json.ts";
import { ApiError, type ProxyInput, type ToxicInput, type ToxicPatch } from "./registry.ts";
import type { ToxicType } from "./stage.ts";

/**
 * The largest request body the API reads, 1 MiB. A populate of a thousand
 * proxies is about 150 KB, so no real call comes near it; the real
 * Toxiproxy has no cap and runs out of memory on a large enough POST.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The 413 for a body over `limit` bytes. */
export function bodyTooLarge(limit: number): ApiError {
  return new ApiError(413, `request body too large: the limit is ${limit} bytes`);
}

/**
 * The body as text, read chunk by chunk and abandoned (413) as soon as it
 * passes `limit` bytes, so a huge upload costs at most `limit` plus a chunk.
 */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw bodyTooLarge(limit);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw bodyTooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(400, "bad request body: unexpected EOF", { cause });
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The first JSON value of the body; 400 `bad request body: …` when there is none. */
export async function readJson(request: Request, limit = MAX_BODY_BYTES): Promise<JsonValue> {
  const text = await readBodyText(request, limit);
  try {
    return parseFirstValue(text);
  } catch (cause) {
    throw badBody(cause);
  }
}

/** A decoding failure as Toxiproxy's 400. */
export function badBody(cause: unknown): ApiError {
  return new ApiError(400, `bad request body: ${(cause as Error).message}`, { cause });
}

/**
 * A proxy body (`null` is an empty one). `goType` and `goStruct` name the Go
 * type and struct in errors: a populate item is an anonymous struct.
 */
export function decodeProxy(
  value: JsonValue,
  goType = "toxiproxy.Proxy",
  goStruct = "Proxy",
): ProxyInput {
  if (value.kind === "null") return {};
  if (value.kind !== "object") {
    throw new JsonError(`json: cannot unmarshal ${value.kind} into Go value of type ${goType}`);
  }
  const get = fieldsOf(value);
  return {
    name: stringField(get, "name", goStruct),
    listen: stringField(get, "listen", goStruct),
    upstream: stringField(get, "upstream", goStruct),
    enabled: boolField(get, "enabled", goStruct),
  };
}

/** A populate body: an array of proxies (`null` is none); 400 on anything else. */
export function decodePopulate(body: JsonValue): ProxyInput[] {
  if (body.kind === "null") return [];
  try {
    if (body.kind !== "array") {
      throw new JsonError(
        `json: cannot unmarshal ${body.kind} into Go value of type ${POPULATE_GO_TYPE}`,
      );
    }
    return body.items.map((item) => decodeProxy(item, POPULATE_GO_TYPE.slice(2), ""));
  } catch (cause) {
    throw badBody(cause);
  }
}

/** The Go type a populate body decodes into, as its errors name it. */
const POPULATE_GO_TYPE = '[]struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';

/** The Go type a toxic update decodes into, as its errors name it. */
const TOXIC_PATCH_GO_TYPE =
  'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }';

/** The key reader of a toxic body, which must be an object or null. */
function toxicFields(
  body: JsonValue,
  goType = "toxics.ToxicWrapper",
): (key: string) => JsonValue | undefined {
  if (body.kind !== "object" && body.kind !== "null") {
    throw new JsonError(`json: cannot unmarshal ${body.kind} into Go value of type ${goType}`);
  }
  return fieldsOf(body);
}

/** A toxic create body; its attributes are decoded once the registry knows the type. */
export function decodeToxic(body: JsonValue): ToxicInput {
  try {
    const get = toxicFields(body);
    // Go decodes the whole body into a wrapper holding a NoopToxic first, so attributes
    // that are not an object fail here, before the type is even looked at.
    const attributes = get("attributes");
    if (attributes !== undefined && attributes.kind !== "object") {
      throw new JsonError(
        `json: cannot unmarshal ${attributes.kind} into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic`,
      );
    }
    return {
      name: stringField(get, "name", "ToxicWrapper"),
      type: stringField(get, "type", "ToxicWrapper"),
      stream: stringField(get, "stream", "ToxicWrapper"),
      toxicity: float32Field(get, "toxicity", "ToxicWrapper"),
      attributes: attributesDecoder(get("attributes")),
    };
  } catch (cause) {
    throw badBody(cause);
  }
}

/** A toxic update body: toxicity and attributes; any other key is ignored, as in Go. */
export function decodeToxicPatch(body: JsonValue): ToxicPatch {
  try {
    const get = toxicFields(body, TOXIC_PATCH_GO_TYPE);
    return {
      // Go decodes an update into an anonymous struct: its fields have no struct name.
      toxicity: float32Field(get, "toxicity", ""),
      attributes: attributesDecoder(get("attributes")),
    };
  } catch (cause) {
    throw badBody(cause);
  }
}

/** A decoder for the `attributes` of a body, run once the type is known. */
function attributesDecoder(
  value: JsonValue | undefined,
): (type: ToxicType) => Record<string, number> {
  return (type) => {
    if (value === undefined || value.kind === "null") return {};
    try {
      if (value.kind !== "object") {
        throw new JsonError(
          `json: cannot unmarshal ${value.kind} into Go struct field .attributes of type toxics.${type.goName}`,
        );
      }
      const get = fieldsOf(value);
      const out: Record<string, number> = {};
      for (const name of type.attributeNames) {
        const n = intField(get, name, `${type.goName}.attributes`, type.goAttributeType);
        if (n !== undefined) out[name] = n;
      }
      return out;
    } catch (cause) {
      throw badBody(cause);
    }
  };
}
