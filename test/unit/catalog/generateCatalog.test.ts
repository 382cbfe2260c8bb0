import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/connection';
import { ProductStore, searchKeysFor } from '../../../db/stores/products';
import { isValidGtin } from '../../../electron/checkout/barcode';
import { Catalog } from '../../../electron/checkout/catalog';
import { generateCatalog, generatedBarcode } from '../../../bench/generateCatalog';
import { freshDb } from './freshDb';

describe('bench catalog generator', () => {
  const opened: (() => void)[] = [];
  let db: Database;
  beforeEach(() => {
    const fresh = freshDb();
    opened.push(fresh.close);
    db = fresh.db;
  });
  afterEach(() => opened.splice(0).forEach((close) => close()));

  it('writes n products with unique valid barcodes, some weighed, and a consistent search index', () => {
    const triggersBefore = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all();
    const result = generateCatalog(db, 3_000, 7);
    expect(result).toMatchObject({ products: 3_000, weighed: 60 });
    expect(ProductStore.for(db).count()).toBe(3_000);
    const codes = db.prepare('SELECT barcode FROM product_barcodes').pluck().all() as string[];
    expect(codes).toHaveLength(3_000 - 60);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every(isValidGtin)).toBe(true);
    expect(db.prepare("SELECT count(DISTINCT plu) FROM products WHERE sold_by = 'weight'").pluck().get()).toBe(60);
    expect(db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()).toEqual(triggersBefore);
    db.prepare("INSERT INTO products_fts(products_fts) VALUES ('integrity-check')").run();
    // Names vary: many distinct names and initials, not one template.
    expect(db.prepare('SELECT count(DISTINCT name) FROM products').pluck().get()).toBeGreaterThan(2_500);
    expect(db.prepare('SELECT count(DISTINCT substr(pinyin_initials, 1, 2)) FROM products').pluck().get()).toBeGreaterThan(150);
  });

  it('derives search keys per word that match the whole-name helper', () => {
    generateCatalog(db, 500, 3);
    const rows = db.prepare('SELECT name, pinyin, pinyin_initials FROM products').all() as { name: string; pinyin: string; pinyin_initials: string }[];
    const differing = rows.filter((row) => {
      const keys = searchKeysFor(row.name);
      return keys.pinyin !== row.pinyin || keys.initials !== row.pinyin_initials;
    });
    // Word-by-word pinyin may read a polyphone differently from a whole-name reading; rarely.
    expect(differing.length).toBeLessThan(rows.length * 0.05);
  });

  it('is deterministic for a seed, and its misses are really misses', () => {
    generateCatalog(db, 800, 11);
    const other = freshDb();
    opened.push(other.close);
    generateCatalog(other.db, 800, 11);
    const names = (d: Database) => d.prepare('SELECT sku, name, price_fen FROM products ORDER BY id').all();
    expect(names(other.db)).toEqual(names(db));
    const catalog = new Catalog(db);
    expect(catalog.lookupScan(generatedBarcode(0)).product.sku).toBe('SP00000001');
    expect(() => catalog.lookupScan(generatedBarcode(800))).toThrow(/not found/);
  });
});
