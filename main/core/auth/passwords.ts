// Password hashing with scrypt (node:crypto): a random salt per password, parameters stored with the hash.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// OWASP's password storage cheat sheet (2025): scrypt N=2^15, r=8, p=3 is one of its equivalent minimums; it needs
// 32 MiB per hash (N=2^17 would need 128 MiB, which parallel sign-ins on a small NVR box cannot spare).
export const SCRYPT = { N: 2 ** 15, r: 8, p: 3 } as const;
const { N, r: R, p: P } = SCRYPT;
const KEYLEN = 32;
const MAXMEM = 96 * 1024 * 1024;

function derive(password: string, salt: Buffer, opts: ScryptOptions, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Returns `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P, maxmem: MAXMEM }, KEYLEN);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, hashText] = parts;
  const expected = Buffer.from(hashText ?? '', 'base64url');
  if (expected.length < 16) return false;
  let key: Buffer;
  try {
    key = await derive(password, Buffer.from(saltText ?? '', 'base64url'), { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM }, expected.length);
  } catch {
    // parameters outside what scrypt accepts (a damaged row) match no password
    return false;
  }
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** True when a stored hash was made with other parameters than today's (it is upgraded at the next sign-in). */
export function needsRehash(stored: string): boolean {
  const [alg, n, r, p] = stored.split('$');
  return alg !== 'scrypt' || Number(n) !== N || Number(r) !== R || Number(p) !== P;
}

/** A hash to verify against when the user does not exist, so timing does not reveal which names exist. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
