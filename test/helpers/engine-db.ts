// The database of a data directory the engine uses, opened as the engine opens it: with the key from its secret.key.
import { join } from 'node:path';
import { databaseKey, DB_FILE } from '../../main/core/app.js';
import { keyFileBox } from '../../main/core/secrets/index.js';
import { Database } from '../../main/core/storage/database.js';

export function openEngineDatabase(dataDir: string): Database {
  return Database.open(join(dataDir, DB_FILE), { key: databaseKey(keyFileBox(dataDir)) });
}
