/**
 * Request ids for `X-Toxiproxy-Request-Id`, shaped like Toxiproxy's xids.
 * @module
 */

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";

/**
 * Makes request ids shaped like the xids Toxiproxy sends in
 * `X-Toxiproxy-Request-Id`: 12 bytes (4 of seconds, 5 random, 3 of a
 * counter) as 20 base32hex characters, sortable by time.
 */
export function createRequestIdGenerator(
  nowMs: () => number = Date.now,
  randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): () => string {
  const machine = randomBytes(5);
  let counter = randomBytes(3).reduce((acc, b) => (acc << 8) | b, 0);
  return () => {
    counter = (counter + 1) & 0xffffff;
    const seconds = Math.floor(nowMs() / 1000) >>> 0;
    const bytes = new Uint8Array(12);
    new DataView(bytes.buffer).setUint32(0, seconds);
    bytes.set(machine, 4);
    bytes[9] = counter >> 16;
    bytes[10] = (counter >> 8) & 0xff;
    bytes[11] = counter & 0xff;
    let out = "";
    let acc = 0;
    let bits = 0;
    for (const byte of bytes) {
      acc = (acc << 8) | byte;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += ALPHABET[(acc >> bits) & 31];
      }
      acc &= (1 << bits) - 1;
    }
    // 96 bits leave 1 over: pad it to a 20th character.
    return out + ALPHABET[(acc << (5 - bits)) & 31];
  };
}
