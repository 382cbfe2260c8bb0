import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatSandbox, type WechatSandbox, type SandboxTradeView as WechatTradeView } from '../../electron/sandbox/wechatpay';
import { startAlipaySandbox, type AlipaySandbox, type SandboxTradeView as AlipayTradeView } from '../../electron/sandbox/alipay';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import { tempDir } from '../support/tempDb';
import { Prng } from '../support/payments/prng';
import { endpointsOf, REPO_ROOT } from '../support/payments/sandboxes';
import { alipayLedger, checkInvariants, wechatLedger } from '../support/payments/invariants';
import type { KillChildConfig } from '../support/payments/killChild';

/**
 * kill -9 loop: a till process (test/support/payments/killChild.ts) takes payments against the two
 * sandboxes, which live HERE so their books survive every death of the till, and is killed with
 * SIGKILL at random moments — while starting, while resuming what the previous one left, in the middle
 * of calls and commits. After the last kill a final process only resumes until everything is final.
 * Then: every payment a till acknowledged (read back as committed `succeeded`) is still succeeded; no
 * out_trade_no is acknowledged twice and no order keeps two captures; the sandboxes' books and the
 * store agree (invariants.ts); the store is intact. (A killed process leaves its WAL in the page cache:
 * this is a crash test, not a power-cut test.)
 *
 *   TILL_KILL_SEED=<n> TILL_KILLS=<n> npx vitest run test/integration/payments.killloop.test.ts
 */
const SEED = Number(process.env.TILL_KILL_SEED ?? 7_2026);
const KILLS = Number(process.env.TILL_KILLS ?? 16);
const CHILD = `${REPO_ROOT}test/support/payments/killChild.ts`;

interface Ack {
  paymentId: string;
  tender: string;
  outTradeNo: string;
  amountFen: number;
  orderId: string;
  life: number;
}

interface Life {
  index: number;
  acks: number;
  errors: string[];
  ready: boolean;
  killedAfterMs: number | null;
  exit: string;
}

