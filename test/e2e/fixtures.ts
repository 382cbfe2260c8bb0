/**
 * Fixtures for the browser end-to-end suite: each test gets a fresh till (core on a temp SQLite
 * file with the demo store, users and catalog; the WeChat Pay and Alipay sandboxes; the browser
 * host on a free loopback port) started in the test's own process, exactly as `npm run serve`
 * wires it (electron/host/serve.ts). The test drives the UI through Chromium and can also reach
 * the sandboxes and the store directly to check what the UI claims.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { createCore, type Core } from '../../electron/core/createCore';
import { KeyFileKeeper } from '../../electron/host/keyFileKeeper';
import { startHost, type RunningHost } from '../../electron/host/server';
import { PROVIDER_TIMING, type PaymentTiming } from '../../electron/payments/attempts/timing';
import { demoPayerFor, startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';

export type Lang = 'zh-CN' | 'en';

export interface Till {
  /** The browser host's base URL (http://127.0.0.1:<port>). */
  url: string;
  core: Core;
  host: RunningHost;
  sandboxes: DemoSandboxes;
  dataDir: string;
  /** What the dispatcher logged as errors (an unexpected exception behind a typed INTERNAL error). */
  serverErrors: string[];
}

/**
 * The providers' real schedule, except the waits that only make a test sit idle: the grace period
 * before a closed QR is final (30 s) and the customer-code / refund query intervals (5 s).
 */
export const E2E_TIMING: PaymentTiming = {
  ...PROVIDER_TIMING,
  closeGraceMs: 2_000,
  codeQueryIntervalMs: 2_000,
  refundPollMs: 2_000,
};

export async function startTill(): Promise<Till> {
  const dataDir = mkdtempSync(join(tmpdir(), 'till-e2e-'));
  const errors: string[] = [];
  const core = await createCore({
    dbFile: join(dataDir, 'till.sqlite'),
    demo: true,
    secretKeeper: new KeyFileKeeper(join(dataDir, 'secret.key')),
    paymentTiming: E2E_TIMING,
    logger: (entry) => {
      if (entry.level === 'error') errors.push(`${entry.ref} ${entry.method}: ${entry.message}`);
    },
  });
  if (core.settings.get('payments.mode') !== 'sandbox') throw new Error('the demo till is expected in sandbox payments mode');
  // Notifications off: nothing listens for them here (the cloud relays them in production), and the
  // till must find every outcome by querying anyway. The customer takes 6 s to enter a password.
  const sandboxes = await startDemoSandboxes(core.providers, {
    wechat: { notify: { enabled: false }, userPayingMs: 6_000 },
    alipay: { notify: { enabled: false }, userPayingMs: 6_000 },
  });
  core.attachDemoPayer(demoPayerFor(sandboxes));
  const host = await startHost({
    core,
    port: 0,
    bootInfo: () => ({ sandbox: { wechat: sandboxes.wechat.baseUrl, alipay: sandboxes.alipay.baseUrl } }),
  });
  return { url: host.url, core, host, sandboxes, dataDir, serverErrors: errors };
}

export async function stopTill(till: Till): Promise<void> {
  await till.host.close();
  await till.core.close();
  await till.sandboxes.close();
  rmSync(till.dataDir, { recursive: true, force: true });
}

/**
 * Where a language's screenshots go: test-results/screens/<lang>/NN-name.png, or
 * test-results/screens/<lang>/<suite>/ for a spec that names its suite (outside Playwright's
 * outputDir, which it empties).
 */
export function screensDir(lang: Lang, suite = ''): string {
  return resolve('test-results', 'screens', lang, suite);
}

export interface Screens {
  /** Full-page screenshot of `page` as NN-name.png in this language's folder; returns the path. */
  shot(page: Page, name: string): Promise<string>;
  dir: string;
}

function makeScreens(lang: Lang, suite: string): Screens {
  const dir = screensDir(lang, suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return {
    dir,
    async shot(page, name) {
      n += 1;
      const path = join(dir, `${String(n).padStart(2, '0')}-${name}.png`);
      // Let transitions and the 90 ms search debounce settle; no animations in the shot.
      await page.waitForTimeout(150);
      await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
      return path;
    },
  };
}

export const test = base.extend<{ lang: Lang; screensSuite: string; till: Till; screens: Screens }>({
  lang: ['zh-CN', { option: true }],
  screensSuite: ['', { option: true }],
  // eslint-disable-next-line no-empty-pattern
  till: async ({}, use) => {
    const till = await startTill();
    await use(till);
    await stopTill(till);
  },
  screens: async ({ lang, screensSuite }, use) => {
    await use(makeScreens(lang, screensSuite));
  },
  // Every page of the test's context starts in the test's language (the app's saved choice).
  context: async ({ context, lang }, use) => {
    await context.addInitScript((l) => {
      // (Runs in the page; the Node-side tsconfig has no DOM types.)
      const { localStorage } = globalThis as unknown as { localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void } };
      if (!localStorage.getItem('till.lang')) localStorage.setItem('till.lang', l);
    }, lang);
    await use(context);
  },
  locale: async ({ lang }, use) => use(lang),
});

export { expect };
