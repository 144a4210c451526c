// The one-time setup code: printed on the server's console at first start, required to create the first admin.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

// Crockford's base32 without I, L, O, U: nothing to misread when typing it from a terminal
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 15 characters in three groups (75 bits): e.g. `7KQ2M-XD9RT-A4HWN`. */
export function newSetupCode(): string {
  const chars = Array.from({ length: 15 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 5, 10].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

function canonical(code: string): Buffer {
  const text = code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return createHash('sha256').update(text).digest();
}

/** Compares in constant time, forgiving case, spaces, dashes and the letters people confuse with digits. */
export function setupCodeMatches(given: string, expected: string): boolean {
  return timingSafeEqual(canonical(given), canonical(expected));
}
