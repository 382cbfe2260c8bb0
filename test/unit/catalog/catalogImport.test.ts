import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/connection';
import { ProductStore } from '../../../db/stores/products';
import { TillError } from '../../../electron/api/errors';
import { withCheckDigit } from '../../../electron/checkout/barcode';
import { Catalog } from '../../../electron/checkout/catalog';
import { importCatalogCsv } from '../../../electron/checkout/catalogImport';
import { freshDb } from './freshDb';

const NOW = '2025-01-02T03:04:05.000Z';
const HEADER = 'sku,name,name_en,barcodes,price,unit,sold_by,tax_rate,category,plu,active';
const B1 = withCheckDigit('690100100001');
const B2 = withCheckDigit('690100100002');
const B3 = withCheckDigit('690100100003');

/** Everything the import may touch, to prove a failed import touched nothing. */
function snapshot(db: Database) {
  return {
    products: db.prepare('SELECT * FROM products ORDER BY id').all(),
    barcodes: db.prepare('SELECT * FROM product_barcodes ORDER BY barcode').all(),
    triggers: db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all(),
    fts: db.prepare("SELECT rowid FROM products_fts WHERE products_fts MATCH '\"可口可\"' ORDER BY rowid").all(),
  };
}

function fatal(fn: () => unknown): TillError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TillError) return error;
    throw error;
  }
  throw new Error('expected the import to fail');
}

