/**
 * Debian's Chromium for Playwright (e2e tests and UI benches). Playwright's own browser download
 * is blocked on these machines, so we point `executablePath` at the system package.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | null {
  const fromEnv = process.env.TILL_CHROMIUM;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/** Launch options for `chromium.launch` / Playwright Test's `launchOptions`. */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found: apt-get install -y chromium (or set TILL_CHROMIUM)');
  // As root Chromium refuses to start without --no-sandbox; /dev/shm is small in containers.
  const args = [
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--font-render-hinting=none',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return { executablePath, args };
}
