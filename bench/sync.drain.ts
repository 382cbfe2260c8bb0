/**
 * Drain time of a 10,000-order backlog from a till into PostgreSQL over loopback HTTP.
 *
 * A till database with N completed orders (bench/generateOrders.ts: lines, tenders, an outbox row
 * each, all pending), a real PostgreSQL started here (test/support/postgres.ts), the real cloud
 * (cloud/main.ts) as its own process on that database, the till enrolled with a one-time code; then
 * the sync worker's own cycle (snapshot → validate → signed POST → per-order results → mark sent)
 * runs until the outbox is empty. Printed: drain time, orders/s, batches and their latency, the
 * till's local share (snapshots + validation), and a check that PostgreSQL holds every order once
 * with the till's totals to the fen. Run per batch size (default 500 and 100).
 *
 *   npx tsx bench/sync.drain.ts [orders=10000] [batchSizes=500,100]     (npm run bench:sync-drain)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createCore } from '../electron/core/createCore';
import { KeyFileKeeper } from '../electron/host/keyFileKeeper';
import { SnapshotReader } from '../electron/sync/snapshot';
import { openDatabase } from '../db/connection';
import { generateOrders } from './generateOrders';
import { startPostgres } from '../test/support/postgres';
import { freePort } from '../test/support/freePort';

const total = Number(process.argv[2] ?? 10_000);
const batchSizes = (process.argv[3] ?? '500,100').split(',').map(Number);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'till-bench-sync-'));

async function startCloud(databaseUrl: string): Promise<{ url: string; adminToken: string; child: ChildProcess }> {
  const port = await freePort();
  const adminToken = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cloud/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, CLOUD_HOST: '127.0.0.1', CLOUD_PORT: String(port), CLOUD_ADMIN_TOKEN: adminToken, CLOUD_SECRET_KEY: randomBytes(32).toString('hex'), CLOUD_DATA_DIR: join(dir, 'cloud'), CLOUD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('cloud listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cloud exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, adminToken, child };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

async function run(batchSize: number, databaseUrl: string): Promise<void> {
  const dbFile = join(dir, `till-${batchSize}.sqlite`);
  const keyFile = join(dir, `secret-${batchSize}.key`);
  // The demo store and catalog, then the backlog: N completed orders whose outbox rows are pending.
  (await createCore({ dbFile, demo: true, paymentsManual: true, sync: { manual: true } })).close();
  {
    const { db } = openDatabase({ file: dbFile });
    db.pragma('synchronous = OFF'); // generation only; the till runs with FULL below
    const days = Math.ceil(total / 1000);
    generateOrders(db, { days, ordersPerDay: Math.ceil(total / days), endDate: '2026-11-22' });
    db.prepare('UPDATE outbox SET sent_at = NULL').run();
    db.close();
  }
  const core = await createCore({ dbFile, demo: true, paymentsManual: true, secretKeeper: new KeyFileKeeper(keyFile), sync: { manual: true } });
  const orders = (core.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
  const lines = (core.db.prepare('SELECT count(*) AS n FROM order_lines').get() as { n: number }).n;

  // The till's local share: every snapshot built and validated with the wire schema.
  const reader = new SnapshotReader(core.db, () => ({ storeCode: 'S001', terminalCode: 'T01' }));
  const ids = (core.db.prepare('SELECT id FROM orders').all() as { id: string }[]).map((r) => r.id);
  let started = performance.now();
  for (const id of ids) if (!reader.read(id).ok) throw new Error(`snapshot ${id} failed`);
  const snapshotMs = performance.now() - started;

  const cloud = await startCloud(databaseUrl);
  const admin = { authorization: `Bearer ${cloud.adminToken}`, 'content-type': 'application/json' };
  await fetch(`${cloud.url}/v1/admin/stores`, { method: 'POST', headers: admin, body: JSON.stringify({ code: 'S001', name: 'Bench', timezone: 'Asia/Shanghai' }) });
  const { code } = (await (await fetch(`${cloud.url}/v1/admin/stores/S001/enrolment-codes`, { method: 'POST', headers: { authorization: admin.authorization } })).json()) as { code: string };
  await core.sync.enrol(cloud.url, code);
  core.settings.set('sync.maxBatchOrders', batchSize, core.nowIso());

  const batchMs: number[] = [];
  let failures = 0;
  started = performance.now();
  for (;;) {
    const t = performance.now();
    const outcome = await core.sync.runOnce();
    if (outcome.kind === 'idle') break;
    if (outcome.kind === 'sent') batchMs.push(performance.now() - t);
    else if (outcome.kind === 'failed') failures += 1;
    else if (outcome.kind === 'waiting') await new Promise((resolve) => setTimeout(resolve, Math.max(0, outcome.untilMs - Date.now())));
    else throw new Error(`unexpected ${outcome.kind}`);
  }
  const drainMs = performance.now() - started;
  const status = core.sync.status();

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const [cloudRow] = (await client.query<{ n: string; total: string; lines: string }>('SELECT count(*) AS n, sum(total_fen) AS total, (SELECT count(*) FROM order_lines) AS lines FROM orders')).rows;
  await client.end();
  const tillTotal = (core.db.prepare('SELECT sum(total_fen) AS t FROM orders').get() as { t: number }).t;
  await core.close();
  cloud.child.kill('SIGTERM');

  const ok = Number(cloudRow!.n) === orders && Number(cloudRow!.total) === tillTotal && Number(cloudRow!.lines) === lines && status.pending === 0;
  console.log(
    [
      `batch size ${batchSize}: ${orders} orders (${lines} lines) drained in ${(drainMs / 1000).toFixed(2)} s = ${((orders * 1000) / drainMs).toFixed(0)} orders/s`,
      `  ${batchMs.length} batches, ${failures} failures; per batch p50 ${pct(batchMs, 0.5).toFixed(0)} ms, p95 ${pct(batchMs, 0.95).toFixed(0)} ms, max ${Math.max(...batchMs).toFixed(0)} ms`,
      `  till side alone: ${orders} snapshots built + validated in ${(snapshotMs / 1000).toFixed(2)} s (${((snapshotMs * 1000) / orders).toFixed(0)} µs/order)`,
      `  PostgreSQL: ${cloudRow!.n} orders, ${cloudRow!.lines} lines, total ${cloudRow!.total} fen (till ${tillTotal}) — ${ok ? 'every order once, totals match' : 'MISMATCH'}`,
    ].join('\n'),
  );
  if (!ok) process.exitCode = 1;
}

async function main(): Promise<void> {
  const postgres = await startPostgres();
  try {
    console.log(`sync drain bench: ${total} orders, batch sizes ${batchSizes.join(', ')}; PostgreSQL ${postgres.url.replace(/\/\/[^@]*@/, '//')}, cloud/main.ts as its own process, loopback HTTP`);
    let n = 0;
    for (const size of batchSizes) await run(size, await postgres.createDatabase(`bench_${++n}`));
  } finally {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
