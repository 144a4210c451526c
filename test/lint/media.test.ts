// The media door really bites: file-system calls outside the media store fail lint, in real files with a planted violation.
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function mediaMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

/** A real source file with one line planted at its end. */
function planted(file: string, line: string): string {
  return `${readFileSync(file, 'utf8')}\n${line}\n`;
}

describe('media door', () => {
  // files that handle media, each as it is (clean) and with a file-system call planted
  const real = ['main/core/recordings/retention.ts', 'main/core/export/manager.ts', 'main/core/cameras/runtime.ts', 'main/server/media.ts', 'main/electron/protocol.ts', 'main/core/ingest/camera.ts'];

  it.each(real)('%s: lint-clean as it is', async (file) => {
    expect(await mediaMessages(file, readFileSync(file, 'utf8'))).toEqual([]);
  });

  it.each([
    ["import { unlinkSync } from 'node:fs';", 'a static import'],
    ["import { rm } from 'fs/promises';", 'fs/promises without the node: prefix'],
    ["export { createReadStream } from 'node:fs';", 'a re-export'],
    ["export const load = () => import('node:fs/promises');", 'a dynamic import'],
    ["// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const f = require('fs');", 'require'],
    ["export const f = process.getBuiltinModule('fs');", 'process.getBuiltinModule'],
  ])('a planted %s fails in every media file (%s)', async (line) => {
    for (const file of real) {
      const messages = await mediaMessages(file, planted(file, line));
      expect(messages.length, file).toBeGreaterThan(0);
      expect(messages.join('\n')).toMatch(/media store/);
    }
  });

  it('a new file anywhere in main is denied by default', async () => {
    for (const file of ['main/core/brand-new/x.ts', 'main/server/new-route.ts', 'main/electron/new.ts', 'main/core/media-ish/x.ts']) {
      expect(await mediaMessages(file, "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n"), file).not.toEqual([]);
    }
  });

  it('the store itself, tests and the listed non-media files may use the file system', async () => {
    const code = "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n";
    for (const file of ['main/core/media/store.ts', 'main/core/media/new-part.ts', 'main/core/recordings/retention.test.ts', 'main/server/tls.ts']) {
      expect(await mediaMessages(file, code), file).toEqual([]);
    }
  });
});