describe('kill -9 loop', () => {
  let wechat: WechatSandbox;
  let alipay: AlipaySandbox;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir('till-killloop-');
    [wechat, alipay] = await Promise.all([
      startWechatSandbox({ behaviour: { userPayingMs: 200, reverseMinAgeMs: 0, refundProcessingMs: 100, notify: { enabled: false } } }),
      startAlipaySandbox({ behaviour: { userPayingMs: 200, notify: { enabled: false } } }),
    ]);
  });
  const children = new Set<ChildProcess>();
  afterAll(async () => {
    // A failed or timed-out run must not leave tills behind.
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([wechat?.close(), alipay?.close()]);
    dir?.cleanup();
  });

  interface Child {
    life: Life;
    /** Resolves once the modules are loaded (the process waits for GO before opening the store). */
    loaded: Promise<void>;
    /** Lets it open the store; `kill` kills it `afterMs` after GO (`early`: while it starts) or after its first ACK. */
    go(kill: { afterMs: number; early: boolean } | null): void;
    exited: Promise<Life>;
  }

  /** Spawns one till process, which loads its modules and then waits for GO. */
  function spawnLife(index: number, config: KillChildConfig, acks: Ack[]): Child {
    const file = dir.file(`child-${index}.json`);
    writeFileSync(file, JSON.stringify(config));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const result: Life = { index, acks: 0, errors: [], ready: false, killedAfterMs: null, exit: '' };
    let timer: NodeJS.Timeout | undefined;
    let plan: { afterMs: number; early: boolean } | null = null;
    let started = 0;
    let onLoaded: () => void = () => {};
    const loaded = new Promise<void>((resolve) => (onLoaded = resolve));
    const killNow = () => {
      result.killedAfterMs = Date.now() - started;
      child.kill('SIGKILL');
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, ...rest] = line.split(' ');
      if (word === 'LOADED') {
        onLoaded();
      } else if (word === 'READY') {
        result.ready = true;
        // Not acknowledging anything for long is itself worth a kill.
        if (plan && !plan.early) timer = setTimeout(killNow, 4_000);
      } else if (word === 'ACK') {
        const [paymentId, tender, outTradeNo, amount, orderId] = rest;
        acks.push({ paymentId: paymentId!, tender: tender!, outTradeNo: outTradeNo!, amountFen: Number(amount), orderId: orderId!, life: index });
        result.acks += 1;
        // Killed a random moment after its first acknowledgement, with other payments in flight.
        if (plan && !plan.early && result.acks === 1) {
          clearTimeout(timer);
          timer = setTimeout(killNow, plan.afterMs);
        }
      } else if (word === 'ERROR') {
        result.errors.push(rest.join(' '));
      } else if (word === 'DONE') {
        result.exit = `done, ${rest[0]} unfinished`;
      }
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<Life>((resolve) => {
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        onLoaded();
        result.exit ||= signal ? `killed (${signal})` : `exit ${code}`;
        if (code !== null && code !== 0) result.errors.push(`exit ${code}: ${stderr.slice(-2000)}`);
        resolve(result);
      });
    });
    return {
      life: result,
      loaded,
      exited,
      go(kill) {
        plan = kill;
        started = Date.now();
        if (kill?.early) timer = setTimeout(killNow, kill.afterMs);
        child.stdin!.write('GO\n');
      },
    };
  }

  it(`${KILLS} SIGKILLs at random moments: no acknowledged payment lost, nothing charged twice, books agree`, { timeout: 180_000 }, async () => {
    const prng = new Prng(SEED);
    const dbFile = dir.file('till.sqlite');
    const base: Omit<KillChildConfig, 'mode' | 'seed'> = {
      dbFile,
      endpoints: endpointsOf({ wechat, alipay }),
      timing: compressedTiming(100),
      workers: 4,
      timeoutMs: 1_500,
    };
    const acks: Ack[] = [];
    const lives: Life[] = [];
    const started = Date.now();
    const configs: KillChildConfig[] = [
      ...Array.from({ length: KILLS }, () => ({ ...base, mode: 'run' as const, seed: prng.u32() })),
      { ...base, mode: 'resume', seed: 0 },
    ];
    // The next till loads its modules (~1.5 s under tsx) while this one runs; it opens the store only
    // once this one is dead.
    let next = spawnLife(0, configs[0]!, acks);
    for (let i = 0; i <= KILLS; i++) {
      const current = next;
      await current.loaded;
      if (i === KILLS) {
        // The faults still queued would only slow the last process down; the books are what matter now.
        wechat.clearFaults();
        alipay.clearFaults();
        current.go(null);
      } else {
        // Mostly while paying; sometimes while it starts and resumes what the last one left.
        const early = prng.chance(0.25);
        current.go({ early, afterMs: early ? prng.int(0, 150) : prng.int(0, 1_000) });
        next = spawnLife(i + 1, configs[i + 1]!, acks);
      }
      lives.push(await current.exited);
      if (process.env.TILL_KILL_DEBUG) console.log(`life ${i}: ${JSON.stringify(lives.at(-1))}`);
    }
    const final = lives[KILLS]!;
    const elapsed = Date.now() - started;

    const db = new BetterSqlite3(dbFile, { readonly: true });
    try {
      const ledger = [...wechatLedger(wechat.trades() as WechatTradeView[]), ...alipayLedger(alipay.trades() as AlipayTradeView[])];
      const { violations, stats } = checkInvariants(db, ledger);
      const lost = acks.filter((ack) => {
        const row = db.prepare('SELECT state, amount_fen, out_trade_no, order_id FROM payments WHERE id = ?').get(ack.paymentId) as
          | { state: string; amount_fen: number; out_trade_no: string | null; order_id: string }
          | undefined;
        return !row || row.state !== 'succeeded' || row.amount_fen !== ack.amountFen || (row.out_trade_no ?? '-') !== ack.outTradeNo || row.order_id !== ack.orderId;
      });
      const byNo = new Map<string, number>();
      for (const ack of acks.filter((a) => a.outTradeNo !== '-')) byNo.set(ack.outTradeNo, (byNo.get(ack.outTradeNo) ?? 0) + 1);
      const chargedTwice = [...byNo].filter(([, n]) => n > 1);

      console.log(
        [
          `kill -9 loop: seed ${SEED}, ${KILLS} kills + 1 resume-only run, ${(elapsed / 1000).toFixed(1)} s`,
          `  lives: ${lives.map((l) => `${l.index}:${l.ready ? 'up' : 'starting'}/${l.acks} acks/${l.exit}${l.killedAfterMs !== null ? ` @${l.killedAfterMs}ms` : ''}`).join('  ')}`,
          `  acknowledged payments: ${acks.length} (${acks.filter((a) => a.tender !== 'cash').length} provider, ${acks.filter((a) => a.tender === 'cash').length} cash), lost: ${lost.length}`,
          `  store: ${stats.orders} orders, ${stats.providerPayments} provider attempts (${stats.succeededProviderPayments} succeeded), ${stats.refunds} refunds (${stats.automaticRefunds} automatic); payment states ${JSON.stringify(stats.paymentStates)}`,
          `  sandboxes: ${stats.providerTrades} trades, ${stats.paidProviderTrades} paid, ${stats.reversedAfterPayment} paid then reversed/cancelled`,
          `  violations: ${violations.length}`,
          ...violations.slice(0, 20).map((v) => `    [${v.kind}] ${v.detail}`),
        ].join('\n'),
      );
      expect(lives.flatMap((l) => l.errors)).toEqual([]);
      expect(final.exit).toBe('done, 0 unfinished');
      expect(lives.filter((l) => l.exit.startsWith('killed')).length).toBe(KILLS);
      // The loop has to have had something to lose: most tills acknowledged payments before they died.
      expect(lives.filter((l) => l.acks > 0).length).toBeGreaterThanOrEqual(KILLS / 2);
      expect(lost).toEqual([]);
      expect(chargedTwice).toEqual([]);
      expect(violations).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
