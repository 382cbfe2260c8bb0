/**
 * `npm start`: the Electron app when its runtime is present, otherwise the browser host with a
 * clear message. The electron package downloads its binary on first use; where that download is
 * blocked (restricted networks, these CI machines) `require('electron')` throws, and that is how
 * we detect it without a network call of our own.
 */
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

function electronBinary(): string | null {
  try {
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (binary) {
  // Electron cannot run .ts: bundle main + preload to dist/electron/*.cjs, then run the bundle.
  const { buildElectron } = await import('./buildMain');
  const { main } = await buildElectron();
  const child = spawn(binary, [main], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    'Till: the Electron runtime is not installed (its download was blocked or skipped).\n' +
      '      Starting the browser host instead: the same app, served on this machine only.\n' +
      '      浏览器模式：未安装 Electron 运行时，已改为在本机浏览器中运行。',
  );
  await import('../host/serve');
}
