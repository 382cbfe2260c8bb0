/**
 * The till process of the sync fault test (test/integration/sync.faults.test.ts).
 *
 *   node --import tsx test/support/syncFaultChild.ts <config.json>   (then `GO` on stdin)
 *
 * Opens the core on the shared SQLite file with the key-file vault (the enrolment the parent made
 * is in both), the sync worker on its timers, and then:
 *   - mode `run`: sells for ever — cash sales by a few concurrent "cashiers", now and then a partial
 *     or full cash refund of an earlier order — while the worker pushes through the faulty proxy;
 *   - mode `drain`: sells nothing, waits until the outbox is empty, prints `DONE <pending> <dead>`.
 * The parent kills `run` processes with SIGKILL at random moments (often while a batch is in flight).
 */
import { readFileSync } from 'node:fs';
import { waitForGo } from './childGate';
import { createCore } from '../../electron/core/createCore';
import { KeyFileKeeper } from '../../electron/host/keyFileKeeper';
import { TillError } from '../../electron/api/errors';
import { outboxCounts } from '../../db/stores/outbox';
import { Prng } from './payments/prng';
import { openDemoShift } from './core';
import { CASHIER, cartOf } from './syncTill';

export interface SyncFaultChildConfig {
  dbFile: string;
  keyFile: string;
  mode: 'run' | 'drain';
  seed: number;
  workers: number;
  /** Pause between one cashier's sales (ms, random up to this). */
  paceMs: number;
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const write = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as SyncFaultChildConfig;
  write('LOADED');
  await waitForGo();
  const core = await createCore({
    dbFile: config.dbFile,
    demo: true,
    secretKeeper: new KeyFileKeeper(config.keyFile),
    paymentsManual: true,
    logger: (entry) => {
      if (entry.ref !== 'sync') write(`LOG ${entry.level} ${entry.ref} ${entry.message}`.slice(0, 300));
    },
  });
  // The drawer: no sale without an open shift on the terminal.
  openDemoShift(core);
  write(`READY ${process.pid}`);

  if (config.mode === 'drain') {
    const deadline = Date.now() + config.timeoutMs;
    for (;;) {
      const counts = outboxCounts(core.db);
      if ((counts.pending === 0 && core.sync.status().state !== 'sending') || Date.now() > deadline) {
        write(`DONE ${counts.pending} ${counts.dead} ${JSON.stringify(core.sync.status().lastError)}`);
        break;
      }
      await sleep(50);
    }
    await core.close();
    return;
  }

  const prng = new Prng(config.seed);
  const cart = cartOf(core);
  const refundable = () =>
    core.db
      .prepare("SELECT id, total_fen - refunded_fen AS left FROM orders WHERE state IN ('completed', 'partially_refunded') AND total_fen > refunded_fen ORDER BY random() LIMIT 1")
      .get() as { id: string; left: number } | undefined;
  const cashier = async (rng: Prng) => {
    for (;;) {
      try {
        if (rng.chance(0.12)) {
          const target = refundable();
          if (target) core.refunds.requestRefund(CASHIER, { orderId: target.id, amountFen: rng.chance(0.3) ? target.left : rng.int(1, target.left), reason: '退货', approverId: 'demo-manager' });
        } else {
          const quantity = rng.int(1, 4);
          const order = core.orders.checkout(CASHIER, { ...cart, lines: cart.lines.map((line) => ({ ...line, quantity })) }).order;
          core.orders.payCash(CASHIER, order.id, order.total_fen + rng.int(0, 500));
        }
      } catch (error) {
        if (!(error instanceof TillError)) write(`ERROR ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
      }
      await sleep(rng.int(0, config.paceMs));
    }
  };
  await Promise.all(Array.from({ length: config.workers }, () => cashier(prng.fork())));
}

main().catch((error: unknown) => {
  process.stderr.write(`sync fault child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
