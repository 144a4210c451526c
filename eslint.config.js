// Lint: TypeScript rules plus the layer rules that say where code may run.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'worker_threads', 'url', 'util', 'events', 'zlib', 'dgram', 'tls'];

/** Layer rules (do not relax): common is pure, core never touches electron, renderer sees only common. */
export const layerRules = [
  {
    files: ['main/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: NODE_BUILTINS, message: 'main/common runs everywhere: no Node built-ins.' },
          { group: ['electron', 'electron/*'], message: 'main/common runs everywhere: no electron.' },
          { group: ['**/core/**', '**/server/**', '**/electron/**', '../../renderer/**'], message: 'main/common imports only main/common.' },
          { group: ['react', 'react-dom', 'react-dom/*'], message: 'main/common has no UI code.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'window', message: 'main/common has no DOM.' }, { name: 'document', message: 'main/common has no DOM.' }, { name: 'process', message: 'main/common has no Node globals.' }, { name: 'Buffer', message: 'main/common has no Node globals.' }],
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'main/core runs under plain Node: never import electron.' },
          { group: ['**/server/**', '**/electron/**', '**/renderer/**'], message: 'main/core must not depend on a host or the UI.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: NODE_BUILTINS, message: 'The renderer runs in a sandboxed page: no Node built-ins.' },
          { group: ['electron', 'electron/*'], message: 'The renderer talks to the engine only through the contract.' },
          { group: ['**/main/core/**', '**/main/server/**', '**/main/electron/**', '@common/../**'], message: 'The renderer imports only main/common (as @common).' },
        ],
      }],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  { files: ['renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['bench/**', 'scripts/**', 'models/**', 'build/**', 'e2e/**', 'test/**', '**/*.test.ts'], rules: { 'no-console': 'off' } },
  ...layerRules,
);
