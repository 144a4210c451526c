// `porchlight db`: the database's encryption at rest: status, encrypt now, confirm (delete the plain backup), roll back.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { databaseKey } from '../core/app.js';
import { defaultDataDir } from '../core/paths.js';
import { Database } from '../core/storage/database.js';
import { allowEncryption, confirmEncryption, encryptionStatus, rollbackEncryption } from '../core/storage/encryption.js';
import { dataDirKey } from './data-dir.js';

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description("The database's encryption at rest (stop the server first): status, encrypt, confirm-encryption, rollback-encryption");
  const dataOption = ['-d, --data <dir>', 'data directory', defaultDataDir()] as const;

  db.command('status')
    .option(...dataOption)
    .action((opts: { data: string }) => {
      const { dbFile } = dataDirKey(resolve(opts.data));
      const s = encryptionStatus(dbFile);
      process.stdout.write(`${s.encrypted ? 'encrypted' : 'plain'}${s.plainBackup ? `; plain backup kept at ${s.plainBackup} until confirm-encryption` : ''}${s.keepPlain ? '; kept plain by a rollback' : ''}\n`);
    });

  db.command('encrypt')
    .description('encrypt a plain database now (also after a rollback); the plain original is kept until confirm-encryption')
    .option(...dataOption)
    .action((opts: { data: string }) => {
      const { dbFile, secrets } = dataDirKey(resolve(opts.data));
      allowEncryption(dbFile);
      Database.open(dbFile, { key: databaseKey(secrets) }).close();
      process.stdout.write(`encrypted: ${dbFile}\n`);
    });

  db.command('confirm-encryption')
    .description('delete the plain backup the encryption kept (after checking that the encrypted database opens)')
    .option(...dataOption)
    .action((opts: { data: string }) => {
      const { dbFile, secrets } = dataDirKey(resolve(opts.data));
      confirmEncryption(dbFile, databaseKey(secrets));
      process.stdout.write('the plain backup is deleted; the database exists only encrypted (blocks of the deleted file may remain on the disk until overwritten)\n');
    });

  db.command('rollback-encryption')
    .description('decrypt the database back to plain SQLite (nothing written since is lost) and keep it plain')
    .option(...dataOption)
    .action((opts: { data: string }) => {
      const { dbFile, secrets } = dataDirKey(resolve(opts.data));
      rollbackEncryption(dbFile, databaseKey(secrets));
      process.stdout.write(`the database is plain again and stays so until \`porchlight db encrypt\`: ${dbFile}\n`);
    });
}
