// Schema 11: which user has reviewed which event (Review: an item is reviewed when all its events are).
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE event_reviews (
      event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      username TEXT NOT NULL,
      reviewed_at INTEGER NOT NULL,
      PRIMARY KEY (event_id, username)
    ) STRICT, WITHOUT ROWID;
    -- a user's reviewed events (counts, mark all)
    CREATE INDEX event_reviews_user ON event_reviews(username, event_id);
  `);
}
