/**
 * The Electron shell's tests only (`npm run test:electron`): test/e2e/electron.spec.ts drives the
 * real app with _electron.launch and skips itself where Electron's binary is not installed. Kept
 * apart from playwright.config.ts (the browser suite in `npm test`).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: ['electron.spec.ts'],
  outputDir: 'test-results/electron',
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 120_000,
});
