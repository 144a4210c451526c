// Schema 5: each camera's zones and masks, as JSON validated by the contract on read.
import type BetterSqlite3 from 'better-sqlite3';

export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE cameras ADD COLUMN zones TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE cameras ADD COLUMN masks TEXT NOT NULL DEFAULT '{"motion":[],"objects":[]}';
  `);
}
