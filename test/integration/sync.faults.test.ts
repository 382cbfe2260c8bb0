import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/createCore';
import { KeyFileKeeper } from '../../electron/host/keyFileKeeper';
import { Prng } from '../support/payments/prng';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startSyncProxy, type SyncProxy } from '../support/syncProxy';
import { tempDir } from '../support/tempDb';
import type { SyncFaultChildConfig } from '../support/syncFaultChild';
import { freePort } from '../support/freePort';

/**
 * THE sync fault test. A till process (test/support/syncFaultChild.ts: core + sync worker + a sale
 * generator with refunds) pushes through an HTTP proxy (test/support/syncProxy.ts) to the real cloud
 * (cloud/main.ts, a child process) on a real PostgreSQL, while, many times, seeded:
 *
 *   - the proxy forwards a batch, the cloud commits and answers, and the proxy drops the answer;
 *   - the proxy drops a request before the cloud sees it;
 *   - the cloud is SIGKILLed — usually while a batch is on its way in — and restarted on the same
 *     database after a random downtime;
 *   - the till is SIGKILLed — usually while a batch is in flight or just after its answer came
 *     back, between the cloud's commit and the till marking the rows sent — and restarted.
 *
 * Then the faults stop, a last till drains, and: every order the till completed, refunded or
 * cancelled is in PostgreSQL exactly once at the till's latest version, with its lines, payments
 * and refunds once each; the sums of total, paid and refunded fen equal the till's to the fen; the
 * cloud has no order the till does not; the outbox is fully sent and nothing is dead.
 *
 *   TILL_SYNC_SEED=<n> TILL_SYNC_TILL_KILLS=<n> TILL_SYNC_CLOUD_KILLS=<n> npx vitest run test/integration/sync.faults.test.ts
 */
const SEED = Number(process.env.TILL_SYNC_SEED ?? 20_261_123);
const TILL_KILLS = Number(process.env.TILL_SYNC_TILL_KILLS ?? 12);
const CLOUD_KILLS = Number(process.env.TILL_SYNC_CLOUD_KILLS ?? 10);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../support/syncFaultChild.ts', import.meta.url));
const CLOUD_CHILD = fileURLToPath(new URL('../support/syncCloudChild.ts', import.meta.url));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves at the next batch the proxy forwards (or whose answer comes back), or after `timeoutMs`: false. */
function nextBatch(proxy: SyncProxy, stage: 'forward' | 'answer', timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const stop = proxy.listen((event) => {
      if (event.stage === stage && event.method === 'POST' && event.path === '/v1/sync/orders') done(true);
    });
    function done(value: boolean) {
      clearTimeout(timer);
      stop();
      resolve(value);
    }
  });
}

