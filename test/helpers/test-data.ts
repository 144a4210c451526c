// Where tests and benchmarks find the shared models and media (env vars; CI points them at ../shared).
import { resolve } from 'node:path';

export const MODELS_DIR = process.env.PORCHLIGHT_MODELS_DIR ?? resolve('../shared/models');
export const MEDIA_DIR = process.env.PORCHLIGHT_MEDIA_DIR ?? resolve('../shared/media');

export const photo = (name: string): string => resolve(MEDIA_DIR, 'photos', name);
export const video = (name: string): string => resolve(MEDIA_DIR, 'video', name);

/** OpenCV's vtest.avi, byte for byte what the demo with people downloads; `bash scripts/setup.sh --tests` fetches it. */
export const DEMO_PEOPLE_SOURCE = resolve(process.env.PORCHLIGHT_DEMO_SOURCE ?? '.tools/media/vtest.avi');
