// Lint: TypeScript rules plus the layer rules that say where code may run.
import js from '@eslint/js';
import globals from 'globals';
import i18next from 'eslint-plugin-i18next';
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

/** Screens whose every word goes through the i18n layer (renderer/src/i18n): literal text in their JSX is an error. */
export const translatedFiles = [
  'renderer/src/App.tsx',
  'renderer/src/Auth.tsx',
  'renderer/src/components/AlertHistory.tsx',
  'renderer/src/components/DemoOffer.tsx',
  'renderer/src/components/ErrorText.tsx',
  'renderer/src/components/EvidenceHold.tsx',
  'renderer/src/components/ExportPanel.tsx',
  'renderer/src/components/LearnedList.tsx',
  'renderer/src/components/LivePlayer.tsx',
  'renderer/src/components/ModelBanner.tsx',
  'renderer/src/components/PageErrorBoundary.tsx',
  'renderer/src/components/RecordedPlayer.tsx',
  'renderer/src/components/RedactOptions.tsx',
  'renderer/src/components/StateBadge.tsx',
  'renderer/src/components/SyncedPlayer.tsx',
  'renderer/src/components/Toasts.tsx',
  'renderer/src/components/TrackOverlay.tsx',
  'renderer/src/components/VaultBanner.tsx',
  'renderer/src/components/ZoneEditor.tsx',
  'renderer/src/pages/CameraOptions.tsx',
  'renderer/src/pages/Cameras.tsx',
  'renderer/src/pages/Events.tsx',
  'renderer/src/pages/Exports.tsx',
  'renderer/src/pages/Live.tsx',
  'renderer/src/pages/MotionSearch.tsx',
  'renderer/src/pages/OnvifDiscovery.tsx',
  'renderer/src/pages/Placeholder.tsx',
  'renderer/src/pages/Review.tsx',
  'renderer/src/pages/Rules.tsx',
  'renderer/src/pages/Settings.tsx',
  'renderer/src/pages/System.tsx',
  'renderer/src/pages/Timeline.tsx',
  'renderer/src/pages/Views.tsx',
  'renderer/src/pages/settings/Appearance.tsx',
  'renderer/src/pages/settings/Evidence.tsx',
  'renderer/src/pages/settings/Models.tsx',
  'renderer/src/pages/settings/Notifications.tsx',
  'renderer/src/pages/settings/Performance.tsx',
  'renderer/src/pages/settings/Users.tsx',
  'renderer/src/pages/settings/Vault.tsx',
];

/** No literal words in JSX (text, expressions, templates, and the attributes people read); punctuation and numbers may stay. */
const PUNCTUATION_NUMBERS_ACRONYMS = ['[\\s0-9!-/:-@[-`{-~·×–—…→%★−]+', '[A-Z_-]+'];
const noLiteralString = (dataWords = []) => ['error', {
  mode: 'jsx-only',
  'should-validate-template': true,
  // punctuation (ASCII and the typographic marks the UI uses), numbers, all-caps acronyms such as CPU or HTTP, and the product's name
  words: { exclude: [...PUNCTUATION_NUMBERS_ACRONYMS, 'Porchlight', ...dataWords] },
  // attributes that hold data, not text (routes, ids, form values, modes); aria-label, title, placeholder and alt are checked
  'jsx-attributes': { exclude: ['className', 'style', 'view', 'state', 'type', 'key', 'id', 'width', 'height', 'to', 'href', 'src', 'path', 'name', 'value', 'mode', 'lang', 'role', 'data-testid', 'aria-labelledby', 'aria-describedby', 'autoComplete'] },
  // t() takes keys; a render prop such as children(...) gets data
  callees: { exclude: ['t', 'tr', 'edge', 'has', 'i18n(ext)?', 'children', 'require', 'addEventListener', 'removeEventListener', 'includes', 'indexOf', 'endsWith', 'startsWith'] },
}];
const i18nRules = [
  { files: translatedFiles, plugins: { i18next }, rules: { 'i18next/no-literal-string': noLiteralString() } },
  // the header maps over the home-mode values themselves
  { files: ['renderer/src/App.tsx'], rules: { 'i18next/no-literal-string': noLiteralString(['home', 'away']) } },
];

/**
 * Files outside the media store that may use the file system, each for something that is not media (do not add media
 * here: recordings, snapshots, thumbnails and exports are read, written, listed and removed by main/core/media alone).
 */
export const FS_ALLOWED = {
  'main/core/media/**': 'the media store itself',
  'main/core/app.ts': 'creates <data>/models',
  'main/core/api/demo.ts': 'whether the demo source clip was made',
  'main/core/api/models.ts': 'detection model files',
  'main/core/audit/index.ts': "the audit log's chain head file",
  'main/core/cameras/demo.ts': 'the demo cameras\' source clips in <data>/demo',
  'main/core/config/index.ts': 'settings import/export files',
  'main/core/detect/**': 'model files and evaluation images',
  'main/core/export/fixtures.ts': 'test and benchmark fixtures that plant segments as a crash would',
  'main/core/ffmpeg/hwaccel.ts': 'a throwaway hardware-decoding probe',
  'main/core/ffmpeg/locate.ts': 'finding the ffmpeg binaries',
  'main/core/secrets/index.ts': 'the key file for stored credentials',
  'main/core/storage/**': 'the database file and its native binding',
  'main/core/vault/master.ts': 'the master key file and the keychain-wrapped key (never media)',
  'main/core/version.ts': 'package.json',
  'main/electron/desktop.ts': 'the bundled models folder',
  'main/electron/ui-files.ts': 'the built renderer',
  'main/electron/window-state.ts': 'the window-state file',
  'main/server/cli.ts': 'the public key file export-verify is handed',
  'main/server/data-dir.ts': 'creating and checking the data folder',
  'main/server/server.ts': 'the built renderer',
  'main/server/tls.ts': 'the TLS certificate files',
};

const FS_MODULE = '/^(node:)?fs(.promises)?$/';
const FS_MESSAGE = 'Media goes through the media store (main/core/media): no file-system calls here. A file that is not media belongs in FS_ALLOWED (eslint.config.js) with its reason.';

/** The media door (do not relax): outside the store and FS_ALLOWED, no module may touch the file system. */
export const mediaRules = [
  {
    files: ['main/**/*.ts', 'main/**/*.cts'],
    ignores: ['**/*.test.ts', ...Object.keys(FS_ALLOWED)],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: `ImportDeclaration[source.value=${FS_MODULE}]`, message: FS_MESSAGE },
        { selector: `ExportNamedDeclaration[source.value=${FS_MODULE}], ExportAllDeclaration[source.value=${FS_MODULE}]`, message: FS_MESSAGE },
        { selector: `ImportExpression[source.value=${FS_MODULE}]`, message: FS_MESSAGE },
        { selector: `CallExpression[callee.name='require'][arguments.0.value=${FS_MODULE}]`, message: FS_MESSAGE },
        { selector: `CallExpression[callee.object.name='process'][callee.property.name=/^(binding|getBuiltinModule)$/]`, message: FS_MESSAGE },
      ],
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
  ...i18nRules,
  ...mediaRules,
);