describe('sync under faults', () => {
  const children = new Set<ChildProcess>();
  let postgres: TestPostgres | undefined;
  let proxy: SyncProxy | undefined;
  const dir = tempDir('till-syncfaults-');
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await proxy?.close();
    await postgres?.stop();
    dir.cleanup();
  });

  /** cloud/main.ts in a child that has loaded its modules and waits for GO (test/support/syncCloudChild.ts). */
  function spawnCloud(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', CLOUD_CHILD], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    const log: string[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => (children.delete(child), resolve())));
    let onLoaded: () => void = () => {};
    const loaded = new Promise<void>((resolve) => (onLoaded = resolve));
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        log.push(line);
        if (line === 'LOADED') onLoaded();
        if (line.startsWith('cloud listening on')) resolve();
      });
      child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
      void exited.then(() => reject(new Error(`cloud exited before listening: ${log.join('\n').slice(-2000)}`)));
    });
    ready.catch(() => {});
    return { child, loaded, ready, exited, log, go: () => child.stdin!.write('GO\n') };
  }

  interface TillLife {
    index: number;
    mode: 'run' | 'drain';
    ready: boolean;
    exit: string;
    killedAfterMs: number | null;
    how: string;
    errors: string[];
    done: string | null;
  }

  function spawnTill(index: number, config: SyncFaultChildConfig) {
    const file = dir.file(`till-${index}.json`);
    writeFileSync(file, JSON.stringify(config));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    const life: TillLife = { index, mode: config.mode, ready: false, exit: '', killedAfterMs: null, how: '', errors: [], done: null };
    let onLoaded: () => void = () => {};
    let onReady: () => void = () => {};
    const loaded = new Promise<void>((resolve) => (onLoaded = resolve));
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    let started = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, ...rest] = line.split(' ');
      if (word === 'LOADED') onLoaded();
      else if (word === 'READY') {
        life.ready = true;
        onReady();
      } else if (word === 'ERROR' || (word === 'LOG' && rest[0] === 'error')) life.errors.push(rest.join(' '));
      else if (word === 'DONE') life.done = rest.join(' ');
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<TillLife>((resolve) => {
      child.once('exit', (code, signal) => {
        children.delete(child);
        onLoaded();
        onReady();
        life.exit = signal ? `killed (${signal})` : `exit ${code}`;
        if (code !== null && code !== 0) life.errors.push(`exit ${code}: ${stderr.slice(-2000)}`);
        resolve(life);
      });
    });
    return {
      life,
      loaded,
      ready,
      exited,
      go() {
        started = Date.now();
        child.stdin!.write('GO\n');
      },
      kill(how: string) {
        life.killedAfterMs = Date.now() - started;
        life.how = how;
        child.kill('SIGKILL');
      },
    };
  }

  it(`${TILL_KILLS} till kills, ${CLOUD_KILLS} cloud kills, dropped answers: every order exactly once, totals to the fen`, { timeout: 240_000 }, async () => {
    const started = Date.now();
    const prng = new Prng(SEED);
    const proxyPrng = prng.fork();
    postgres = await startPostgres();
    const cloudPort = await freePort();
    const cloudEnv = {
      DATABASE_URL: postgres.url,
      CLOUD_HOST: '127.0.0.1',
      CLOUD_PORT: String(cloudPort),
      CLOUD_ADMIN_TOKEN: `admin-${randomBytes(12).toString('hex')}`,
      CLOUD_SECRET_KEY: randomBytes(32).toString('hex'),
      CLOUD_DATA_DIR: dir.file('cloud'),
      CLOUD_LOG_LEVEL: 'error',
    };
    // Processes load their modules ahead of need (two of each kind waiting), and each opens the
    // store (or takes the port) only once its predecessor is dead: a restart costs milliseconds of
    // the test's time, not the seconds tsx needs to load Fastify or the core.
    let cloudsToSpawn = CLOUD_KILLS + 1;
    const cloudPool: ReturnType<typeof spawnCloud>[] = [];
    const nextCloud = () => {
      while (cloudPool.length < 2 && cloudsToSpawn > 0) {
        cloudPool.push(spawnCloud(cloudEnv));
        cloudsToSpawn -= 1;
      }
      return cloudPool.shift()!;
    };
    let cloud = nextCloud();
    await cloud.loaded;
    cloud.go();
    await cloud.ready;
    const cloudUrl = `http://127.0.0.1:${cloudPort}`;
    proxy = await startSyncProxy({ host: '127.0.0.1', port: cloudPort }, () => proxyPrng.next());

    // The head office creates the store and a code; the owner enrols the till (through the proxy).
    const admin = { authorization: `Bearer ${cloudEnv.CLOUD_ADMIN_TOKEN}`, 'content-type': 'application/json' };
    expect((await fetch(`${cloudUrl}/v1/admin/stores`, { method: 'POST', headers: admin, body: JSON.stringify({ code: 'S001', name: 'Demo', timezone: 'Asia/Shanghai' }) })).status).toBe(201);
    const { code } = (await (await fetch(`${cloudUrl}/v1/admin/stores/S001/enrolment-codes`, { method: 'POST', headers: { authorization: admin.authorization } })).json()) as { code: string };
    const dbFile = dir.file('till.sqlite');
    const keyFile = dir.file('secret.key');
    {
      const core = await createCore({ dbFile, demo: true, secretKeeper: new KeyFileKeeper(keyFile), paymentsManual: true, sync: { manual: true } });
      await core.sync.enrol(proxy.url, code);
      const set = (key: Parameters<typeof core.settings.set>[0], value: unknown) => core.settings.set(key, value, core.nowIso());
      set('sync.intervalMs', 150);
      set('sync.maxBatchOrders', 25);
      set('sync.requestTimeoutMs', 3_000);
      set('sync.backoffBaseMs', 50);
      set('sync.backoffCapMs', 600);
      set('sync.eventsIntervalMs', 2_000);
      await core.close();
    }
    proxy.dropResponseRate = 0.3;
    proxy.dropRequestRate = 0.05;
    const t0 = Date.now();
    const timeline = (what: string) => {
      if (process.env.TILL_SYNC_DEBUG) console.log(`${((Date.now() - t0) / 1000).toFixed(2)} ${what}`);
    };
    proxy.listen((event) => timeline(`proxy ${event.stage} ${event.method} ${event.path}${event.status ? ` ${event.status}` : ''}`));

    const base: Omit<SyncFaultChildConfig, 'mode' | 'seed'> = { dbFile, keyFile, workers: 2, paceMs: 50, timeoutMs: 60_000 };
    const lives: TillLife[] = [];
    const kills: { what: 'till' | 'cloud' | 'both'; how: string }[] = [];
    const tillConfig = (mode: 'run' | 'drain'): SyncFaultChildConfig => ({ ...base, mode, seed: mode === 'run' ? prng.u32() : 0 });
    let tillIndex = 0;
    let tillsToSpawn = TILL_KILLS + 1;
    const tillPool: ReturnType<typeof spawnTill>[] = [];
    const nextTill = () => {
      while (tillPool.length < 2 && tillsToSpawn > 0) {
        tillPool.push(spawnTill(tillIndex++, tillConfig('run')));
        tillsToSpawn -= 1;
      }
      return tillPool.shift()!;
    };
    let till = nextTill();
    const drainer = spawnTill(1_000, tillConfig('drain'));
    await till.loaded;
    till.go();
    await till.ready;

    let tillLeft = TILL_KILLS;
    let cloudLeft = CLOUD_KILLS;
    while (tillLeft + cloudLeft > 0) {
      // Let it sell and sync for a moment, then pick a victim and a moment: while a batch is on its
      // way in, just after the cloud answered it (committed; the answer may be dropped too), or any time.
      await sleep(prng.int(200, 900));
      const what = prng.weighted([
        ['till', tillLeft],
        ['cloud', cloudLeft],
        ['both', Math.min(tillLeft, cloudLeft) * 0.3],
      ] as const);
      const stage = prng.weighted([
        ['forward', 0.5],
        ['answer', 0.3],
        ['any', 0.2],
      ] as const);
      const caught = stage === 'any' ? false : await nextBatch(proxy!, stage, 3_000);
      await sleep(prng.int(0, stage === 'forward' ? 25 : 8));
      const how = stage === 'any' ? 'random' : !caught ? 'no batch seen' : stage === 'forward' ? 'mid-batch' : 'after-answer';
      kills.push({ what, how });
      timeline(`kill ${what} (${how})`);
      const killCloud = what !== 'till';
      const killTill = what !== 'cloud';
      if (killCloud) {
        cloud.child.kill('SIGKILL');
        cloudLeft -= 1;
      }
      if (killTill) {
        till.kill(how);
        tillLeft -= 1;
      }
      if (killCloud) {
        await cloud.exited;
        await sleep(prng.int(0, 500));
        cloud = nextCloud();
        await cloud.loaded;
        cloud.go();
      }
      if (killTill) {
        lives.push(await till.exited);
        till = nextTill();
        await till.loaded;
        till.go();
      }
      await Promise.all([cloud.ready, till.ready]);
      timeline('up again');
    }

    // No more faults: the last selling till stops, and a last one only drains what is left.
    const faultsEnded = Date.now();
    proxy.dropResponseRate = 0;
    proxy.dropRequestRate = 0;
    till.kill('end of run');
    lives.push(await till.exited);
    await drainer.loaded;
    drainer.go();
    const last = await drainer.exited;
    lives.push(last);
    const elapsed = Date.now() - started;

    // ── the books ──────────────────────────────────────────────────────────────────────────
    const store = new BetterSqlite3(dbFile, { readonly: true });
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const synced = store
        .prepare(
          `SELECT o.id, o.version, o.total_fen, o.paid_fen, o.refunded_fen, o.state,
                  (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lines,
                  (SELECT count(*) FROM payments p WHERE p.order_id = o.id) AS payments,
                  (SELECT count(*) FROM refunds r WHERE r.order_id = o.id) AS refunds
             FROM orders o WHERE EXISTS (SELECT 1 FROM outbox x WHERE x.aggregate_id = o.id) ORDER BY o.id`,
        )
        .all() as { id: string; version: number; total_fen: number; paid_fen: number; refunded_fen: number; state: string; lines: number; payments: number; refunds: number }[];
      const outbox = store.prepare('SELECT count(*) AS rows, sum(sent_at IS NULL) AS unsent, sum(dead_at IS NOT NULL) AS dead FROM outbox').get() as { rows: number; unsent: number; dead: number };
      const notSynced = (store.prepare("SELECT count(*) AS n FROM orders WHERE state IN ('completed', 'refunded', 'partially_refunded', 'cancelled') AND id NOT IN (SELECT aggregate_id FROM outbox)").get() as { n: number }).n;
      const cloudRows = (
        await client.query<{ id: string; version: number; total_fen: string; paid_fen: string; refunded_fen: string; state: string; lines: string; payments: string; refunds: string }>(
          `SELECT o.id, o.version, o.total_fen, o.paid_fen, o.refunded_fen, o.state,
                  (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lines,
                  (SELECT count(*) FROM order_payments p WHERE p.order_id = o.id) AS payments,
                  (SELECT count(*) FROM order_refunds r WHERE r.order_id = o.id) AS refunds
             FROM orders o ORDER BY o.id`,
        )
      ).rows.map((r) => ({ ...r, version: Number(r.version), total_fen: Number(r.total_fen), paid_fen: Number(r.paid_fen), refunded_fen: Number(r.refunded_fen), lines: Number(r.lines), payments: Number(r.payments), refunds: Number(r.refunds) }));
      const byId = new Map(cloudRows.map((r) => [r.id, r]));
      const missing = synced.filter((o) => !byId.has(o.id));
      const wrong = synced.filter((o) => {
        const c = byId.get(o.id);
        return c && (c.version !== o.version || c.total_fen !== o.total_fen || c.paid_fen !== o.paid_fen || c.refunded_fen !== o.refunded_fen || c.state !== o.state || c.lines !== o.lines || c.payments !== o.payments || c.refunds !== o.refunds);
      });
      const tillIds = new Set(synced.map((o) => o.id));
      const extra = cloudRows.filter((c) => !tillIds.has(c.id));
      const sum = (rows: { total_fen: number; paid_fen: number; refunded_fen: number }[]) =>
        rows.reduce((acc, r) => ({ total: acc.total + r.total_fen, paid: acc.paid + r.paid_fen, refunded: acc.refunded + r.refunded_fen }), { total: 0, paid: 0, refunded: 0 });
      const refundedOrders = synced.filter((o) => o.refunded_fen > 0).length;
      const versions = synced.reduce((acc, o) => acc + o.version, 0);

      console.log(
        [
          `sync faults: seed ${SEED}, ${TILL_KILLS} till kills + 1 drain, ${CLOUD_KILLS} cloud kills (${kills.filter((k) => k.what === 'both').length} of them together), ${(elapsed / 1000).toFixed(1)} s (drain ${((Date.now() - faultsEnded) / 1000).toFixed(1)} s)`,
          `  kills: ${kills.map((k) => `${k.what}:${k.how}`).join(' ')}`,
          `  till lives: ${lives.map((l) => `${l.index}:${l.ready ? 'up' : 'starting'}/${l.exit}${l.killedAfterMs !== null ? `@${l.killedAfterMs}ms` : ''}`).join(' ')}`,
          `  proxy: ${JSON.stringify(proxy.stats)}`,
          `  orders synced: ${synced.length} (${refundedOrders} refunded, ${versions} versions in all), outbox rows ${outbox.rows}; cloud orders ${cloudRows.length}`,
          `  missing ${missing.length}, wrong ${wrong.length}, extra ${extra.length}, unsent ${outbox.unsent}, dead ${outbox.dead}, drain: ${last.done}`,
          `  sums till ${JSON.stringify(sum(synced))} cloud ${JSON.stringify(sum(cloudRows))}`,
        ].join('\n'),
      );

      expect(lives.flatMap((l) => l.errors)).toEqual([]);
      expect(last.done).toMatch(/^0 0 /);
      expect(synced.length).toBeGreaterThan(100);
      expect(refundedOrders).toBeGreaterThan(5);
      expect(proxy.stats.droppedResponses).toBeGreaterThan(0);
      // Most kills landed while a batch was in flight or had just been answered.
      expect(kills.filter((k) => k.how === 'mid-batch' || k.how === 'after-answer').length).toBeGreaterThan(kills.length / 2);
      expect(notSynced).toBe(0);
      expect(missing.map((o) => o.id)).toEqual([]);
      expect(wrong).toEqual([]);
      expect(extra.map((o) => o.id)).toEqual([]);
      expect(sum(cloudRows)).toEqual(sum(synced));
      expect(outbox).toMatchObject({ unsent: 0, dead: 0 });
    } finally {
      store.close();
      await client.end();
    }
  });
});
