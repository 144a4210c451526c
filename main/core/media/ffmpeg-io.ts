// How ffmpeg reaches a stored file: its path when plain, the tap's URL (decrypting) when encrypted.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { knownName, openDecrypted, plainSizeOf, type KeyLookup } from './encrypted-files.js';
import type { MediaTap } from './tap.js';

/** What ffmpeg or ffprobe opens to read one stored file, the protocols that takes, and what its environment needs. */
export interface FfmpegInput {
  url: string;
  protocols: string;
  /** The tap's credential for an encrypted file (empty for a plain one): into the spawn's environment, never argv. */
  env: Record<string, string>;
}

/** Whether a stored file starts with the vault header. */
export function encryptedSync(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(8);
    return readSync(fd, buf, 0, 8, 0) === 8 && buf.toString('ascii') === 'PLVAULT1';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What ffmpeg opens for a stored file: its path when plain, a tap URL reading it decrypted when encrypted. */
export function tapInput(tap: MediaTap, file: string, lookup: KeyLookup): FfmpegInput {
  if (!encryptedSync(file)) return { url: file, protocols: 'file', env: {} };
  const url = tap.url({ size: () => plainSizeOf(statSync(file).size), open: (range) => openDecrypted(file, lookup, range, tap.chunks) }, basename(knownName(file)));
  return { url, protocols: 'file,http,tcp', env: tap.env() };
}
