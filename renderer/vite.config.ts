// Builds the React UI into dist/renderer; `@common` is the only part of main/ it may import.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  resolve: { alias: { '@common': fileURLToPath(new URL('../main/common', import.meta.url)) } },
  build: { outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)), emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8765', ws: true }, '/media': 'http://127.0.0.1:8765' } },
});
