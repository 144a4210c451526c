// Schema 16: what each viewer may do (permissions) and on which cameras; existing viewers keep what they had.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- a JSON list of permission names, read whole with the user; the default is what viewers could do before
    ALTER TABLE users ADD COLUMN permissions TEXT NOT NULL DEFAULT '["live","recordings","export"]';
    -- 1: every camera, those added later included; 0: only the cameras listed in user_cameras
    ALTER TABLE users ADD COLUMN all_cameras INTEGER NOT NULL DEFAULT 1 CHECK (all_cameras IN (0, 1));
    -- a deleted camera leaves no grant behind that a new camera with its id would inherit
    CREATE TABLE user_cameras (
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
      PRIMARY KEY (user_id, camera_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX user_cameras_camera ON user_cameras(camera_id);
  `);
}
