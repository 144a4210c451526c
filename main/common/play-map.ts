// The map from a playback stream's own clock to wall time: concat closes recording gaps, the map keeps them.
import { z } from 'zod';

/** One stretch of continuous recording in the stream: media seconds [mediaOffset, mediaOffset + duration) show wall time from wallStart. */
export const PlayPiece = z.object({
  mediaOffset: z.number().describe('Seconds into the stream where this piece starts'),
  wallStart: z.number().int().describe('Epoch ms shown at mediaOffset'),
  duration: z.number().describe('Seconds of video in this piece'),
});
export type PlayPiece = z.infer<typeof PlayPiece>;

/** Segments closer than this are one piece (the gap is the jitter of when ffmpeg reported them, not missing video). */
export const MERGE_GAP_MS = 1000;

/** Pieces for files played back to back, the first from `offsetS` seconds in. */
export function buildPlayMap(files: readonly { start: number; end: number }[], offsetS = 0): PlayPiece[] {
  const pieces: PlayPiece[] = [];
  let media = 0;
  files.forEach((f, i) => {
    const skip = i === 0 ? offsetS : 0;
    const duration = Math.max(0, (f.end - f.start) / 1000 - skip);
    const wallStart = Math.round(f.start + skip * 1000);
    const last = pieces.at(-1);
    if (last && Math.abs(wallStart - (last.wallStart + last.duration * 1000)) < MERGE_GAP_MS) last.duration += duration;
    else pieces.push({ mediaOffset: media, wallStart, duration });
    media += duration;
  });
  // whole milliseconds: the header stays short and the sums exact
  for (const p of pieces) {
    p.duration = Math.round(p.duration * 1000) / 1000;
    p.mediaOffset = Math.round(p.mediaOffset * 1000) / 1000;
  }
  return pieces;
}

/** The wall time (epoch ms) shown at `mediaS` seconds into the stream; past the end, the end of the last piece. */
export function wallTimeAt(pieces: readonly PlayPiece[], mediaS: number): number | null {
  let hit: PlayPiece | undefined;
  for (const p of pieces) {
    if (p.mediaOffset > mediaS) break;
    hit = p;
  }
  if (!hit) return pieces[0]?.wallStart ?? null;
  return hit.wallStart + Math.min(mediaS - hit.mediaOffset, hit.duration) * 1000;
}

/** The stream second that shows `wall`, or the start of the next piece when `wall` falls in a gap; null after the end. */
export function mediaTimeAt(pieces: readonly PlayPiece[], wall: number): number | null {
  for (const p of pieces) {
    if (wall < p.wallStart) return p.mediaOffset;
    if (wall <= p.wallStart + p.duration * 1000) return p.mediaOffset + (wall - p.wallStart) / 1000;
  }
  return null;
}

/** Compact header form: [[mediaOffset, wallStart, duration], …]. */
export function encodePlayMap(pieces: readonly PlayPiece[]): string {
  return JSON.stringify(pieces.map((p) => [p.mediaOffset, p.wallStart, p.duration]));
}

export function decodePlayMap(header: string): PlayPiece[] {
  const rows = z.array(z.tuple([z.number(), z.number(), z.number()])).parse(JSON.parse(header));
  return rows.map(([mediaOffset, wallStart, duration]) => ({ mediaOffset, wallStart, duration }));
}
