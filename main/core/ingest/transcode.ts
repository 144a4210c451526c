// TranscodedLive: an H.264 copy of a live stream made while watched (one ffmpeg for all its viewers): low-rate for players
// that cannot decode the camera's codec (H.265 in Chromium), or with the privacy masks burned in for who may not lift them.
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { maskEncoderArgs, maskFilterGraph, maskInputArgs } from '../privacy/mask-filter.js';
import { spawnFfmpeg, type FfmpegProcess } from '../ffmpeg/process.js';
import { createLogger } from '../log/index.js';
import { Fmp4Splitter } from './fmp4.js';
import { LiveHub } from './live-hub.js';
import type { LiveChunk, LiveSource } from './types.js';

const log = createLogger('ingest');
/** Bytes waiting for ffmpeg's stdin beyond which fragments are skipped to the next keyframe (it cannot keep up). */
const MAX_PENDING = 4 * 1024 * 1024;

export interface TranscodeOptions {
  cameraId: string;
  ffmpegPath?: string;
  /** Output width (height follows the shape); default 640; null keeps the camera's size. */
  width?: number | null;
  /** Output frames per second; default 10; null keeps the camera's rate. */
  fps?: number | null;
  /** A mask picture (privacy/mask-filter `maskPicture`, in a file the owner keeps while this runs): burned into every frame. */
  maskPicture?: string;
}

/**
 * Reads the camera's own live fMP4 (no second camera session), decodes it and encodes H.264 at a low size and rate.
 * Starts with the first viewer, stops with the last; a new init upstream (a reconnect) restarts the encoder.
 */
export class TranscodedLive implements LiveSource {
  private readonly hub: LiveHub;
  private proc: FfmpegProcess | undefined;
  private offUpstream: (() => void) | undefined;
  private skipping = false;
  private closed = false;

  constructor(
    private readonly upstream: LiveSource,
    private readonly opts: TranscodeOptions,
  ) {
    this.hub = new LiveHub((n) => this.onViewers(n), opts.cameraId);
  }

  get codec(): string | undefined {
    return this.hub.codec;
  }

  get init(): Uint8Array | undefined {
    return this.hub.init;
  }

  subscribe(cb: (chunk: LiveChunk) => void): () => void {
    return this.hub.subscribe(cb);
  }

  /** Stops the encoder and lets go of the upstream; resolves when ffmpeg has exited; safe to call twice. */
  close(): Promise<void> {
    this.closed = true;
    return this.stopAll();
  }

  private onViewers(count: number): void {
    if (this.closed) return;
    if (count > 0 && !this.offUpstream) this.offUpstream = this.upstream.subscribe((c) => this.onUpstream(c));
    else if (count === 0) void this.stopAll();
  }

  private stopAll(): Promise<void> {
    this.offUpstream?.();
    this.offUpstream = undefined;
    return this.stopEncoder();
  }

  private async stopEncoder(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc) return;
    proc.stdin?.end();
    await proc.stop(2000);
  }

  private onUpstream(chunk: LiveChunk): void {
    if (chunk.type === 'init') {
      void this.stopEncoder();
      this.proc = this.startEncoder();
      this.skipping = true;
      this.write(chunk.data);
      return;
    }
    const stdin = this.proc?.stdin;
    if (!stdin) return;
    if (stdin.writableLength > MAX_PENDING) this.skipping = true;
    if (this.skipping && !chunk.keyframe) return;
    this.skipping = false;
    this.write(chunk.data);
  }

  private write(data: Uint8Array): void {
    const stdin = this.proc?.stdin;
    if (!stdin || stdin.destroyed) return;
    stdin.write(data);
  }

  private startEncoder(): FfmpegProcess | undefined {
    let bin: string;
    try {
      bin = this.opts.ffmpegPath ?? locateFfmpeg().ffmpeg;
    } catch (err) {
      log.warn({ err, cameraId: this.opts.cameraId }, 'no ffmpeg for the live transcode');
      return undefined;
    }
    const width = this.opts.width === undefined ? 640 : this.opts.width;
    const fps = this.opts.fps === undefined ? 10 : this.opts.fps;
    const pre = [...(fps ? [`fps=${fps}`] : []), ...(width ? [`scale=${width}:-2`] : [])].join(',');
    const mask = this.opts.maskPicture;
    // argument array (no shell); input is our own fMP4 on stdin, so only the pipe protocol is allowed (and the mask's file)
    const video = mask
      ? [...maskInputArgs(mask), '-filter_complex', maskFilterGraph(1, pre || undefined), '-map', '[masked]', ...maskEncoderArgs({ live: true })]
      : ['-vf', pre || 'null', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-g', String(fps ?? 15), '-bf', '0'];
    const args = [
      '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', mask ? 'pipe,file' : 'pipe', '-f', 'mp4', '-i', 'pipe:0',
      '-an', ...video,
      '-f', 'mp4', '-movflags', 'frag_every_frame+empty_moov+default_base_moof', 'pipe:1',
    ];
    const proc = spawnFfmpeg(bin, args, { stdin: true, logger: log, label: this.opts.cameraId });
    proc.stdin?.on('error', () => undefined); // the encoder stopping closes its stdin: nothing to report
    const fmp4 = new Fmp4Splitter({ onInit: (init, codec) => this.hub.setInit(init, codec), onFragment: (f, key) => this.hub.fragment(f, key) });
    proc.stdout.on('data', (b: Buffer) => fmp4.push(b));
    void proc.exited.then((exit) => {
      if (this.proc === proc && !this.closed) {
        log.warn({ cameraId: this.opts.cameraId, code: exit.code, tail: proc.stderrTail().slice(-3) }, 'live transcode stopped');
        this.proc = undefined;
      }
    });
    log.info({ cameraId: this.opts.cameraId, width, fps, masked: Boolean(mask) }, mask ? 'live transcode with privacy masks started' : 'live transcode to H.264 started');
    return proc;
  }
}
