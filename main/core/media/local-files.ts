// Plain files outside the data directory that a user points at (an export copied elsewhere, for export-verify).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** Reads the files of one export: local ones here, the store's own through an ExportArea. */
export interface FileReader {
  readText(path: string): Promise<string>;
  open(path: string): Readable;
}

export const localFiles: FileReader = {
  readText: (path) => readFile(path, 'utf8'),
  open: (path) => createReadStream(path, { highWaterMark: 1 << 20 }),
};
