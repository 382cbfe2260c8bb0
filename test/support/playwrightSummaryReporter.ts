import type { FullResult, Reporter, Suite } from '@playwright/test/reporter';

/**
 * Playwright's counterpart of summaryReporter.ts: one plain closing line,
 * `E2E: N passed, N failed, N skipped`, after the list reporter, so `npm test`'s log still ends with
 * a count any tool can read (flaky tests count as passed, timed-out and interrupted as failed).
 */
export default class PlaywrightSummaryReporter implements Reporter {
  private root: Suite | undefined;

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.root?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') passed += 1;
      else if (outcome === 'skipped') skipped += 1;
      else failed += 1;
    }
    // A run that failed outside any test (global setup, a config error) still reads as failed.
    if (result.status !== 'passed' && failed === 0) failed = 1;
    console.log(`\nE2E: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
