/**
 * Byte integrity for client workers: a repeatable payload and a running
 * FNV-1a checksum, so sent and echoed bytes can be compared without keeping
 * them.
 * @module
 */

/** A running 32-bit FNV-1a checksum. */
export class Checksum {
  #hash = 0x811c9dc5;
  #bytes = 0;

  /** Adds bytes. */
  update(bytes: Uint8Array): this {
    let hash = this.#hash;
    for (let i = 0; i < bytes.length; i++) {
      hash ^= bytes[i] as number;
      hash = Math.imul(hash, 0x01000193);
    }
    this.#hash = hash >>> 0;
    this.#bytes += bytes.length;
    return this;
  }

  /** Bytes added so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The checksum as 8 hex digits. */
  get hex(): string {
    return this.#hash.toString(16).padStart(8, "0");
  }
}

/** `length` pseudo-random bytes from `seed` (xorshift32), the same for the same seed. */
export function payload(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}
