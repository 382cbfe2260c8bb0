import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Statement } from 'better-sqlite3';
import type { Database } from '../../../db/connection';
import {
  BarcodeTakenError,
  ProductStore,
  canonicalPlu,
  countProducts,
  ftsPhrase,
  prefixUpperBound,
  searchKeysFor,
  type ProductFields,
} from '../../../db/stores/products';
import { freshDb } from './freshDb';

const NOW = '2025-01-02T03:04:05.000Z';

function fields(overrides: Partial<ProductFields> & Pick<ProductFields, 'sku' | 'name'>): ProductFields {
  return { nameEn: null, category: null, unit: '个', soldBy: 'unit', priceFen: 100, taxRateBp: 1300, plu: null, active: true, ...overrides };
}

describe('searchKeysFor (pinyin written with the product)', () => {
  it.each([
    ['可口可乐', 'kekoukele', 'kkkl'],
    ['可口可乐500ml', 'kekoukele500ml', 'kkkl500ml'],
    ['可口可乐 330ml', 'kekoukele330ml', 'kkkl330ml'],
    ['蒙牛纯牛奶 250ml×24', 'mengniuchunniunai250ml24', 'mncnn250ml24'],
    ['Oreo奥利奥', 'oreoaoliao', 'oreoala'],
    ['绿箭口香糖', 'lvjiankouxiangtang', 'ljkxt'],
    ['ＡＢ可乐', 'abkele', 'abkl'], // full-width letters fold
    ['音乐盒', 'yinyuehe', 'yyh'], // 乐 in context
    ['', '', ''],
  ])('%s → %s / %s', (name, pinyin, initials) => {
    expect(searchKeysFor(name)).toEqual({ pinyin, initials });
  });

  it('only ever produces lower-case letters and digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...Array.from('可口乐牛奶A b9×-,.（）Ü绿ǘ')) }), (name) => {
        const keys = searchKeysFor(name);
        expect(keys.pinyin).toMatch(/^[a-z0-9]*$/);
        expect(keys.initials).toMatch(/^[a-z0-9]*$/);
      }),
    );
  });
});

describe('small helpers', () => {
  it('canonicalPlu compares PLUs as numbers', () => {
    expect(canonicalPlu('00123')).toBe('123');
    expect(canonicalPlu('123')).toBe('123');
    expect(canonicalPlu('00000')).toBe('0');
    expect(canonicalPlu(' 042 ')).toBe('42');
  });

  it('prefixUpperBound is the least string above every extension of the prefix', () => {
    expect(prefixUpperBound('kk')).toBe('kl');
    expect(prefixUpperBound('可')).toBe('台');
    expect(prefixUpperBound('a\u{d7ff}')).toBe('a\u{e000}');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeNull();
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (prefix, rest) => {
        const bound = prefixUpperBound(prefix);
        if (bound === null) return;
        const utf8 = (s: string) => Buffer.from(s, 'utf8');
        // SQLite's BINARY collation compares UTF-8 bytes.
        expect(Buffer.compare(utf8(prefix + rest), utf8(bound))).toBe(-1);
        expect(Buffer.compare(utf8(bound), utf8(prefix))).toBe(1);
      }),
    );
  });

  it('ftsPhrase quotes and doubles inner quotes', () => {
    expect(ftsPhrase('可口')).toBe('"可口"');
    expect(ftsPhrase('a"b')).toBe('"a""b"');
  });
});

