import { createInterface } from 'node:readline';

/**
 * The kill tests' child processes: load the modules first (slow), then wait for the parent's GO
 * on stdin before opening the store, so a child never touches the data while its killed
 * predecessor may still be writing.
 */
export function waitForGo(): Promise<void> {
  return new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() !== 'GO') return;
      lines.close();
      process.stdin.destroy();
      resolve();
    });
  });
}
