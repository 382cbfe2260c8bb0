/**
 * `npm run build:electron`: bundles the Electron main process and preload into CommonJS files
 * Electron can run (it cannot run .ts): dist/electron/main.cjs and dist/electron/preload.cjs.
 * electron is provided by the runtime; better-sqlite3 stays external because it is a native
 * module (rebuilt for Electron by electron-builder and unpacked from the asar). The SQL
 * migrations are copied next to the bundle, where db/migrate.ts looks for them (import.meta.url
 * is rewritten to the bundle's own file URL).
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT_DIR = join(ROOT, 'dist', 'electron');
export const MAIN_BUNDLE = join(OUT_DIR, 'main.cjs');
export const PRELOAD_BUNDLE = join(OUT_DIR, 'preload.cjs');
export const EXTERNAL: readonly string[] = Object.freeze(['electron', 'better-sqlite3']);

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: [...EXTERNAL],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
};

export async function buildElectron(options: { minify?: boolean; outDir?: string } = {}): Promise<{ main: string; preload: string }> {
  const outDir = options.outDir ?? OUT_DIR;
  const main = join(outDir, 'main.cjs');
  const preload = join(outDir, 'preload.cjs');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(ROOT, 'electron', 'main.ts')],
      outfile: main,
      minify: options.minify ?? false,
      // ESM sources read import.meta.url; in a CJS bundle it becomes this file's own URL.
      define: { 'import.meta.url': '__tillImportMetaUrl' },
      banner: { js: "const __tillImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
    build({
      ...common,
      entryPoints: [join(ROOT, 'electron', 'preload.ts')],
      outfile: preload,
      // A sandboxed preload may require only 'electron' (and a few polyfilled modules).
      platform: 'browser',
      external: ['electron'],
      minify: options.minify ?? false,
    }),
  ]);
  cpSync(join(ROOT, 'db', 'migrations'), join(outDir, 'migrations'), { recursive: true });
  return { main, preload };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { main, preload } = await buildElectron({ minify: process.argv.includes('--minify') });
  console.log(`Till: built ${main} and ${preload}`);
}
