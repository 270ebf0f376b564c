import { hash } from 'node:crypto';

/**
 * SHA-256 of exactly what a call asked for: the user id (length-prefixed UTF-8) followed by every
 * operand as its IEEE 754 bytes. Stored with a request id so that a retry can be told apart from a
 * different calculation sent under the same id; the sum or the operand count alone would not do
 * ([1, 2] and [2, 1] or [0, 3] share both).
 */
export function inputDigest(userId: string, operands: readonly number[]): Buffer {
  const idBytes = Buffer.byteLength(userId, 'utf8');
  const data = Buffer.allocUnsafe(4 + idBytes + 8 * operands.length);
  data.writeUInt32BE(idBytes, 0);
  data.write(userId, 4, 'utf8');
  let offset = 4 + idBytes;
  for (const operand of operands) offset = data.writeDoubleLE(operand, offset);
  return hash('sha256', data, 'buffer');
}
