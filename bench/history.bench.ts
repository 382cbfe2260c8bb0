/**
 * Order history search and the status bar's poll against a year of orders (300k products,
 * 365 × 1500 orders by default): order.listByDay with and without `q` (order number ending, full
 * order number of another day, amount in yuan, product name, pinyin initials) and status.get,
 * each through the real dispatcher. Prints medians; asserts nothing.
 *
 *   npx tsx bench/history.bench.ts [dbfile]
 *
 * Without a file it uses (a copy of) bench/data/open-full-300000-365x1500.sqlite, which
 * `npx tsx bench/open.bench.ts` builds.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../electron/core/createCore';

const source = process.argv[2] ?? fileURLToPath(new URL('./data/open-full-300000-365x1500.sqlite', import.meta.url));
if (!existsSync(source)) {
  console.error(`${source} does not exist; run npx tsx bench/open.bench.ts first (or pass a till database)`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'till-history-bench-'));
const file = join(dir, 'till.sqlite');
copyFileSync(source, file);

try {
  const core = await createCore({ dbFile: file, paymentsManual: true });
  const { token } = await core.sessions.login({ username: 'cashier', pin: '1234' });
  const call = async (method: string, input: unknown) => {
    const response = await core.dispatcher.dispatch({ method, input, token });
    if (!response.ok) throw new Error(`${method}: ${response.error.code} ${response.error.message.en}`);
    return response.result;
  };
  const days = core.db.prepare('SELECT business_date AS d, count(*) AS n FROM orders GROUP BY business_date ORDER BY business_date DESC LIMIT 2').all() as { d: string; n: number }[];
  const [latest, previous] = days;
  if (!latest || !previous) throw new Error('the database has fewer than two days of orders');
  const total = (core.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
  const sample = core.db.prepare('SELECT o.order_no, o.total_fen, l.name FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.business_date = ? LIMIT 1 OFFSET 700').get(latest.d) as {
    order_no: string;
    total_fen: number;
    name: string;
  };
  const otherDayNo = (core.db.prepare('SELECT order_no FROM orders WHERE business_date = ? LIMIT 1').get(previous.d) as { order_no: string }).order_no;
  const yuan = `${Math.floor(sample.total_fen / 100)}.${String(sample.total_fen % 100).padStart(2, '0')}`;
  console.log(`${total} orders; searching ${latest.d} (${latest.n} orders)`);

  const cases: [string, unknown][] = [
    ['list the day (first 50)', { date: latest.d, limit: 50 }],
    ['list the day (page 20)', { date: latest.d, limit: 50, offset: 950 }],
    ['order number ending "0700"', { date: latest.d, q: '0700', limit: 50 }],
    ['full order number of another day', { date: latest.d, q: otherDayNo, limit: 50 }],
    [`amount "${yuan}"`, { date: latest.d, q: yuan, limit: 50 }],
    [`amount prefix "${Math.floor(sample.total_fen / 100)}"`, { date: latest.d, q: String(Math.floor(sample.total_fen / 100)), limit: 50 }],
    [`product name "${sample.name.slice(0, 2)}"`, { date: latest.d, q: sample.name.slice(0, 2), limit: 50 }],
    ['pinyin initials "kk"', { date: latest.d, q: 'kk', limit: 50 }],
    ['no match "zzzzqx"', { date: latest.d, q: 'zzzzqx', limit: 50 }],
  ];
  const measure = async (label: string, run: () => Promise<unknown>) => {
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 21; i++) {
      const started = performance.now();
      const result = await run();
      times.push(performance.now() - started);
      size = Array.isArray(result) ? result.length : 1;
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(44)} median ${times[10]!.toFixed(2).padStart(7)} ms   max ${times[20]!.toFixed(2).padStart(7)} ms   rows ${size}`);
  };
  for (const [label, input] of cases) await measure(label, () => call('order.listByDay', input));
  await measure('status.get', () => call('status.get', {}));
  await core.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