describe('ProductStore', () => {
  let db: Database;
  let close: () => void;
  let store: ProductStore;
  beforeEach(() => {
    ({ db, close } = freshDb());
    store = ProductStore.for(db);
  });
  afterEach(() => close());

  it('is one instance per database (statements prepared once)', () => {
    expect(ProductStore.for(db)).toBe(store);
  });

  it('saves a product with barcodes and finds it by id, SKU, barcode and PLU', () => {
    const { id, created } = store.save({ ...fields({ sku: 'A1', name: '可口可乐 330ml', plu: '00123', priceFen: 300 }), barcodes: ['6901234567892'] }, NOW);
    expect(created).toBe(true);
    const product = store.getById(id);
    expect(product).toMatchObject({ sku: 'A1', name: '可口可乐 330ml', pinyin: 'kekoukele330ml', pinyinInitials: 'kkkl330ml', plu: '123', priceFen: 300, active: true, updatedAt: NOW });
    expect(store.getBySku('A1')?.id).toBe(id);
    expect(store.getByBarcode('6901234567892')?.id).toBe(id);
    expect(store.getByPlu('123')?.id).toBe(id);
    expect(store.getByPlu('0000123')?.id).toBe(id);
    expect(store.barcodesOf(id)).toEqual(['6901234567892']);
    expect(countProducts(db)).toBe(1);
  });

  it('upserts by SKU and keeps the trigram index in step with the name', () => {
    const { id } = store.save(fields({ sku: 'A1', name: '百事可乐' }), NOW);
    expect(store.bySubstrings(['百事可'], { limit: 5 }).map((p) => p.id)).toEqual([id]);
    const again = store.save(fields({ sku: 'A1', name: '可口可乐', priceFen: 350 }), NOW);
    expect(again).toEqual({ id, created: false });
    expect(store.bySubstrings(['百事可'], { limit: 5 })).toEqual([]);
    expect(store.bySubstrings(['可口可'], { limit: 5 }).map((p) => p.id)).toEqual([id]);
    expect(store.bySubstrings(['kekou'], { limit: 5 }).map((p) => p.id)).toEqual([id]);
    // A price-only change leaves the index as it was (and correct).
    store.save(fields({ sku: 'A1', name: '可口可乐', priceFen: 400 }), NOW);
    expect(store.getById(id)?.priceFen).toBe(400);
    expect(store.bySubstrings(['可口可'], { limit: 5 }).map((p) => p.id)).toEqual([id]);
    db.prepare("INSERT INTO products_fts(products_fts) VALUES ('integrity-check')").run();
  });

  it('refuses a barcode that belongs to another product, changing nothing', () => {
    const a = store.save({ ...fields({ sku: 'A', name: '甲' }), barcodes: ['6901234567892'] }, NOW);
    const b = store.save({ ...fields({ sku: 'B', name: '乙' }), barcodes: ['96385074'] }, NOW);
    expect(() => store.save({ ...fields({ sku: 'B', name: '乙二' }), barcodes: ['6901234567892'] }, NOW)).toThrow(BarcodeTakenError);
    expect(store.getById(b.id)?.name).toBe('乙');
    expect(store.barcodesOf(b.id)).toEqual(['96385074']);
    expect(store.barcodesOf(a.id)).toEqual(['6901234567892']);
  });

  it('prefix searches use the range, the limit and the active flag', () => {
    const names = ['可口可乐', '可口可乐 2L', '可比克薯片', '康师傅红茶', '口香糖'];
    names.forEach((name, i) => store.save(fields({ sku: `S${i}`, name, active: i !== 1 }), NOW));
    expect(store.byInitialsPrefix('kk', { limit: 10 }).map((p) => p.name)).toEqual(['可口可乐']);
    expect(store.byInitialsPrefix('kk', { limit: 10, includeInactive: true }).map((p) => p.name)).toEqual(['可口可乐', '可口可乐 2L']);
    expect(store.byInitialsPrefix('k', { limit: 2 }).map((p) => p.name)).toEqual(['可比克薯片', '可口可乐']);
    expect(store.byNamePrefix('可', { limit: 10 }).map((p) => p.name)).toEqual(['可口可乐', '可比克薯片']);
    expect(store.bySkuPrefix('S', { limit: 10 }).map((p) => p.sku)).toEqual(['S0', 'S2', 'S3', 'S4']);
    expect(store.byNamePrefix('', { limit: 10 })).toEqual([]);
  });

  it('a filtered search reads at most scanLimit matches', () => {
    for (let i = 0; i < 30; i++) store.save(fields({ sku: `S${String(i).padStart(2, '0')}`, name: `矿泉水 ${i}` }), NOW);
    let read = 0;
    const kept = store.bySkuPrefix('S', { limit: 5, scanLimit: 12, where: (p) => (read++, p.sku.endsWith('7')) });
    expect(kept.map((p) => p.sku)).toEqual(['S07']);
    expect(read).toBe(12);
    read = 0;
    expect(store.bySubstrings(['矿泉水'], { limit: 2, scanLimit: 30, where: () => (read++, true) })).toHaveLength(2);
    expect(read).toBe(2); // stops as soon as it has enough
  });

  it('FTS syntax typed by a user is only text', () => {
    store.save(fields({ sku: 'Q1', name: '12" 披萨 OR (特价)' }), NOW);
    for (const term of ['"', '""', '*', 'OR', 'AND', 'NOT', '(', ')', 'NEAR(a b)', 'name:x', '^abc', '-abc', 'a" OR "b', '\\', '{name}: x', '12" 披萨']) {
      expect(() => store.bySubstrings([term], { limit: 5 })).not.toThrow();
    }
    expect(store.bySubstrings(['12" 披萨'], { limit: 5 }).map((p) => p.sku)).toEqual(['Q1']);
    expect(store.bySubstrings(['OR (特'], { limit: 5 }).map((p) => p.sku)).toEqual(['Q1']);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (term) => {
        store.bySubstrings([term], { limit: 5 });
        store.bySubstrings([term], { limit: 5, column: 'name' });
      }),
    );
  });

  it('search statements are index range scans or FTS lookups, never a table scan', () => {
    // Reaches into the prepared statements on purpose: the plan of the real SQL is the point.
    const statements = (store as unknown as { s: Record<string, Statement> }).s;
    const plan = (name: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${statements[name]!.source}`).all({ low: 'a', high: 'b', all: 0, limit: 5, match: '"abc"' }) as { detail: string }[])
        .map((row) => row.detail)
        .join(' | ');
    expect(plan('initialsRange')).toMatch(/SEARCH products USING INDEX products_initials \(pinyin_initials>\? AND pinyin_initials<\?\)/);
    expect(plan('nameRange')).toMatch(/SEARCH products USING INDEX products_name \(name>\? AND name<\?\)/);
    expect(plan('skuRange')).toMatch(/SEARCH products USING INDEX sqlite_autoindex_products_1 \(sku>\? AND sku<\?\)/);
    expect(plan('substring')).toMatch(/SCAN products_fts VIRTUAL TABLE INDEX/);
    expect(plan('substring')).toMatch(/SEARCH p USING INTEGER PRIMARY KEY/);
    for (const name of ['initialsRange', 'nameRange', 'skuRange', 'substring']) expect(plan(name)).not.toMatch(/SCAN products(?!_fts)|SCAN p\b/);
  });

  describe('withFtsRebuiltAfter', () => {
    const triggers = () => db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'products' ORDER BY name").all();

    it('puts back the same triggers and an index that matches the table', () => {
      const before = triggers();
      expect(before).toHaveLength(3);
      store.withFtsRebuiltAfter(() => {
        for (let i = 0; i < 50; i++) store.insert(fields({ sku: `B${i}`, name: `农夫山泉 ${i}` }), NOW);
      });
      expect(triggers()).toEqual(before);
      expect(store.bySubstrings(['农夫山'], { limit: 100 })).toHaveLength(50);
      db.prepare("INSERT INTO products_fts(products_fts) VALUES ('integrity-check')").run();
      // And the triggers work again for ordinary writes.
      store.save(fields({ sku: 'B0', name: '怡宝纯净水' }), NOW);
      expect(store.bySubstrings(['怡宝纯'], { limit: 5 }).map((p) => p.sku)).toEqual(['B0']);
    });

    it('a failure inside rolls everything back, triggers included', () => {
      store.save(fields({ sku: 'K', name: '保留商品' }), NOW);
      const before = triggers();
      expect(() =>
        store.withFtsRebuiltAfter(() => {
          store.insert(fields({ sku: 'X', name: '不该留下' }), NOW);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(triggers()).toEqual(before);
      expect(store.getBySku('X')).toBeUndefined();
      expect(store.count()).toBe(1);
      db.prepare("INSERT INTO products_fts(products_fts) VALUES ('integrity-check')").run();
    });
  });
});
