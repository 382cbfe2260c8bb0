/**
 * Playwright Test for the browser end-to-end suite (`npm run test:e2e`): the real renderer served by
 * the browser host, driven in Debian's Chromium (Playwright's own browser download is blocked on
 * these machines). Each test starts its own core, host and provider sandboxes in this process
 * (test/e2e/fixtures.ts). The Electron shell's tests have their own config
 * (playwright.electron.config.ts, `npm run test:electron`).
 *
 * Artifacts: screenshots of every screen in both languages under test-results/screens/<lang>/
 * (kept between runs until the next run of that test), traces/videos of a failing test under
 * test-results/e2e/.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/support/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  testIgnore: ['**/electron.spec.ts'],
  outputDir: 'test-results/e2e',
  // One worker: the machines have 2 cores, and one test already runs the core, two sandboxes, the
  // host and two Chromium pages.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['./test/support/playwrightSummaryReporter.ts']],
  // A whole cashier's day (five sales, a refund, a PDF) per language.
  timeout: 300_000,
  expect: { timeout: 15_000 },
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1366, height: 768 },
    deviceScaleFactor: 1,
    timezoneId: 'Asia/Shanghai',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
  },
});
