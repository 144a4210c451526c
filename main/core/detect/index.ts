// Public surface of the detection module: what the app, API and CLI wire up.
export { analyzeFile, formatTable, type AnalyzeOptions, type AnalyzeResult, type AnalyzedEvent } from './analyze.js';
export { createDetector, type Detector, type DetectorOptions, type DetectorStats } from './detector.js';
export { downloadModel, type DownloadOptions, type DownloadProgress } from './download.js';
export { DetectError, i420Size, type Box, type DetectErrorCode, type Detection, type Frame, type Region } from './frame.js';
export { loadManifest, type LoadedManifest, type ModelEntry } from './manifest.js';
export { decodeImage, decodeVideo, probeMedia } from './media.js';
export { modelDirs, resolveModel, type ResolvedModel } from './models.js';
export { FramePipeline, type BestFrame, type FramePipelineOptions, type FrameResult, type ObjectEvent, type PipelineCallbacks, type PipelineStats } from './pipeline.js';
export { CameraDetectSettings, DEFAULT_LABELS, DetectSettings, ObjectFilter, Zone, type CameraDetectSettingsInput } from './settings.js';
