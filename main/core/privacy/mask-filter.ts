// Privacy masks burned into video by ffmpeg: a black picture whose alpha is the masks' shape, laid over every frame.
import type { Polygon } from '../../common/contract/index.js';
import { maskBitmap } from './masks.js';

/** The mask picture's grid; ffmpeg scales it (nearest neighbour) to whatever size the video has. */
export const MASK_GRID = { width: 1280, height: 720 } as const;

/**
 * The masks as a PAM picture (grey + alpha: black, opaque where hidden), one grid cell wider on every side than the
 * polygons: scaled to another size the hidden area then still covers every pixel whose centre is inside a polygon.
 */
export function maskPicture(polygons: readonly Polygon[]): Buffer {
  const { width: w, height: h } = MASK_GRID;
  const bits = maskBitmap(polygons, w, h) ?? new Uint8Array(w * h);
  const header = Buffer.from(`P7\nWIDTH ${w}\nHEIGHT ${h}\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n`, 'ascii');
  const px = Buffer.alloc(w * h * 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!bits[y * w + x]) continue;
      // dilate by one cell: the 3×3 around each hidden cell is hidden too
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w) px[(yy * w + xx) * 2 + 1] = 255;
        }
      }
    }
  }
  return Buffer.concat([header, px]);
}

/** The input options that open the mask picture (a file the caller wrote with `maskPicture`). */
export function maskInputArgs(file: string): string[] {
  return ['-f', 'image2', '-c:v', 'pam', '-i', file];
}

/**
 * The filter graph that masks input 0's video with the picture of input `maskInput`, ending in `[masked]`. `pre` runs on
 * the video first (fps, scale). Time starts at zero so the one mask frame is never later than a video frame (overlay
 * would pass frames before it through unmasked); after it ends overlay repeats it for every frame.
 */
export function maskFilterGraph(maskInput = 1, pre?: string): string {
  return [
    `[0:v]${pre ? `${pre},` : ''}setpts=PTS-STARTPTS[pv]`,
    `[${maskInput}:v][pv]scale2ref=flags=neighbor[mask][v]`,
    '[v][mask]overlay=eof_action=repeat:format=auto,format=yuv420p[masked]',
  ].join(';');
}

/** The H.264 encoder a masked stream is made with: fast, a keyframe every second (so players can seek), no B-frames. */
export function maskEncoderArgs(opts: { live: boolean }): string[] {
  return [
    '-c:v', 'libx264', '-preset', 'ultrafast', ...(opts.live ? ['-tune', 'zerolatency'] : ['-crf', '21']),
    '-profile:v', opts.live ? 'baseline' : 'main', '-bf', '0', '-pix_fmt', 'yuv420p',
    '-force_key_frames', 'expr:gte(t,n_forced*1)',
  ];
}
