import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/connection';
import { demoBarcode, demoCatalogProducts, seedDemoCatalog } from '../../../db/seed/demoCatalog';
import { ProductStore } from '../../../db/stores/products';
import { isValidGtin } from '../../../electron/checkout/barcode';
import { Catalog } from '../../../electron/checkout/catalog';
import { freshDb } from './freshDb';

function dump(db: Database) {
  return {
    products: db.prepare('SELECT id, sku, name, name_en, pinyin, pinyin_initials, category, unit, sold_by, price_fen, tax_rate_bp, plu, active FROM products ORDER BY id').all(),
    barcodes: db.prepare('SELECT barcode, product_id FROM product_barcodes ORDER BY barcode').all(),
  };
}

describe('demo catalog', () => {
  const opened: (() => void)[] = [];
  let db: Database;
  beforeEach(() => {
    const fresh = freshDb();
    opened.push(fresh.close);
    db = fresh.db;
  });
  afterEach(() => opened.splice(0).forEach((close) => close()));

  it('is the same on every run (timestamps aside)', () => {
    seedDemoCatalog(db, { now: '2025-01-01T00:00:00.000Z' });
    const other = freshDb();
    opened.push(other.close);
    seedDemoCatalog(other.db, { now: '2026-06-06T00:00:00.000Z' });
    expect(dump(other.db)).toEqual(dump(db));
    expect(demoCatalogProducts()).toEqual(demoCatalogProducts());
  });

  it('has a few hundred products whose barcodes are valid, unique, in China’s 690–699 range', () => {
    const written = seedDemoCatalog(db);
    const products = demoCatalogProducts();
    expect(written).toBe(products.length);
    expect(products.length).toBeGreaterThanOrEqual(250);
    const barcodes = products.flatMap((p) => p.barcodes);
    expect(new Set(barcodes).size).toBe(barcodes.length);
    for (const code of barcodes) {
      expect(code).toMatch(/^69[0-9]{11}$/);
      expect(isValidGtin(code)).toBe(true);
    }
    expect(ProductStore.for(db).count()).toBe(products.length);
    expect(db.prepare('SELECT count(*) FROM product_barcodes').pluck().get()).toBe(barcodes.length);
  });

  it('is plausible: unique SKUs, integer fen prices, Chinese VAT rates, weighed goods with PLUs', () => {
    const products = demoCatalogProducts();
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    for (const p of products) {
      expect(Number.isSafeInteger(p.priceFen) && p.priceFen > 0 && p.priceFen < 20_000_00).toBe(true);
      expect([0, 900, 1300]).toContain(p.taxRateBp);
      expect(p.nameEn).toBeTruthy();
      expect(p.name).not.toMatch(/烟/); // no tobacco
      if (p.soldBy === 'weight') {
        expect(p.plu).toMatch(/^[1-9][0-9]{4}$/);
        expect(p.unit).toBe('kg');
        expect(p.barcodes).toEqual([]);
      } else {
        expect(p.plu).toBeNull();
        expect(p.barcodes).toHaveLength(1);
      }
    }
    const plus = products.filter((p) => p.plu !== null).map((p) => p.plu);
    expect(new Set(plus).size).toBe(plus.length);
    expect(plus.length).toBeGreaterThanOrEqual(40);
    const byName = (name: string) => products.find((p) => p.name === name);
    expect(byName('可口可乐 330ml')).toMatchObject({ priceFen: 300, taxRateBp: 1300 });
    expect(byName('五花肉')).toMatchObject({ soldBy: 'weight', taxRateBp: 0 });
    expect(byName('香蕉')).toMatchObject({ soldBy: 'weight', taxRateBp: 900 });
    expect(byName('伊利纯牛奶 250ml')).toMatchObject({ taxRateBp: 900 });
    expect(products.some((p) => !p.active)).toBe(true);
  });

  it('is searchable and scannable through the catalog', () => {
    seedDemoCatalog(db);
    const catalog = new Catalog(db);
    expect(catalog.search('kkkl')[0]?.name).toMatch(/^可口可乐/);
    expect(catalog.search('ksfhsnrm')[0]?.name).toMatch(/^康师傅红烧牛肉面/);
    expect(catalog.search('青岛啤酒').length).toBeGreaterThanOrEqual(4);
    expect(catalog.lookupScan(demoBarcode(0, 0)).product.name).toBe('可口可乐 330ml');
  });

  it('seeding twice changes nothing', () => {
    seedDemoCatalog(db, { now: '2025-01-01T00:00:00.000Z' });
    const first = dump(db);
    seedDemoCatalog(db, { now: '2025-01-01T00:00:00.000Z' });
    expect(dump(db)).toEqual(first);
  });

  it('imports only from db/ and npm packages (db is the store, not the rules)', () => {
    for (const file of ['demoCatalog.ts', 'demo-catalog-data.ts', '../stores/products.ts']) {
      const source = readFileSync(new URL(`../../../db/seed/${file}`, import.meta.url), 'utf8');
      const imports = [...source.matchAll(/^import [^;]*? from '([^']+)';/gm)].map((m) => m[1]!);
      for (const spec of imports) expect(spec.startsWith('.') ? !spec.includes('electron') : true, `${file} imports ${spec}`).toBe(true);
      expect(source).not.toMatch(/from '(\.\.\/)+electron/);
    }
  });
});
