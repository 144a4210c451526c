// The privacy module's surface: the lift check, and masks burned into frames and pictures.
export { applyMask, jpegSize, maskBitmap, maskJpeg, mayLiftMasks, type MaskCaller } from './masks.js';
export { maskEncoderArgs, maskFilterGraph, maskInputArgs, maskPicture, MASK_GRID } from './mask-filter.js';
export { MaskedRecordings, type MaskedFile, type MaskedResult } from './masked-recordings.js';