describe('importCatalogCsv', () => {
  let db: Database;
  let close: () => void;
  let store: ProductStore;
  const run = (csv: string | Uint8Array) => importCatalogCsv(db, csv, { now: NOW });
  beforeEach(() => {
    ({ db, close } = freshDb());
    store = ProductStore.for(db);
  });
  afterEach(() => close());

  it('imports good rows with exact fen prices and defaults', () => {
    const csv = [
      HEADER,
      `A1,可口可乐 330ml,Coca-Cola 330ml,${B1},3.00,罐,unit,13,饮料,,1`,
      `A2,伊利纯牛奶 250ml,,${B2}|${B3},19.99,盒,,9,乳品,,`,
      'A3,红富士苹果,Fuji apples,,11.96,,weight,9%,水果,010001,是',
      'A4,一角钱糖,,,0.1,,,,,,',
      'A5,进口红酒,,,¥1288,瓶,unit,13,,,0',
      'A6,便宜货,,,0,,,0,,,false',
      'A7,贵重物品,,,"1000000.00",件,,6.5,,,',
    ].join('\n');
    expect(run(csv)).toEqual({ inserted: 7, updated: 0, skipped: [] });
    expect(store.getBySku('A1')).toMatchObject({ name: '可口可乐 330ml', nameEn: 'Coca-Cola 330ml', priceFen: 300, unit: '罐', soldBy: 'unit', taxRateBp: 1300, category: '饮料', plu: null, active: true, pinyinInitials: 'kkkl330ml', updatedAt: NOW });
    // 19.99 × 100 is 1998.9999999999998 in floating point; the import must say 1999.
    expect(store.getBySku('A2')).toMatchObject({ priceFen: 1999, unit: '盒', taxRateBp: 900, nameEn: null, active: true });
    expect(store.barcodesOf(store.getBySku('A2')!.id)).toEqual([B2, B3].sort());
    expect(store.getBySku('A3')).toMatchObject({ priceFen: 1196, unit: 'kg', soldBy: 'weight', taxRateBp: 900, plu: '10001' });
    expect(store.getBySku('A4')).toMatchObject({ priceFen: 10, taxRateBp: 1300, unit: '个', soldBy: 'unit' });
    expect(store.getBySku('A5')).toMatchObject({ priceFen: 128_800, active: false });
    expect(store.getBySku('A6')).toMatchObject({ priceFen: 0, taxRateBp: 0, active: false });
    expect(store.getBySku('A7')).toMatchObject({ priceFen: 100_000_000, taxRateBp: 650 });
    expect(new Catalog(db).search('kkkl').map((p) => p.sku)).toEqual(['A1']);
  });

  it('skips bad rows, reporting the file line where each starts, in zh and en', () => {
    const csv = [
      HEADER, // 1
      `G1,好商品,,${B1},1.00,,,,,,`, // 2
      'X1,"多行', // 3
      '名称",,,1.00,,,,,,', // 4 (same record as line 3: a line break inside a name)
      '', // 5
      'X2,太贵,,,1000000.01,,,,,,', // 6
      'X3,价格,,,12.345,,,,,,', // 7
      `X4,坏条码,,${B1.slice(0, 12)}${(Number(B1[12]) + 1) % 10},1.00,,,,,,`, // 8
      'X5,科学计数,,6.90123E+12,1.00,,,,,,', // 9
      `X6,${'长'.repeat(101)},,,1.00,,,,,,`, // 10
      ',没有货号,,,1.00,,,,,,', // 11
      'X7,负数,,,-1.00,,,,,,', // 12
      'X8,计价,,,1.00,,box,,,,', // 13
      'X9,税率,,,1.00,,,130,,,', // 14
      'X10,状态,,,1.00,,,,,,maybe', // 15
      'X11,列数不对,,,1.00', // 16
      'G1,重复货号,,,2.00,,,,,,', // 17
      ',,,,,,,,,,', // 18 (ignored)
      '"G2","好商品 ""二""",,,2.50,,,,,,', // 19
      'X12,单位,,,1.00,这个单位名称实在是太长了超过十六个字符,,,,,', // 20
      'X13,E,,,1e3,,,,,,', // 21
      'X14,PLU,,,1.00,,,,,12a,', // 22
    ].join('\r\n');
    const result = run(csv);
    expect(result.inserted).toBe(2);
    expect(result.updated).toBe(0);
    expect(result.skipped.map((s) => s.line)).toEqual([3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22]);
    for (const { reason } of result.skipped) {
      expect(reason.zh).toMatch(/\p{Script=Han}/u);
      expect(reason.en).toMatch(/^[^\p{Script=Han}]*\b[a-z]+\b/u); // English words, whatever the cell echoed
    }
    const reasonAt = (line: number) => result.skipped.find((s) => s.line === line)?.reason;
    expect(reasonAt(3)?.en).toMatch(/control characters or line breaks/);
    expect(reasonAt(6)?.en).toMatch(/too high/);
    expect(reasonAt(8)?.zh).toMatch(/条码.*无效/);
    expect(reasonAt(9)?.en).toMatch(/scientific notation/);
    expect(reasonAt(10)?.en).toMatch(/too long/);
    expect(reasonAt(16)?.en).toBe('expected 11 columns, found 5');
    expect(reasonAt(17)?.en).toBe('sku G1 repeats line 2');
    expect(store.getBySku('G2')?.name).toBe('好商品 "二"');
    expect(store.getBySku('G1')?.name).toBe('好商品');
  });

  it('handles a BOM, in text and in bytes, and Chinese header names', () => {
    expect(run(`\uFEFF${HEADER}\nA1,可口可乐,,,3.00,,,,,,\n`)).toMatchObject({ inserted: 1, skipped: [] });
    const bytes = new TextEncoder().encode(`\uFEFF货号,品名,条码,售价,税率\nA2,雪碧 330ml,${B2},3.00,13\n`);
    expect(bytes.slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(run(bytes)).toMatchObject({ inserted: 1, skipped: [] });
    expect(store.getByBarcode(B2)?.sku).toBe('A2');
  });

  it('re-import updates by SKU; absent columns are left alone, empty cells take defaults', () => {
    run([HEADER, `A1,可口可乐,Coke,${B1},3.00,罐,unit,13,饮料,123,1`, `A2,雪碧,,${B2},3.00,罐,,,饮料,,1`].join('\n'));
    const id = store.getBySku('A1')!.id;
    const second = run(['sku,name,price,category', 'A1,可口可乐 新装,3.50,', 'A3,芬达,3.00,饮料'].join('\n'));
    expect(second).toEqual({ inserted: 1, updated: 1, skipped: [] });
    const a1 = store.getBySku('A1')!;
    expect(a1).toMatchObject({ id, name: '可口可乐 新装', priceFen: 350, category: null, nameEn: 'Coke', unit: '罐', plu: '123', taxRateBp: 1300 });
    expect(store.barcodesOf(id)).toEqual([B1]); // no barcodes column: untouched
    expect(new Catalog(db).search('新装').map((p) => p.sku)).toEqual(['A1']);
    // An empty barcodes cell removes them; a barcode may move between products in one file.
    expect(run(['sku,name,price,barcodes', `A2,雪碧,3.00,${B1}`, 'A1,可口可乐 新装,3.50,'].join('\n'))).toMatchObject({ updated: 2 });
    expect(store.barcodesOf(id)).toEqual([]);
    expect(store.getByBarcode(B1)?.sku).toBe('A2');
    expect(store.getByBarcode(B2)).toBeUndefined();
  });

  it('moves a PLU between products in one file, in either row order', () => {
    run([HEADER, 'P1,苹果,,,10.00,kg,weight,9,,100,1', 'P2,香蕉,,,8.00,kg,weight,9,,200,1'].join('\n'));
    expect(run(['sku,name,price,plu', 'P1,苹果,10.00,200', 'P2,香蕉,8.00,100'].join('\n'))).toMatchObject({ updated: 2, skipped: [] });
    expect(store.getByPlu('200')?.sku).toBe('P1');
    expect(store.getByPlu('00100')?.sku).toBe('P2');
  });

  describe('fatal errors import nothing', () => {
    let before: ReturnType<typeof snapshot>;
    beforeEach(() => {
      run([HEADER, `A1,可口可乐 330ml,,${B1},3.00,罐,,,,77,1`, `A2,百事可乐,,${B2},3.00,罐,,,,,1`].join('\n'));
      before = snapshot(db);
    });

    it.each([
      ['a missing required column', 'sku,name,barcodes\nA9,新品,\n', /missing required column\(s\): price/],
      ['an unknown column', 'sku,name,prcie\nA9,新品,1.00\n', /unknown column "prcie"/],
      ['a repeated column', 'sku,name,price,售价\nA9,新品,1.00,1.00\n', /appears twice/],
      ['an empty file', '', /empty/],
      ['only blank lines', '\n\n\r\n', /empty/],
      ['an unclosed quote', `${HEADER}\nA1,可口可乐 大瓶,,,3.50,,,,,,\nA9,"新品,,,1.00,,,,,,\n`, /not a valid CSV file \(near line \d+/],
      ['binary content', 'PK\u0003\u0004\u0000\u0000xl/workbook.xml', /not a text CSV/],
      ['mis-decoded text', 'sku,name,price\nA9,\ufffd\ufffd,1.00\n', /not UTF-8/],
      ['a barcode on two products in the file', `${HEADER}\nA1,可口可乐 大瓶,,,3.50,,,,,,\nA8,甲,,${B3},1.00,,,,,,\nA9,乙,,${B3},1.00,,,,,,\n`, /line 4: barcode \d+ already belongs to product A8/],
      ['a barcode that belongs to a product not in the file', `${HEADER}\nA9,丙,,${B1},1.00,,,,,,\n`, /barcode \d+ already belongs to product A1/],
      ['a PLU that belongs to another product', 'sku,name,price,plu\nA9,丁,1.00,00077\n', /PLU 00077 already belongs to product A1/],
    ])('%s', (_what, csv, message) => {
      const error = fatal(() => run(csv));
      expect(error.code).toBe('CATALOG_IMPORT_FAILED');
      expect(error.messages.en).toMatch(message);
      expect(error.messages.zh).toMatch(/^商品导入失败：\S/);
      expect(error.messages.zh).not.toMatch(/\{reasonZh\}/);
      expect(snapshot(db)).toEqual(before);
    });

    it('bytes that are not UTF-8 (a GBK export) are refused with a hint', () => {
      // '可乐' in GBK: BF C9 C0 D6.
      const gbk = new Uint8Array([...new TextEncoder().encode('sku,name,price\nA9,'), 0xbf, 0xc9, 0xc0, 0xd6, ...new TextEncoder().encode(',1.00\n')]);
      const error = fatal(() => run(gbk));
      expect(error.messages.en).toMatch(/not UTF-8.*CSV UTF-8/);
      expect(snapshot(db)).toEqual(before);
    });

    it('a failure late in a large import (the index-rebuild path) leaves everything as it was', () => {
      const rows = [HEADER];
      for (let i = 0; i < 3_000; i++) rows.push(`N${i},新品${i},,${withCheckDigit(`69020000${String(i).padStart(4, '0')}`)},1.00,,,,,,`);
      rows.push(`N9999,最后一个,,${B1},1.00,,,,,,`); // B1 belongs to A1: fatal in pass 2
      expect(fatal(() => run(rows.join('\n'))).messages.en).toMatch(/line 3002: barcode/);
      expect(snapshot(db)).toEqual(before);
    });
  });

  it('a large import into an empty catalog rebuilds the search index correctly', () => {
    const rows = [HEADER];
    for (let i = 0; i < 3_000; i++) rows.push(`N${i},康师傅红烧牛肉面 ${i},,${withCheckDigit(`69020000${String(i).padStart(4, '0')}`)},4.50,桶,,,,,`);
    expect(run(rows.join('\n'))).toMatchObject({ inserted: 3_000, skipped: [] });
    const triggers = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%products_fts%'").pluck().get();
    expect(triggers).toBe(3);
    db.prepare("INSERT INTO products_fts(products_fts) VALUES ('integrity-check')").run();
    expect(new Catalog(db).search('红烧牛肉面 2999').map((p) => p.sku)).toEqual(['N2999']);
    expect(new Catalog(db).search('ksfhsnrm', 200)).toHaveLength(200);
  });

  it('imports the example in docs/catalog-csv.md as documented', () => {
    const doc = readFileSync(new URL('../../../docs/catalog-csv.md', import.meta.url), 'utf8');
    const examples = [...doc.matchAll(/```csv\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples).toHaveLength(2);
    expect(run(examples[0]!)).toEqual({ inserted: 4, updated: 0, skipped: [] });
    expect(store.getBySku('SNK0100')).toMatchObject({ name: '乐事薯片 "黄瓜味" 70g', active: false, priceFen: 750 });
    expect(store.getBySku('FRU0001')).toMatchObject({ soldBy: 'weight', plu: '10001', taxRateBp: 900 });
    expect(run(examples[1]!)).toEqual({ inserted: 0, updated: 1, skipped: [] });
    expect(store.getBySku('DRK0001')).toMatchObject({ priceFen: 350, category: '饮料', nameEn: 'Coca-Cola 330ml can' });
  });
});
