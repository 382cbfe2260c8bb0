import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Database } from '../../../db/connection';
import { ProductStore, type ProductFields } from '../../../db/stores/products';
import { TillError } from '../../../electron/api/errors';
import { DEFAULT_WEIGHED_BARCODE_RULES, makeWeighedBarcode, withCheckDigit, type WeighedBarcodeRule } from '../../../electron/checkout/barcode';
import { Catalog, normaliseQuery } from '../../../electron/checkout/catalog';
import { freshDb } from './freshDb';

const NOW = '2025-01-02T03:04:05.000Z';
const PRICE_RULE = DEFAULT_WEIGHED_BARCODE_RULES[0]!;
const WEIGHT_RULE = DEFAULT_WEIGHED_BARCODE_RULES[1]!;

function product(overrides: Partial<ProductFields> & Pick<ProductFields, 'sku' | 'name'>, barcodes: string[] = []) {
  return { nameEn: null, category: null, unit: '个', soldBy: 'unit' as const, priceFen: 100, taxRateBp: 1300, plu: null, active: true, ...overrides, barcodes };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TillError) return error.code;
    throw error;
  }
  return 'no error';
}

const COKE = withCheckDigit('690100100001');
const UPC = withCheckDigit('03600029145'); // 12-digit UPC-A
const RETIRED = withCheckDigit('690100100002');

