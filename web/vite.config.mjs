// The web app's build: Vite bundles the Preact app and pdf.js's worker into dist/, which intake
// serves at /app. JSX goes through Vite's own esbuild (no Babel plugin needed for Preact).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2500, reportCompressedSize: false },
  logLevel: 'warn',
});
