// The privacy module's surface: the lift check, and masks burned into frames and pictures.
export { applyMask, jpegSize, maskBitmap, maskJpeg, mayLiftMasks, type MaskCaller } from './masks.js';
