/**
 * Open-to-ready time of the store: from opening the SQLite file to the first cart view and a
 * catalog search answered, for an empty store, a 300k-product catalog, and 300k products plus a
 * year of orders. It must not grow with the catalog or the order history (nothing is loaded
 * eagerly). Builds its databases once in bench/data/ and reuses them.
 *
 *   npx tsx bench/open.bench.ts [products=300000] [days=365] [ordersPerDay=1500]
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../electron/core/createCore';
import { openDatabase } from '../db/connection';
import { seedDemoStore } from '../db/seed/demoStore';
import { generateCatalog } from './generateCatalog';
import { generateOrders } from './generateOrders';

const products = Number(process.argv[2] ?? 300_000);
const days = Number(process.argv[3] ?? 365);
const perDay = Number(process.argv[4] ?? 1500);
const dataDir = fileURLToPath(new URL('./data/', import.meta.url));
mkdirSync(dataDir, { recursive: true });

async function build(file: string, withProducts: number, withDays: number): Promise<void> {
  if (existsSync(file)) return;
  const started = performance.now();
  const { db } = openDatabase({ file });
  db.pragma('synchronous = OFF'); // building fixtures only
  await seedDemoStore(db, new Date().toISOString());
  if (withProducts > 0) await generateCatalog(db, withProducts, 1);
  if (withDays > 0) generateOrders(db, { days: withDays, ordersPerDay: perDay });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  console.log(`built ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function openToReady(source: string): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    // Open a fresh copy each time so no connection-level cache carries over between runs.
    const file = join(dataDir, 'open-copy.sqlite');
    rmSync(file, { force: true });
    copyFileSync(source, file);
    // Flush the copy first, so the first durable write of the run does not pay for a gigabyte of
    // dirty pages that belong to the benchmark's own setup.
    const fd = openSync(file, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    const started = performance.now();
    const core = await createCore({ dbFile: file });
    const session = await core.sessions.login({ username: 'cashier', pin: '1234' });
    core.carts.view(session.terminalId);
    core.catalog.search('kkkl', 20);
    const elapsed = performance.now() - started;
    await core.close();
    times.push(elapsed);
  }
  return times;
}

async function main(): Promise<void> {
  const empty = join(dataDir, 'open-empty.sqlite');
  const catalogOnly = join(dataDir, `open-catalog-${products}.sqlite`);
  const full = join(dataDir, `open-full-${products}-${days}x${perDay}.sqlite`);
  await build(empty, 0, 0);
  await build(catalogOnly, products, 0);
  await build(full, products, days);
  console.log('open-to-ready = open + migrate check + settings + PIN log-in (scrypt ~50 ms) + cart view + first search');
  for (const [label, file] of [
    ['empty store', empty],
    [`${products} products`, catalogOnly],
    [`${products} products + ${days} days × ${perDay} orders`, full],
  ] as const) {
    const times = await openToReady(file);
    const sorted = [...times].sort((a, b) => a - b);
    const size = (statSync(file).size / 1024 / 1024).toFixed(0);
    console.log(`${label.padEnd(48)} ${size.padStart(5)} MB  median ${sorted[2]!.toFixed(1)} ms  (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  }
  rmSync(join(dataDir, 'open-copy.sqlite'), { force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
