// The ordered list of migrations; the position is the schema version.
import type { Migration } from '../migrate.js';
import { up as m1 } from './0001-cameras-recordings-settings.js';
import { up as m2 } from './0002-events-rules-alerts-exports.js';
import { up as m3 } from './0003-users-sessions-audit.js';
import { up as m4 } from './0004-notify-sinks.js';
import { up as m5 } from './0005-camera-zones-masks.js';
import { up as m6 } from './0006-segments-span-index.js';
import { up as m7 } from './0007-recording-spans.js';
import { up as m8 } from './0008-auth-hardening.js';
import { up as m9 } from './0009-event-current-zones-last-seen.js';
import { up as m10 } from './0010-retention-expiry.js';
import { up as m11 } from './0011-event-reviews.js';
import { up as m12 } from './0012-motion-activity.js';
import { up as m13 } from './0013-learned-examples.js';
import { up as m14 } from './0014-camera-streams-audio-input.js';
import { up as m15 } from './0015-media-vault.js';
import { up as m16 } from './0016-user-permissions.js';
import { up as m17 } from './0017-evidence-signing-holds.js';
import { up as m18 } from './0018-event-tracks.js';
import { up as m19 } from './0019-motion-watch.js';
import { up as m20 } from './0020-vault-migration.js';

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001-cameras-recordings-settings', up: m1 },
  { version: 2, name: '0002-events-rules-alerts-exports', up: m2 },
  { version: 3, name: '0003-users-sessions-audit', up: m3 },
  { version: 4, name: '0004-notify-sinks', up: m4 },
  { version: 5, name: '0005-camera-zones-masks', up: m5 },
  { version: 6, name: '0006-segments-span-index', up: m6 },
  { version: 7, name: '0007-recording-spans', up: m7 },
  { version: 8, name: '0008-auth-hardening', up: m8 },
  { version: 9, name: '0009-event-current-zones-last-seen', up: m9 },
  { version: 10, name: '0010-retention-expiry', up: m10 },
  { version: 11, name: '0011-event-reviews', up: m11 },
  { version: 12, name: '0012-motion-activity', up: m12 },
  { version: 13, name: '0013-learned-examples', up: m13 },
  { version: 14, name: '0014-camera-streams-audio-input', up: m14 },
  { version: 15, name: '0015-media-vault', up: m15 },
  { version: 16, name: '0016-user-permissions', up: m16 },
  { version: 17, name: '0017-evidence-signing-holds', up: m17 },
  { version: 18, name: '0018-event-tracks', up: m18 },
  { version: 19, name: '0019-motion-watch', up: m19 },
  { version: 20, name: '0020-vault-migration', up: m20 },
];
