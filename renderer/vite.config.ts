import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Run from the repository root: `vite build --config renderer/vite.config.ts`.
// The browser host serves dist/renderer with CSP `script-src 'self'`: no inline scripts, no eval.
// (No node: imports here: the layer rules forbid Node built-ins anywhere under renderer/.)
export default defineConfig({
  root: 'renderer',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
