// Teach your camera: verdicts on events become examples (the look and place of the snapshot's crop); the list and its undo.
import sharp from 'sharp';
import { ApiFailure, canSeeCamera } from '../../common/contract/index.js';
import type { Box } from '../../common/contract/events.js';
import { embed, rgbReader } from '../learn/appearance.js';
import type { LearnedExamples } from '../learn/examples.js';
import { boxPolygon } from '../learn/masks.js';
import type { ApiDeps } from './index.js';
import type { Implementation } from './router.js';

type LearnedMethods = Pick<Implementation, 'events.feedback' | 'learned.list' | 'learned.undo' | 'learned.crop' | 'learned.maskSuggestions' | 'learned.acceptMask' | 'learned.dismissMask'>;

const sameBox = (a: readonly number[], b: readonly number[]): boolean => a.every((v, i) => Math.abs(v - (b[i] as number)) < 1e-6);

/** The box's pixels in the snapshot: its appearance vector and a small JPEG of the crop, both kept on this machine. */
async function cropOf(file: Buffer, box: Box): Promise<{ embedding: Float32Array; crop: Buffer }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const left = Math.max(0, Math.floor(box[0] * info.width));
  const top = Math.max(0, Math.floor(box[1] * info.height));
  const width = Math.max(1, Math.min(info.width - left, Math.ceil(box[2] * info.width) - left));
  const height = Math.max(1, Math.min(info.height - top, Math.ceil(box[3] * info.height) - top));
  const embedding = embed(rgbReader(data, info.width, info.height, info.channels), left, top, width, height);
  const crop = await sharp(file).extract({ left, top, width, height }).jpeg({ quality: 80 }).toBuffer();
  return { embedding, crop };
}

export function learnedApi(deps: Pick<ApiDeps, 'events' | 'media' | 'cameras' | 'settings' | 'bus'> & { learned: LearnedExamples }): LearnedMethods {
  const dismissed = (cameraId: string): Box[] => deps.settings.get('learning').dismissedMasks.filter((d) => d.cameraId === cameraId).map((d) => d.box);
  const suggestions = (cameraId: string) => deps.learned.maskSuggestions(cameraId, deps.cameras.require(cameraId).masks.objects, dismissed(cameraId));
  /** Only a box the engine offers now may be accepted or dismissed: the input never writes a mask of its own choosing. */
  const offered = (cameraId: string, box: readonly number[]) => {
    const s = suggestions(cameraId).find((x) => sameBox(x.box, box));
    if (!s) throw new ApiFailure('not_found', 'That mask is not suggested for this camera (any more)');
    return s;
  };
  return {
    'events.feedback': async ({ id, verdict }) => {
      const event = deps.events.get(id);
      if (!event) throw new ApiFailure('not_found', `There is no event with id ${JSON.stringify(id)}`);
      const rel = deps.events.snapshotPath(id);
      const file = rel ? await deps.media.readBytes('snapshots', rel) : null;
      if (!file) throw new ApiFailure('invalid_input', 'This event has no snapshot to learn its look from');
      const { embedding, crop } = await cropOf(file, event.box);
      const example = deps.learned.add({ cameraId: event.cameraId, eventId: id, verdict, label: event.label, score: event.topScore, box: event.box, embedding, crop, time: event.start });
      // the events page filters on it; "correct" clears an earlier false alarm
      deps.events.setFlags(id, { falsePositive: verdict === 'false_alarm' });
      return example;
    },
    'learned.list': (q, ctx) => {
      if (q.cameraId && !canSeeCamera(ctx.user, q.cameraId)) throw new ApiFailure('not_found', `There is no camera with id ${JSON.stringify(q.cameraId)}`);
      const list = deps.learned.list(q);
      return { examples: list.examples.filter((e) => canSeeCamera(ctx.user, e.cameraId)), thresholds: list.thresholds.filter((t) => canSeeCamera(ctx.user, t.cameraId)) };
    },
    'learned.undo': ({ id }) => deps.learned.undo(id),
    'learned.crop': ({ id }, ctx) => {
      const { cameraId, jpeg } = deps.learned.crop(id);
      // another camera's example does not exist for this caller
      if (!canSeeCamera(ctx.user, cameraId)) throw new ApiFailure('not_found', `There is no learned example with id ${id}`);
      return { id, jpeg: jpeg ? jpeg.toString('base64') : null };
    },
    'learned.maskSuggestions': ({ cameraId }) => suggestions(cameraId),
    'learned.acceptMask': ({ cameraId, box }) => {
      const s = offered(cameraId, box);
      const cam = deps.cameras.require(cameraId);
      const objects = [...cam.masks.objects, boxPolygon(s.box)];
      deps.cameras.upsert({ id: cam.id, name: cam.name, streams: cam.streams, masks: { ...cam.masks, objects } });
      // the running pipeline picks the new mask up like any camera edit
      deps.bus.publish('camera.changed', { id: cam.id, deleted: false });
      return { objectMasks: objects.length };
    },
    'learned.dismissMask': ({ cameraId, box }) => {
      const s = offered(cameraId, box);
      const list = deps.settings.get('learning').dismissedMasks;
      deps.settings.set('learning', { dismissedMasks: [...list, { cameraId, box: s.box }].slice(-1000) });
      return { ok: true as const };
    },
  };
}
