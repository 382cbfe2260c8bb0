import type { Database } from 'better-sqlite3';
import { ProductStore, type ProductFields } from '../stores/products';
import { DEMO_CATEGORIES, DEMO_MAKERS, DEMO_WEIGHED, type CategoryCode } from './demo-catalog-data';

/**
 * The demo catalog: a few hundred products of a Chinese convenience store, the same every run
 * (SKUs, barcodes, PLUs and prices are derived from the data's order, never from a clock or a
 * random source), so screenshots, tests and the README's examples stay valid.
 */

export interface DemoProduct extends ProductFields {
  barcodes: string[];
}

/**
 * GS1 mod-10 check digit. electron/checkout/barcode.ts has the till's copy; this one exists
 * because db/ may not import from electron/ (the layer rule), and the catalog tests check every
 * seeded code with the till's isValidGtin, so the two cannot drift apart unnoticed.
 */
function checkDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

/**
 * A synthetic EAN-13 in the China range: 69x + a 4-digit manufacturer code (one per maker) + a
 * 5-digit item code + check digit. The item code is spread with a multiplier coprime to 10^5, so
 * codes look like real ones rather than 00001, 00002 … and stay unique within a maker.
 */
export function demoBarcode(makerIndex: number, itemIndex: number): string {
  const country = 690 + (makerIndex % 10);
  const manufacturer = String(1001 + makerIndex).padStart(4, '0');
  const item = String((itemIndex * 7919 + makerIndex * 104_729 + 1) % 100_000).padStart(5, '0');
  const body = `${country}${manufacturer}${item}`;
  return `${body}${checkDigit(body)}`;
}

/** Every demo product, in a fixed order. */
export function demoCatalogProducts(): DemoProduct[] {
  const sequence = new Map<CategoryCode, number>();
  const nextSku = (category: CategoryCode) => {
    const n = (sequence.get(category) ?? 0) + 1;
    sequence.set(category, n);
    return { sku: `${category}${String(n).padStart(4, '0')}`, n };
  };
  const products: DemoProduct[] = [];

  DEMO_MAKERS.forEach(({ items }, makerIndex) => {
    items.forEach(([category, name, nameEn, priceFen, unit, taxRateBp, active], itemIndex) => {
      products.push({
        sku: nextSku(category).sku,
        name,
        nameEn,
        category: DEMO_CATEGORIES[category].name,
        unit,
        soldBy: 'unit',
        priceFen,
        taxRateBp: taxRateBp ?? DEMO_CATEGORIES[category].taxRateBp,
        plu: null,
        active: active ?? true,
        barcodes: [demoBarcode(makerIndex, itemIndex)],
      });
    });
  });

  for (const [category, name, nameEn, pricePerKgFen] of DEMO_WEIGHED) {
    const { weighed, name: categoryName, taxRateBp } = DEMO_CATEGORIES[category];
    if (!weighed) throw new Error(`demo data: ${name} is weighed but ${category} has no PLU range`);
    const { sku, n } = nextSku(category);
    products.push({
      sku,
      name,
      nameEn,
      category: categoryName,
      unit: 'kg',
      soldBy: 'weight',
      priceFen: pricePerKgFen,
      taxRateBp,
      plu: String(weighed.pluBase + n),
      active: true,
      // Weighed goods are scanned from the scale's label (by PLU), not from a product barcode.
      barcodes: [],
    });
  }
  return products;
}

/**
 * Writes the demo catalog in one transaction (upsert by SKU, so running it twice changes nothing
 * but updated_at). Returns how many products it wrote.
 */
export function seedDemoCatalog(db: Database, options: { now?: string } = {}): number {
  const now = options.now ?? new Date().toISOString();
  const store = ProductStore.for(db);
  const products = demoCatalogProducts();
  db.transaction(() => {
    for (const product of products) store.save(product, now);
  })();
  return products.length;
}
