// Schema 15: segment paths relative to the recordings root (`<camera>/<YYYY-MM-DD>/<HH-MM-SS>.mp4`), and the vault's keys.
import type BetterSqlite3 from 'better-sqlite3';

/** The part of an absolute path after `.../recordings/` that starts with the row's camera. */
export function relativeSegmentPath(path: string, cameraId: string): string | null {
  const parts = path.split(/[/\\]/);
  // the last `recordings` folder followed by this camera's folder: the data folder itself may hold either name
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] === 'recordings' && parts[i + 1] === cameraId) return parts.slice(i + 1).join('/');
  }
  return null;
}

export function up(db: BetterSqlite3.Database): void {
  const rows = db.prepare(`SELECT id, camera_id, path FROM segments WHERE path LIKE '/%' OR path LIKE '_:%' OR path LIKE '%\\%'`).all() as { id: number; camera_id: string; path: string }[];
  const update = db.prepare('UPDATE segments SET path = ? WHERE id = ?');
  for (const r of rows) {
    const rel = relativeSegmentPath(r.path, r.camera_id);
    // a file outside any recordings folder (moved by hand) keeps its path: the store will not find it, and start-up
    // repair drops the row like any missing file
    if (rel) update.run(rel, r.id);
  }
  db.exec(`
    -- one row: whether media is encrypted, and how to recognise the master key (a MAC, never the key)
    CREATE TABLE vault (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
      source TEXT NOT NULL CHECK (source IN ('keyfile', 'passphrase', 'keychain')),
      salt BLOB,
      check_mac BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      rotated_at INTEGER
    ) STRICT;
    -- a random data key per camera, wrapped by the master key; deleting the row destroys the camera's footage
    CREATE TABLE vault_keys (
      camera_id TEXT PRIMARY KEY,
      key_id BLOB NOT NULL UNIQUE,
      wrapped BLOB NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
  `);
}
