/**
 * Catalog latency at supermarket scale: scan lookups and typed searches through the real Catalog
 * on a 300k-product SQLite file (built once into bench/data/ and reused), then a full CSV import
 * and re-import of the same size into a fresh database. Prints figures; asserts nothing.
 *
 *   npx tsx bench/catalog.bench.ts [products=300000]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../db/connection';
import { ProductStore, type Product } from '../db/stores/products';
import { isTillError } from '../electron/api/errors';
import { DEFAULT_WEIGHED_BARCODE_RULES, makeWeighedBarcode } from '../electron/checkout/barcode';
import { Catalog } from '../electron/checkout/catalog';
import { importCatalogCsv } from '../electron/checkout/catalogImport';
import { fenToYuanString } from '../electron/checkout/money';
import { generateCatalog, generatedBarcode } from './generateCatalog';
import { mulberry32 } from './prng';

const n = Number(process.argv[2] ?? 300_000);
const LOOKUPS = 20_000;
const SEARCHES = 2_000;

const next = mulberry32(42);
const int = (below: number) => Math.floor(next() * below);

function openBenchCatalog(): { db: Database; file: string } {
  const file = join('bench', 'data', `catalog-${n}.sqlite`);
  if (existsSync(file)) {
    const { db } = openDatabase({ file });
    if (ProductStore.for(db).count() === n) return { db, file };
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
  const { db } = openDatabase({ file });
  const built = generateCatalog(db, n, 1);
  console.log(`built ${file}: ${built.products} products (${built.weighed} weighed) in ${(built.ms / 1000).toFixed(1)} s`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { db, file };
}

interface Timed {
  label: string;
  ms: number[];
  results: number;
  slowest?: { input: string; ms: number };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

function report({ label, ms, results, slowest }: Timed): void {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = ms.reduce((sum, x) => sum + x, 0) / ms.length;
  const fmt = (x: number) => x.toFixed(3).padStart(7);
  console.log(
    `  ${label.padEnd(34)} n=${String(ms.length).padStart(5)}  p50 ${fmt(percentile(sorted, 0.5))} ms  p99 ${fmt(percentile(sorted, 0.99))} ms  max ${fmt(sorted.at(-1) ?? NaN)} ms  mean ${fmt(mean)} ms  avg results ${(results / ms.length).toFixed(1)}${slowest ? `  slowest ${JSON.stringify(slowest.input)}` : ''}`,
  );
}

function time(label: string, inputs: readonly string[], run: (input: string) => number): Timed {
  const timed: Timed = { label, ms: [], results: 0 };
  for (const input of inputs) {
    const started = performance.now();
    timed.results += run(input);
    const ms = performance.now() - started;
    timed.ms.push(ms);
    if (!timed.slowest || ms > timed.slowest.ms) timed.slowest = { input, ms };
  }
  return timed;
}

function randomProduct(store: ProductStore, where: (p: Product) => boolean): Product {
  for (;;) {
    const product = store.getById(1 + int(n));
    if (product && where(product)) return product;
  }
}

function scanOutcome(catalog: Catalog, code: string): number {
  try {
    catalog.lookupScan(code);
    return 1;
  } catch (error) {
    if (isTillError(error)) return 0; // a miss or a misread is an answer too
    throw error;
  }
}

function benchLookups(db: Database, catalog: Catalog): void {
  const store = ProductStore.for(db);
  const weighed = db.prepare("SELECT max(CAST(plu AS INTEGER)) FROM products WHERE plu IS NOT NULL").pluck().get() as number;
  const weightRule = DEFAULT_WEIGHED_BARCODE_RULES.find((rule) => rule.valueKind === 'weight');
  if (!weightRule) throw new Error('no weight rule');
  const hits: string[] = [];
  const misses: string[] = [];
  const labels: string[] = [];
  const misreads: string[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const kind = i % 10;
    if (kind < 6) hits.push(store.barcodesOf(randomProduct(store, (p) => p.soldBy === 'unit').id)[0] ?? '');
    else if (kind < 8) misses.push(generatedBarcode(n + int(n)));
    else if (kind < 9) labels.push(makeWeighedBarcode(weightRule, '28', 1 + int(weighed), 100 + int(3000)));
    else {
      const good = generatedBarcode(int(n));
      misreads.push(`${good.slice(0, 12)}${(Number(good[12]) + 1) % 10}`);
    }
  }
  console.log(`\nlookupScan (${LOOKUPS} codes)`);
  const all: Timed = { label: 'all', ms: [], results: 0 };
  for (const timed of [
    time('registered barcode (hit)', hits, (code) => scanOutcome(catalog, code)),
    time('valid EAN-13 not in catalog (miss)', misses, (code) => scanOutcome(catalog, code)),
    time('scale weight label (PLU)', labels, (code) => scanOutcome(catalog, code)),
    time('wrong check digit (misread)', misreads, (code) => scanOutcome(catalog, code)),
  ]) {
    report(timed);
    all.ms.push(...timed.ms);
    all.results += timed.results;
  }
  report(all);
}

function hanFragment(name: string, length: number): string {
  const han = Array.from(name).filter((ch) => /\p{Script=Han}/u.test(ch));
  const start = int(Math.max(1, han.length - length + 1));
  return han.slice(start, start + length).join('');
}

function benchSearch(db: Database, catalog: Catalog): void {
  const store = ProductStore.for(db);
  const initials: string[] = [];
  const fragments = new Map<number, string[]>([[1, []], [2, []], [3, []], [4, []]]);
  const skus: string[] = [];
  for (let i = 0; i < SEARCHES; i++) {
    const product = randomProduct(store, () => true);
    const kind = i % 3;
    if (kind === 0) initials.push(product.pinyinInitials.slice(0, 2 + int(4)));
    else if (kind === 1) {
      const length = 1 + int(4);
      fragments.get(length)?.push(hanFragment(product.name, length));
    } else {
      const length = 3 + int(4);
      const start = 2 + int(product.sku.length - 2 - length + 1);
      skus.push(product.sku.slice(start, start + length));
    }
  }
  console.log(`\nsearch, limit 50 (${SEARCHES} queries)`);
  const all: Timed = { label: 'all', ms: [], results: 0 };
  const runs = [
    time('pinyin initials, 2–5 letters', initials, (q) => catalog.search(q, 50).length),
    ...[...fragments].map(([length, queries]) => time(`Chinese fragment, ${length} char${length > 1 ? 's' : ''}`, queries, (q) => catalog.search(q, 50).length)),
    time('SKU fragment, 3–6 chars', skus, (q) => catalog.search(q, 50).length),
  ];
  for (const timed of runs) {
    report(timed);
    all.ms.push(...timed.ms);
    all.results += timed.results;
  }
  report(all);
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function benchImport(db: Database): void {
  const rows = db
    .prepare(
      `SELECT p.sku, p.name, p.price_fen, p.unit, p.sold_by, p.tax_rate_bp, p.category, p.plu, p.active,
              (SELECT group_concat(barcode, '|') FROM product_barcodes b WHERE b.product_id = p.id) AS barcodes
       FROM products p ORDER BY p.id`,
    )
    .all() as { sku: string; name: string; price_fen: number; unit: string; sold_by: string; tax_rate_bp: number; category: string | null; plu: string | null; active: number; barcodes: string | null }[];
  const lines = ['sku,name,barcodes,price,unit,sold_by,tax_rate,category,plu,active'];
  for (const r of rows) {
    lines.push(
      [r.sku, r.name, r.barcodes ?? '', fenToYuanString(r.price_fen), r.unit, r.sold_by, String(r.tax_rate_bp / 100), r.category ?? '', r.plu ?? '', String(r.active)]
        .map(csvCell)
        .join(','),
    );
  }
  const csv = `${lines.join('\n')}\n`;
  const dir = mkdtempSync(join(tmpdir(), 'till-bench-import-'));
  try {
    const { db: target } = openDatabase({ file: join(dir, 'import.sqlite') });
    console.log(`\nCSV import (${rows.length} rows, ${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB) into an empty catalog, then again (all updates)`);
    let started = performance.now();
    const first = importCatalogCsv(target, csv);
    console.log(`  first import   ${((performance.now() - started) / 1000).toFixed(2)} s  inserted ${first.inserted}, updated ${first.updated}, skipped ${first.skipped.length}`);
    started = performance.now();
    const second = importCatalogCsv(target, csv);
    console.log(`  re-import      ${((performance.now() - started) / 1000).toFixed(2)} s  inserted ${second.inserted}, updated ${second.updated}, skipped ${second.skipped.length}`);
    target.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const { db, file } = openBenchCatalog();
  const catalog = new Catalog(db);
  console.log(`catalog ${file}: ${ProductStore.for(db).count()} products; node ${process.version}, SQLite ${db.prepare('SELECT sqlite_version()').pluck().get() as string}`);
  // Warm the page cache and the JIT the way a till is warm after its first few scans.
  const warmQueries = ['a', 'kkl', '牛', '牛奶', '矿泉水', '000'];
  for (let i = 0; i < 500; i++) {
    scanOutcome(catalog, generatedBarcode(int(n)));
    catalog.search(warmQueries[i % warmQueries.length] ?? 'a', 50);
  }
  benchLookups(db, catalog);
  benchSearch(db, catalog);
  if (!process.argv.includes('--no-import')) benchImport(db);
  db.close();
}

main();
