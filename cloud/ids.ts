import { createHash, randomBytes } from 'node:crypto';

const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Unambiguous when read aloud or typed from a screen: no 0/O, 1/I/L. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export const newId = (prefix: 'sto' | 'trm' | 'evt'): string => `${prefix}_${randomString(BASE32, 20)}`;
export const newEnrolmentCode = (): string => randomString(CODE_ALPHABET, 12);
export const newTerminalSecret = (): string => randomBytes(32).toString('base64url');
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
