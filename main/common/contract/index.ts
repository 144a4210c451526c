// The one API both transports carry: methods, topics, errors.
export * from './errors.js';
export * from './cameras.js';
export * from './streams.js';
export * from './presets.js';
export * from './methods.js';
export * from './topics.js';
export * from './events.js';
export * from './auth.js';
export * from './audit.js';
export * from './recordings.js';
export * from './system.js';
export * from './onvif.js';
export * from './exports.js';
export * from './rules.js';
export * from './models.js';
export * from './live.js';
export * from './zones.js';
