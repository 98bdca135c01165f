/**
 * Writing a whole buffer: a socket write may take only part of it.
 * @module
 */

/** Writes every byte of `bytes` to `conn`, looping over short writes. */
export async function writeAll(
  conn: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let written = await conn.write(bytes);
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
