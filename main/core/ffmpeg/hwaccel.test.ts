// Hardware decoding choice with the real ffmpeg of this machine (no GPU here): auto falls back to software and says so.
import { describe, expect, it } from 'vitest';
import { chooseHwaccel, listHwaccels } from './hwaccel.js';
import { locateFfmpeg } from './locate.js';

const ffmpeg = locateFfmpeg().ffmpeg;

describe('chooseHwaccel', () => {
  it('off and default decode in software without a word', async () => {
    expect(await chooseHwaccel(ffmpeg, 'off')).toEqual({ method: undefined, message: null });
  });

  it('auto tries what ffmpeg lists, finds no working decoder on this machine and decodes in software', async () => {
    const listed = await listHwaccels(ffmpeg);
    expect(listed.size).toBeGreaterThan(0);
    const choice = await chooseHwaccel(ffmpeg, 'auto');
    expect(choice.method).toBeUndefined();
    expect(choice.message).toMatch(/decoding in software$/);
    if (listed.has('vaapi')) expect(choice.message).toContain('vaapi');
  }, 60_000);

  it('a forced method this machine cannot use gives a clear reason, one this ffmpeg lacks names what it has', async () => {
    const vaapi = await chooseHwaccel(ffmpeg, 'vaapi');
    expect(vaapi.method).toBeUndefined();
    expect(vaapi.message).toMatch(/^Hardware decoding "vaapi" (does not work on this machine|is not available in this ffmpeg).*decoding in software$/);
    const vt = await chooseHwaccel(ffmpeg, 'videotoolbox');
    expect(vt.message).toMatch(/^Hardware decoding "videotoolbox" is not available in this ffmpeg \(it offers .*\): decoding in software$/);
  }, 60_000);
});
