// Schema 14: per-camera audio, input options (transport, clock, hardware decoding, preset), detect auto size and object filters.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- some places forbid recording sound: off keeps the video only
    ALTER TABLE cameras ADD COLUMN record_audio INTEGER NOT NULL DEFAULT 1 CHECK (record_audio IN (0, 1));
    ALTER TABLE cameras ADD COLUMN rtsp_transport TEXT NOT NULL DEFAULT 'tcp' CHECK (rtsp_transport IN ('tcp', 'udp'));
    ALTER TABLE cameras ADD COLUMN clock TEXT NOT NULL DEFAULT 'auto' CHECK (clock IN ('auto', 'camera', 'wallclock'));
    ALTER TABLE cameras ADD COLUMN hwaccel TEXT NOT NULL DEFAULT 'default';
    ALTER TABLE cameras ADD COLUMN input_preset TEXT;
    -- 1: the detect height follows the detect stream's shape; sizes other than the old default were chosen by hand
    ALTER TABLE cameras ADD COLUMN detect_auto_size INTEGER NOT NULL DEFAULT 1 CHECK (detect_auto_size IN (0, 1));
    UPDATE cameras SET detect_auto_size = 0 WHERE NOT (detect_width = 640 AND detect_height = 360);
    -- labels, scores, areas per label and motion sensitivity: read whole with the camera, never queried
    ALTER TABLE cameras ADD COLUMN detect_objects TEXT NOT NULL DEFAULT '{}';
  `);
}
