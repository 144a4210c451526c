// Splits ffmpeg's fragmented-MP4 byte stream into the init segment (ftyp+moov) and fragments (moof+mdat).

export interface Fmp4Events {
  onInit(init: Buffer, codec: string): void;
  onFragment(fragment: Buffer, keyframe: boolean): void;
}

interface Box {
  type: string;
  start: number;
  /** Offset of the payload (after size/type, and largesize when present). */
  body: number;
  end: number;
}

/** Child boxes of buf[from, to). */
function boxes(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let p = from;
  while (p + 8 <= to) {
    let size = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    let body = p + 8;
    if (size === 1) {
      if (p + 16 > to) break;
      size = Number(buf.readBigUInt64BE(p + 8));
      body = p + 16;
    } else if (size === 0) {
      size = to - p;
    }
    if (size < 8 || p + size > to) break;
    out.push({ type, start: p, body, end: p + size });
    p += size;
  }
  return out;
}

function child(buf: Buffer, parent: Box, type: string, skip = 0): Box | undefined {
  return boxes(buf, parent.body + skip, parent.end).find((b) => b.type === type);
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** RFC 6381 codec string from the first video sample entry of a moov (avc1.42C01F, hvc1.1.6.L93.B0); '' if unknown. */
export function codecFromMoov(buf: Buffer, moov: Box): string {
  for (const trak of boxes(buf, moov.body, moov.end).filter((b) => b.type === 'trak')) {
    const mdia = child(buf, trak, 'mdia');
    const minf = mdia && child(buf, mdia, 'minf');
    const stbl = minf && child(buf, minf, 'stbl');
    const stsd = stbl && child(buf, stbl, 'stsd');
    if (!stsd) continue;
    // stsd: version/flags + entry count, then sample entries.
    const entry = boxes(buf, stsd.body + 8, stsd.end)[0];
    if (!entry) continue;
    // A visual sample entry has 78 bytes of fixed fields before its child boxes.
    const kids = boxes(buf, entry.body + 78, entry.end);
    if (entry.type === 'avc1' || entry.type === 'avc3') {
      const avcC = kids.find((b) => b.type === 'avcC');
      if (!avcC || avcC.body + 4 > avcC.end) return entry.type;
      return `${entry.type}.${hex2(buf[avcC.body + 1]!)}${hex2(buf[avcC.body + 2]!)}${hex2(buf[avcC.body + 3]!)}`;
    }
    if (entry.type === 'hvc1' || entry.type === 'hev1') {
      const hvcC = kids.find((b) => b.type === 'hvcC');
      if (!hvcC || hvcC.body + 13 > hvcC.end) return entry.type;
      const b = hvcC.body;
      const p1 = buf[b + 1]!;
      const space = ['', 'A', 'B', 'C'][p1 >> 6] ?? '';
      const tier = p1 & 0x20 ? 'H' : 'L';
      const profile = p1 & 0x1f;
      // Compatibility flags are written bit-reversed (ISO/IEC 14496-15 Annex E).
      let compat = buf.readUInt32BE(b + 2);
      let rev = 0;
      for (let i = 0; i < 32; i++) {
        rev = (rev << 1) | (compat & 1);
        compat >>>= 1;
      }
      const constraints: string[] = [];
      for (let i = 0; i < 6; i++) constraints.push((buf[b + 6 + i] ?? 0).toString(16).toUpperCase());
      while (constraints.length > 0 && constraints.at(-1) === '0') constraints.pop();
      const level = buf[b + 12]!;
      return [`${entry.type}.${space}${profile}`, (rev >>> 0).toString(16).toUpperCase(), `${tier}${level}`, ...constraints].join('.');
    }
    if (entry.type !== 'mp4a') return entry.type;
  }
  return '';
}

/** The track id of the first video trak (ffmpeg numbers mapped streams from 1; video is mapped first). */
export function videoTrackId(buf: Buffer, moov: Box): number {
  for (const trak of boxes(buf, moov.body, moov.end).filter((b) => b.type === 'trak')) {
    const mdia = child(buf, trak, 'mdia');
    const hdlr = mdia && child(buf, mdia, 'hdlr');
    if (!hdlr || hdlr.body + 12 > hdlr.end || buf.toString('latin1', hdlr.body + 8, hdlr.body + 12) !== 'vide') continue;
    const tkhd = child(buf, trak, 'tkhd');
    if (!tkhd) continue;
    // version 1 has 64-bit creation and modification times before the track id
    return buf.readUInt32BE(tkhd.body + (buf[tkhd.body] === 1 ? 20 : 12));
  }
  return 1;
}

/** Video codec, then `mp4a.40.2` when the init also carries AAC sound (what MSE's addSourceBuffer wants). */
export function codecsFromMoov(buf: Buffer, moov: Box): string {
  const video = codecFromMoov(buf, moov);
  const hasAac = boxes(buf, moov.body, moov.end)
    .filter((b) => b.type === 'trak')
    .some((trak) => {
      const stsd = ['mdia', 'minf', 'stbl', 'stsd'].reduce<Box | undefined>((box, t) => box && child(buf, box, t), trak);
      return stsd !== undefined && boxes(buf, stsd.body + 8, stsd.end)[0]?.type === 'mp4a';
    });
  return hasAac && video ? `${video},mp4a.40.2` : video;
}

/** True when the fragment's first sample is a sync sample (a keyframe a decoder can start from). */
export function fragmentStartsWithKeyframe(buf: Buffer, moof: Box, trackId?: number): boolean {
  // with sound beside the video, only the video track's first sample says whether a decoder can start here
  const trafs = boxes(buf, moof.body, moof.end).filter((b) => b.type === 'traf');
  const traf = trackId === undefined ? trafs[0] : trafs.find((t) => {
    const h = child(buf, t, 'tfhd');
    return h !== undefined && h.body + 8 <= h.end && buf.readUInt32BE(h.body + 4) === trackId;
  });
  if (!traf) return false;
  let flags: number | undefined;
  const tfhd = child(buf, traf, 'tfhd');
  if (tfhd) {
    const f = buf.readUInt32BE(tfhd.body) & 0xffffff;
    let p = tfhd.body + 8;
    if (f & 0x1) p += 8;
    if (f & 0x2) p += 4;
    if (f & 0x8) p += 4;
    if (f & 0x10) p += 4;
    if (f & 0x20 && p + 4 <= tfhd.end) flags = buf.readUInt32BE(p);
  }
  const trun = child(buf, traf, 'trun');
  if (trun) {
    const f = buf.readUInt32BE(trun.body) & 0xffffff;
    let p = trun.body + 8;
    if (f & 0x1) p += 4;
    if (f & 0x4) {
      flags = buf.readUInt32BE(p);
    } else if (f & 0x400) {
      // Per-sample flags: those of the first sample, after its optional duration and size.
      let q = p;
      if (f & 0x100) q += 4;
      if (f & 0x200) q += 4;
      if (q + 4 <= trun.end) flags = buf.readUInt32BE(q);
    }
  }
  if (flags === undefined) return false;
  return (flags & 0x10000) === 0;
}

/** Incremental parser: feed pipe chunks, get the init segment once and each fragment whole. */
export class Fmp4Splitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private head: Buffer[] = [];
  private moof: Buffer | undefined;
  private initDone = false;
  private videoTrack: number | undefined;

  constructor(private readonly events: Fmp4Events) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    for (;;) {
      const box = this.nextBox();
      if (!box) return;
      this.onBox(box);
    }
  }

  /** Drops everything buffered (a new ffmpeg process starts a new stream). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.head = [];
    this.moof = undefined;
    this.initDone = false;
  }

  private nextBox(): Buffer | undefined {
    if (this.pendingBytes < 8) return undefined;
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    const buf = this.pending[0]!;
    let size = buf.readUInt32BE(0);
    if (size === 1) {
      if (buf.length < 16) return undefined;
      size = Number(buf.readBigUInt64BE(8));
    }
    if (size < 8) {
      // A corrupt stream: give up on what is buffered rather than grow forever.
      this.pending = [];
      this.pendingBytes = 0;
      return undefined;
    }
    if (buf.length < size) return undefined;
    const box = buf.subarray(0, size);
    const rest = buf.subarray(size);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    return box;
  }

  private onBox(box: Buffer): void {
    const type = box.toString('latin1', 4, 8);
    if (!this.initDone) {
      if (type === 'ftyp' || type === 'moov') this.head.push(Buffer.from(box));
      if (type === 'moov') {
        const init = Buffer.concat(this.head);
        const moov = boxes(init, 0, init.length).find((b) => b.type === 'moov')!;
        this.initDone = true;
        this.head = [];
        this.videoTrack = videoTrackId(init, moov);
        this.events.onInit(init, codecsFromMoov(init, moov));
      }
      return;
    }
    if (type === 'moof') {
      this.moof = Buffer.from(box);
    } else if (type === 'mdat' && this.moof) {
      const moof = this.moof;
      this.moof = undefined;
      const key = fragmentStartsWithKeyframe(moof, { type: 'moof', start: 0, body: 8, end: moof.length }, this.videoTrack);
      this.events.onFragment(Buffer.concat([moof, box]), key);
    }
  }
}
