// Decrypted chunks kept a moment for the next reader of the same file: a playback's keyframe scan and its ffmpeg both
// open the first segment, and ffmpeg reads an MP4 by jumping (header, index at the end, then the data), each jump a new
// request through the tap that would decrypt again what the one before had already decrypted ahead.

/** Decrypted chunks by file version (device, inode, size, mtime: a file replaced under its name never matches) and index. */
export interface ChunkCache {
  get(version: string, index: number): Buffer | undefined;
  /** Whether the chunk is held, without counting as a use. */
  has(version: string, index: number): boolean;
  set(version: string, index: number, plain: Buffer): void;
}

/** A least-recently-used pool of decrypted chunks, bounded in bytes (the plaintext stays in this process's memory). */
export class DecryptedChunks implements ChunkCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(version: string, index: number): Buffer | undefined {
    const key = `${version}#${index}`;
    const hit = this.entries.get(key);
    if (hit) {
      // the most recently used goes last: the Map's order is the eviction order
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  has(version: string, index: number): boolean {
    return this.entries.has(`${version}#${index}`);
  }

  set(version: string, index: number, plain: Buffer): void {
    const key = `${version}#${index}`;
    if (plain.length > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, plain);
    this.bytes += plain.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Bytes held. */
  get held(): number {
    return this.bytes;
  }
}
