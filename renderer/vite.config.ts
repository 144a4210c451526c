// Builds the React UI into dist/renderer; `@common` is the only part of main/ it may import.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { withCspMeta } from '../main/common/csp.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The built page carries the CSP as a <meta> too (not in dev, where Vite's hot reload injects inline scripts). */
export function cspMeta(): Plugin {
  return { name: 'porchlight-csp-meta', apply: 'build', transformIndexHtml: (html) => withCspMeta(html) };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), cspMeta()],
  resolve: { alias: { '@common': fileURLToPath(new URL('../main/common', import.meta.url)) } },
  build: { outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)), emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8765', ws: true }, '/media': 'http://127.0.0.1:8765' } },
});