describe('Catalog', () => {
  let db: Database;
  let close: () => void;
  let store: ProductStore;
  let catalog: Catalog;
  beforeEach(() => {
    ({ db, close } = freshDb());
    store = ProductStore.for(db);
    const items = [
      product({ sku: 'DRK0001', name: '可口可乐 330ml', nameEn: 'Coca-Cola 330ml', priceFen: 300, unit: '罐' }, [COKE]),
      product({ sku: 'DRK0002', name: '可口可乐 500ml', priceFen: 350 }),
      product({ sku: 'DRK0003', name: '零度可口可乐 330ml', priceFen: 300 }),
      product({ sku: 'DRK0004', name: '百事可乐 330ml', priceFen: 300 }),
      product({ sku: 'DRK0005', name: '康师傅冰红茶 500ml', priceFen: 300 }),
      product({ sku: 'DRK0006', name: '可口可乐香草味 330ml', active: false }, [RETIRED]),
      product({ sku: 'IMP0001', name: '好时巧克力', priceFen: 1200 }, [UPC]),
      product({ sku: 'KKKL', name: '口口快乐糖', priceFen: 100 }),
      product({ sku: 'FRU0001', name: '红富士苹果', soldBy: 'weight', unit: 'kg', priceFen: 1196, taxRateBp: 900, plu: '10001' }),
      product({ sku: 'DEL0001', name: '五香卤牛肉', soldBy: 'weight', unit: 'kg', priceFen: 11800, plu: '00042' }),
      product({ sku: 'BAK0001', name: '现烤面包', priceFen: 800, plu: '777' }),
      product({ sku: 'MEA0009', name: '停售牛腩', soldBy: 'weight', unit: 'kg', priceFen: 7998, plu: '30009', active: false }),
      product({ sku: 'DAI0001', name: '旺仔牛奶 245ml', priceFen: 550 }),
      product({ sku: 'DAI0002', name: '蒙牛纯牛奶 250ml', priceFen: 350, taxRateBp: 900 }),
    ];
    db.transaction(() => items.forEach((item) => store.save(item, NOW)))();
    catalog = new Catalog(db);
  });
  afterEach(() => close());

  describe('lookupScan', () => {
    it('a registered barcode is one piece, whatever the scanner wrapped around it', () => {
      const result = catalog.lookupScan(`${COKE}\r\n`);
      expect(result).toEqual({
        product: { id: 1, sku: 'DRK0001', name: '可口可乐 330ml', nameEn: 'Coca-Cola 330ml', unit: '罐', soldBy: 'unit', priceFen: 300, taxRateBp: 1300, active: true },
        quantity: 1,
        barcode: COKE,
      });
      expect(catalog.lookupScan(Array.from(COKE, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join('')).product.sku).toBe('DRK0001');
    });

    it('finds a UPC-A scanned as EAN-13 and the other way round', () => {
      expect(catalog.lookupScan(`0${UPC}`).product.sku).toBe('IMP0001');
      store.save(product({ sku: 'IMP0002', name: '进口饼干' }, [`0${withCheckDigit('04963406123')}`]), NOW);
      expect(catalog.lookupScan(withCheckDigit('04963406123')).product.sku).toBe('IMP0002');
    });

    it('an unknown valid code is PRODUCT_NOT_FOUND; a wrong check digit is BARCODE_INVALID', () => {
      expect(codeOf(() => catalog.lookupScan(withCheckDigit('690999999999')))).toBe('PRODUCT_NOT_FOUND');
      const misread = `${COKE.slice(0, 12)}${(Number(COKE[12]) + 1) % 10}`;
      expect(codeOf(() => catalog.lookupScan(misread))).toBe('BARCODE_INVALID');
      expect(codeOf(() => catalog.lookupScan('\r\n'))).toBe('BARCODE_INVALID');
      expect(codeOf(() => catalog.lookupScan('9'.repeat(65)))).toBe('BARCODE_INVALID');
      expect(codeOf(() => catalog.lookupScan('not-a-code'))).toBe('PRODUCT_NOT_FOUND');
    });

    it('a discontinued product is PRODUCT_INACTIVE, with its name for the message', () => {
      let error: unknown;
      try {
        catalog.lookupScan(RETIRED);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(TillError);
      expect((error as TillError).code).toBe('PRODUCT_INACTIVE');
      expect((error as TillError).messages.zh).toBe('商品已停售：可口可乐香草味 330ml');
    });

    it('a SKU typed at the scan field is one piece', () => {
      expect(catalog.lookupScan('DRK0004 ').product.name).toBe('百事可乐 330ml');
    });

    it('a weight label rings up the PLU product with the grams as the quantity', () => {
      const label = makeWeighedBarcode(WEIGHT_RULE, '28', 10001, 1234);
      const result = catalog.lookupScan(label);
      expect(result.product.sku).toBe('FRU0001');
      expect(result.quantity).toBe(1234);
      expect(result.labelPriceFen).toBeUndefined();
      expect(result.barcode).toBe(label);
      // PLUs compare as numbers: the catalog says '00042', the label 00042 → 42.
      expect(catalog.lookupScan(makeWeighedBarcode(WEIGHT_RULE, '29', 42, 350)).product.sku).toBe('DEL0001');
    });

    it('a price label is one piece at the label price', () => {
      const result = catalog.lookupScan(makeWeighedBarcode(PRICE_RULE, '22', 42, 2_655));
      expect(result).toMatchObject({ quantity: 1, labelPriceFen: 2_655 });
      expect(result.product.sku).toBe('DEL0001');
      expect(catalog.lookupScan(makeWeighedBarcode(PRICE_RULE, '20', 777, 800))).toMatchObject({ quantity: 1, labelPriceFen: 800 });
    });

    it('scale label failures are typed', () => {
      expect(codeOf(() => catalog.lookupScan(makeWeighedBarcode(WEIGHT_RULE, '28', 55555, 100)))).toBe('PRODUCT_NOT_FOUND');
      expect(codeOf(() => catalog.lookupScan(makeWeighedBarcode(WEIGHT_RULE, '28', 30009, 100)))).toBe('PRODUCT_INACTIVE');
      expect(codeOf(() => catalog.lookupScan(makeWeighedBarcode(WEIGHT_RULE, '28', 777, 100)))).toBe('BARCODE_INVALID'); // bread is sold by the piece
      expect(codeOf(() => catalog.lookupScan(makeWeighedBarcode(WEIGHT_RULE, '28', 10001, 0)))).toBe('BARCODE_INVALID');
      expect(codeOf(() => catalog.lookupScan(makeWeighedBarcode(PRICE_RULE, '21', 10001, 0)))).toBe('BARCODE_INVALID');
      const label = makeWeighedBarcode(WEIGHT_RULE, '28', 10001, 500);
      expect(codeOf(() => catalog.lookupScan(`${label.slice(0, 12)}${(Number(label[12]) + 5) % 10}`))).toBe('BARCODE_INVALID');
    });

    it('a weighed product scanned without a label must be weighed first', () => {
      store.save(product({ sku: 'FRU0001', name: '红富士苹果', soldBy: 'weight', unit: 'kg', priceFen: 1196, plu: '10001' }, [withCheckDigit('690100100003')]), NOW);
      expect(codeOf(() => catalog.lookupScan(withCheckDigit('690100100003')))).toBe('PRODUCT_NEEDS_WEIGHT');
    });

    it('a store barcode in the 20–29 range wins over the scale rules', () => {
      const inStore = makeWeighedBarcode(PRICE_RULE, '20', 12345, 99);
      store.save(product({ sku: 'OWN', name: '自制豆浆' }, [inStore]), NOW);
      expect(catalog.lookupScan(inStore)).toMatchObject({ quantity: 1, product: { sku: 'OWN' } });
    });

    it('reads the rules through a getter, so a settings change applies to the next scan', () => {
      let rules: readonly WeighedBarcodeRule[] = DEFAULT_WEIGHED_BARCODE_RULES;
      const live = new Catalog(db, () => rules);
      const label = makeWeighedBarcode(WEIGHT_RULE, '28', 10001, 250);
      expect(live.lookupScan(label).quantity).toBe(250);
      rules = [{ ...PRICE_RULE, prefixes: ['28'] }];
      expect(live.lookupScan(label)).toMatchObject({ quantity: 1, labelPriceFen: 250 });
      rules = [];
      expect(codeOf(() => live.lookupScan(label))).toBe('PRODUCT_NOT_FOUND');
    });
  });

  describe('search', () => {
    const names = (query: string, limit = 50) => catalog.search(query, limit).map((p) => p.name);

    it('kkkl finds 可口可乐 first', () => {
      const found = names('kkkl');
      expect(found.slice(0, 2)).toEqual(['可口可乐 330ml', '可口可乐 500ml']);
      expect(found).not.toContain('可口可乐香草味 330ml'); // inactive
    });

    it('ranks exact barcode, then exact SKU, then initials, name prefix and substring', () => {
      // 'KKKL' is an exact SKU (口口快乐糖), which beats the initials matches; 'kkkl' is not.
      expect(names('KKKL')[0]).toBe('口口快乐糖');
      // initials prefix (可口可乐 ×2, 口口快乐糖: kkklt), then initials substring (零度可口可乐: ldkkkl…)
      expect(names('kkkl')).toEqual(['可口可乐 330ml', '可口可乐 500ml', '口口快乐糖', '零度可口可乐 330ml']);
      expect(names(COKE)).toEqual(['可口可乐 330ml']);
      const cola = names('可口可乐');
      expect(cola.slice(0, 2)).toEqual(['可口可乐 330ml', '可口可乐 500ml']); // name prefix
      expect(cola).toContain('零度可口可乐 330ml'); // substring, after
      expect(cola.indexOf('零度可口可乐 330ml')).toBeGreaterThan(1);
      expect(names('drk0004')).toEqual(['百事可乐 330ml']); // SKU prefix, upper-cased
    });

    it('1- and 2-character queries use prefixes (and 2 Chinese characters their pinyin)', () => {
      expect(names('k')).toEqual(expect.arrayContaining(['可口可乐 330ml', '康师傅冰红茶 500ml', '口口快乐糖']));
      expect(names('kk')).toEqual(['可口可乐 330ml', '可口可乐 500ml', '口口快乐糖']);
      expect(names('可')).toEqual(['可口可乐 330ml', '可口可乐 500ml']);
      expect(names('可口')).toEqual(['可口可乐 330ml', '可口可乐 500ml', '零度可口可乐 330ml']);
      // 可乐 starts no name: found inside names through the pinyin 'kele', exact characters only.
      expect(names('可乐')).toEqual(['可口可乐 330ml', '可口可乐 500ml', '零度可口可乐 330ml', '百事可乐 330ml']);
      expect(names('牛奶')).toEqual(['旺仔牛奶 245ml', '蒙牛纯牛奶 250ml']);
    });

    it('substrings of three or more characters match name, pinyin and SKU', () => {
      expect(names('冰红茶')).toEqual(['康师傅冰红茶 500ml']);
      expect(names('hongcha')).toEqual(['康师傅冰红茶 500ml']);
      expect(names('RU000')).toEqual(['红富士苹果']);
      expect(names('纯牛奶 250')).toEqual(['蒙牛纯牛奶 250ml']);
      expect(names('牛奶 ml')).toEqual([]); // 'ml' filters but cannot start a search
      expect(names('330ml 百事')).toEqual(['百事可乐 330ml']);
    });

    it('respects the limit and includes discontinued products only when asked', () => {
      expect(names('kkkl', 1)).toEqual(['可口可乐 330ml']);
      expect(catalog.search('kkkl', 0)).toEqual([]);
      expect(catalog.search('可口可乐香草', 10, { includeInactive: true }).map((p) => p.active)).toEqual([false]);
      expect(names('可口可乐香草')).toEqual([]);
    });

    it('returns summaries with barcodes', () => {
      expect(catalog.search('DRK0001')[0]).toEqual({
        id: 1,
        sku: 'DRK0001',
        name: '可口可乐 330ml',
        nameEn: 'Coca-Cola 330ml',
        unit: '罐',
        soldBy: 'unit',
        priceFen: 300,
        taxRateBp: 1300,
        active: true,
        barcodes: [COKE],
      });
    });

    it('FTS syntax and odd input never throw', () => {
      for (const query of ['"', '*', 'OR', 'AND', 'NOT', '(', ')', 'a"b', '可口"可乐', 'kk*', 'NEAR(可口 可乐)', 'name:可口', '^可口', '  ', '\u0000\u0007', '\u{10ffff}']) {
        expect(() => catalog.search(query)).not.toThrow();
      }
      expect(names('"可口可乐"')).toEqual([]);
      fc.assert(
        fc.property(fc.string({ maxLength: 20 }), (query) => {
          expect(catalog.search(query).length).toBeLessThanOrEqual(50);
        }),
        { numRuns: 300 },
      );
    });

    it('normalises queries: full-width, control characters, runs of spaces', () => {
      expect(normaliseQuery('  ｋｋｋｌ\t\r\n ')).toBe('kkkl');
      expect(normaliseQuery('纯牛奶   250')).toBe('纯牛奶 250');
      expect(names('ＫＫＫＬ')[0]).toBe('口口快乐糖');
    });
  });
});
