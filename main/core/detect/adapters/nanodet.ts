// NanoDet-m: BGR stretched, mean/std in BGR order; GFL head over strides 8/16/32 (go by position and shape, not names).
import { decodeGfl } from './gfl.js';
import { specFromEntry, type ModelAdapter } from './types.js';

export const nanodetAdapter: ModelAdapter = {
  key: 'nanodet',
  preprocessSpec: specFromEntry,
  decode: decodeGfl,
};
