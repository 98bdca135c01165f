/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), PostgreSQL's
 * default password authentication, and of the older md5 scheme. Used by the
 * `role: primary` probe, which logs in with configured credentials.
 * @module
 */

import { createHash } from "node:crypto";

const encoder = new TextEncoder();

/** One SCRAM-SHA-256 exchange; make a new one per login. */
export class ScramClient {
  readonly #password: string;
  readonly #clientFirstBare: string;
  #serverSignature: string | undefined;

  /**
   * @param password the user's password
   * @param nonce the client nonce (random when absent; tests pass a fixed one)
   * @param user the user name sent in the exchange (PostgreSQL ignores it and uses the startup's)
   */
  constructor(password: string, nonce: string = randomNonce(), user = "") {
    this.#password = password;
    this.#clientFirstBare = `n=${user},r=${nonce}`;
  }

  /** The client-first-message. */
  clientFirst(): string {
    return `n,,${this.#clientFirstBare}`;
  }

  /**
   * The client-final-message answering the server-first-message.
   * @throws {Error} when the server's message is malformed or its nonce is not ours
   */
  async clientFinal(serverFirst: string): Promise<string> {
    const fields = attributes(serverFirst);
    const nonce = fields.get("r");
    const salt = fields.get("s");
    const iterations = Number(fields.get("i"));
    const ourNonce = this.#clientFirstBare.slice(this.#clientFirstBare.indexOf(",r=") + 3);
    if (nonce === undefined || salt === undefined || !Number.isInteger(iterations)) {
      throw new Error(`malformed SCRAM server-first-message: ${JSON.stringify(serverFirst)}`);
    }
    if (!nonce.startsWith(ourNonce) || nonce.length === ourNonce.length) {
      throw new Error("SCRAM server nonce does not extend the client nonce");
    }
    const salted = await pbkdf2(this.#password, fromBase64(salt), iterations);
    const clientKey = await hmac(salted, "Client Key");
    const storedKey = new Uint8Array(await crypto.subtle.digest("SHA-256", clientKey));
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.#clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = await hmac(storedKey, authMessage);
    const proof = clientKey.map((byte, i) => byte ^ (clientSignature[i] as number));
    const serverKey = await hmac(salted, "Server Key");
    this.#serverSignature = toBase64(await hmac(serverKey, authMessage));
    return `${withoutProof},p=${toBase64(proof)}`;
  }

  /**
   * Checks the server-final-message: the server proves it knew the password too.
   * @throws {Error} when it does not
   */
  verifyServerFinal(serverFinal: string): void {
    const fields = attributes(serverFinal);
    const error = fields.get("e");
    if (error !== undefined) throw new Error(`SCRAM authentication failed: ${error}`);
    if (this.#serverSignature === undefined || fields.get("v") !== this.#serverSignature) {
      throw new Error("SCRAM server signature does not match");
    }
  }
}

/** PostgreSQL's md5 password hash: "md5" + md5(md5(password + user) + salt). */
export function md5Password(user: string, password: string, salt: Uint8Array): string {
  const inner = createHash("md5").update(password + user).digest("hex");
  return "md5" + createHash("md5").update(encoder.encode(inner)).update(salt).digest("hex");
}

function attributes(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) fields.set(part.slice(0, 1), part.slice(2));
  }
  return fields;
}

async function pbkdf2(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

async function hmac(key: Uint8Array, message: string): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

function randomNonce(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(18)));
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
