// The layer rules really bite: a forbidden import in each layer fails lint; an allowed one passes.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['main/common/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n", /no Node built-ins/],
    ['main/common/x.ts', "import { app } from 'electron';\nexport const a = app;\n", /no electron/],
    ['main/common/x.ts', "import { Database } from '../core/storage/database.js';\nexport const a = Database;\n", /imports only main\/common/],
    ['main/common/x.ts', 'export const a = window.location;\n', /no DOM/],
    ['main/core/x.ts', "import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n", /never import electron/],
    ['renderer/src/x.ts', "import { startEngine } from '../../main/core/app.js';\nexport const a = startEngine;\n", /imports only main\/common/],
    ['renderer/src/x.ts', "import { spawn } from 'node:child_process';\nexport const a = spawn;\n", /no Node built-ins/],
  ])('%s: a forbidden import fails', async (file, code, message) => {
    const messages = await lintAs(file, code);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toMatch(message);
  });

  it.each([
    ['main/common/y.ts', "import { z } from 'zod';\nexport const a = z;\n"],
    ['main/core/y.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['renderer/src/y.ts', "import { methods } from '@common/contract/index.js';\nexport const a = methods;\n"],
  ])('%s: an allowed import passes', async (file, code) => {
    expect(await lintAs(file, code)).toEqual([]);
  });
});
