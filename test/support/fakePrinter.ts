import net from 'node:net';

/**
 * A fake ESC/POS network printer on 127.0.0.1 (random port). It records every byte it receives per
 * connection, answers DLE EOT status requests with configurable bytes, and can misbehave:
 * - 'hang': accepts connections but never reads nor answers (a jammed printer; writes back up),
 * - 'refuse': the port is closed, so connections are refused.
 */

export type FakePrinterMode = 'normal' | 'hang' | 'refuse';

export interface FakePrinter {
  readonly port: number;
  readonly host: string;
  /** Bytes of every finished or open connection, in order. */
  readonly jobs: Buffer[];
  /** All bytes received, concatenated. */
  received(): Buffer;
  /** Resolves when a connection has ended (the client half-closed) with the number of jobs so far. */
  waitForJobs(count: number, timeoutMs?: number): Promise<Buffer[]>;
  setMode(mode: FakePrinterMode): Promise<void>;
  /** Status bytes answered to DLE EOT 1, 2, 3, 4 (defaults: online, no errors, paper present). */
  status: Record<1 | 2 | 3 | 4, number>;
  close(): Promise<void>;
}

export async function startFakePrinter(initialMode: FakePrinterMode = 'normal'): Promise<FakePrinter> {
  const host = '127.0.0.1';
  const jobs: Buffer[] = [];
  const finished: Buffer[] = [];
  const waiters: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  let mode: FakePrinterMode = 'normal';

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'hang') {
      socket.pause();
      return;
    }
    const index = jobs.push(Buffer.alloc(0)) - 1;
    socket.on('data', (chunk: Buffer) => {
      const all = Buffer.concat([jobs[index] ?? Buffer.alloc(0), chunk]);
      jobs[index] = all;
      // Real-time status requests are answered as they arrive; scan only the new bytes (and the two before).
      const from = Math.max(0, all.length - chunk.length - 2);
      for (let i = from; i + 2 < all.length; i++) {
        if (all[i] === 0x10 && all[i + 1] === 0x04) {
          const n = all[i + 2] as 1 | 2 | 3 | 4;
          if (n >= 1 && n <= 4 && i + 2 >= all.length - chunk.length) socket.write(Uint8Array.of(fake.status[n]));
        }
      }
    });
    socket.on('end', () => {
      finished.push(jobs[index] ?? Buffer.alloc(0));
      socket.end();
      for (const wake of waiters.splice(0)) wake();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const addressInfo = server.address();
  if (addressInfo === null || typeof addressInfo === 'string') throw new Error('fake printer: no port');
  const port = addressInfo.port;

  const fake: FakePrinter = {
    port,
    host,
    jobs,
    status: { 1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12 },
    received: () => Buffer.concat(jobs),
    waitForJobs(count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (finished.length >= count) {
            clearTimeout(timer);
            resolve([...finished]);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => reject(new Error(`fake printer: ${finished.length}/${count} jobs after ${timeoutMs} ms`)), timeoutMs);
        if (check()) return;
        const wait = (): void => {
          if (!check()) waiters.push(wait);
        };
        waiters.push(wait);
      });
    },
    async setMode(next) {
      if (next === mode) return;
      if (mode === 'refuse') await new Promise<void>((resolve) => server.listen(port, host, resolve));
      if (next === 'refuse') {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      mode = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  if (initialMode !== 'normal') await fake.setMode(initialMode);
  return fake;
}
