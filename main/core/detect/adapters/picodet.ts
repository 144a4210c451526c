// PP-PicoDet: RGB stretched, ImageNet mean/std; GFL head over strides 8/16/32/64.
import { decodeGfl } from './gfl.js';
import { specFromEntry, type ModelAdapter } from './types.js';

export const picodetAdapter: ModelAdapter = {
  key: 'picodet',
  preprocessSpec: specFromEntry,
  decode: decodeGfl,
};
