// The media module: the one store every recording, snapshot, thumbnail and export goes through.
export { MediaStore, type FfmpegInput, type MediaKind, type MediaStoreOptions, type RepairResult, type Scratch } from './store.js';
export { ExportArea, type FfmpegOutput } from './export-area.js';
export { folderSink } from './segment-files.js';
export { localFiles, type FileReader } from './local-files.js';
export { contentType, parseRange } from './safe-path.js';
export { knownName, SEALED_SUFFIX } from './encrypted-files.js';
