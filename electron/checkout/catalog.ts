import type { Database } from 'better-sqlite3';
import { ProductStore, MIN_SUBSTRING_CHARS, searchKeysFor, type Product, type SearchOptions } from '../../db/stores/products';
import { TillError } from '../api/errors';
import {
  DEFAULT_WEIGHED_BARCODE_RULES,
  isValidGtin,
  looksLikeGtin,
  normaliseScannerInput,
  parseWeighedBarcode,
  upcEanTwin,
  type WeighedBarcodeRule,
} from './barcode';

/**
 * The catalog as the counter uses it: what a scan rings up, and what a typed query finds. The
 * store underneath answers bounded index lookups; this class decides what a code means and in
 * which order results matter to a cashier.
 */

export interface ProductSummary {
  id: number;
  sku: string;
  name: string;
  nameEn: string | null;
  unit: string;
  soldBy: 'unit' | 'weight';
  /** Fen per unit, or per kilogram when sold by weight. */
  priceFen: number;
  taxRateBp: number;
  barcodes?: string[];
  active: boolean;
}

export interface ScanResult {
  product: ProductSummary;
  /** Pieces, or grams for a weight label. */
  quantity: number;
  /** A price label's total: the line costs this, whatever the catalog price. */
  labelPriceFen?: number;
  /** The code as cleaned from the scanner. */
  barcode: string;
}

export interface CatalogSearchOptions {
  /** Manager screens see products no longer sold; the till does not. */
  includeInactive?: boolean;
}

/** A fixed rule set, or a getter so a settings change applies to the next scan without a restart. */
export type WeighedRulesSource = readonly WeighedBarcodeRule[] | (() => readonly WeighedBarcodeRule[]);

export const MAX_SEARCH_LIMIT = 200;
const MAX_QUERY_CHARS = 64;
const MAX_CODE_CHARS = 64;
// Weighed labels cap the value at 5 digits; anything above 100 kg at a till is a misconfigured rule.
const MAX_LABEL_GRAMS = 100_000;

function toSummary(product: Product, barcodes?: string[]): ProductSummary {
  const summary: ProductSummary = {
    id: product.id,
    sku: product.sku,
    name: product.name,
    nameEn: product.nameEn,
    unit: product.unit,
    soldBy: product.soldBy,
    priceFen: product.priceFen,
    taxRateBp: product.taxRateBp,
    active: product.active,
  };
  if (barcodes) summary.barcodes = barcodes;
  return summary;
}

const HAN = /\p{Script=Han}/u;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Full-width letters folded (NFKC), control characters gone, spaces collapsed, length capped. */
export function normaliseQuery(query: string): string {
  const cleaned = query.normalize('NFKC').replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
  return Array.from(cleaned).slice(0, MAX_QUERY_CHARS).join('').trim();
}

export class Catalog {
  private readonly store: ProductStore;
  private readonly rules: () => readonly WeighedBarcodeRule[];

  constructor(db: Database, rules: WeighedRulesSource = DEFAULT_WEIGHED_BARCODE_RULES) {
    this.store = ProductStore.for(db);
    this.rules = typeof rules === 'function' ? rules : () => rules;
    // pinyin-pro builds its dictionary on first use (~40 ms); pay that at start-up, not on the
    // cashier's first two-character search.
    searchKeysFor('收银');
  }

  getProduct(id: number): ProductSummary | undefined {
    const product = this.store.getById(id);
    return product ? toSummary(product, this.store.barcodesOf(product.id)) : undefined;
  }

  /**
   * What a scan rings up. In order: a registered barcode (also its UPC-A/EAN-13 twin) is one piece;
   * a scale label is the PLU's product with the label's grams or price; a GTIN with a wrong check
   * digit is a misread (BARCODE_INVALID: rescan); an exact SKU, for a code typed at the scan field,
   * is one piece; anything else is PRODUCT_NOT_FOUND. Registered barcodes come before scale rules
   * because stores also use the 20–29 range for their own fixed-price items.
   */
  lookupScan(raw: string): ScanResult {
    const code = normaliseScannerInput(raw);
    if (code === '' || Array.from(code).length > MAX_CODE_CHARS) {
      throw new TillError('BARCODE_INVALID', { barcode: Array.from(code).slice(0, MAX_CODE_CHARS).join('') });
    }

    const registered = this.productByBarcode(code);
    if (registered) return this.pieceOf(registered, code);

    const label = parseWeighedBarcode(code, this.rules());
    if (label) {
      const product = this.store.getByPlu(label.plu);
      if (!product) throw new TillError('PRODUCT_NOT_FOUND', { query: code, plu: label.plu });
      this.assertActive(product);
      const summary = toSummary(product);
      if (label.kind === 'price') {
        if (label.priceFen <= 0) throw new TillError('BARCODE_INVALID', { barcode: code, reason: 'zero price on label' });
        return { product: summary, quantity: 1, labelPriceFen: label.priceFen, barcode: code };
      }
      if (product.soldBy !== 'weight') throw new TillError('BARCODE_INVALID', { barcode: code, reason: 'weight label for a product sold by unit' });
      if (label.grams <= 0 || label.grams > MAX_LABEL_GRAMS) throw new TillError('BARCODE_INVALID', { barcode: code, reason: 'weight out of range' });
      return { product: summary, quantity: label.grams, barcode: code };
    }

    if (looksLikeGtin(code) && !isValidGtin(code)) throw new TillError('BARCODE_INVALID', { barcode: code, reason: 'check digit' });

    const bySku = this.store.getBySku(code);
    if (bySku) return this.pieceOf(bySku, code);
    throw new TillError('PRODUCT_NOT_FOUND', { query: code });
  }

  /**
   * Finds products for a typed query, best first, at most `limit`:
   *   1. exact barcode or SKU (as typed)
   *   2. pinyin initials prefix (kkkl → 可口可乐)
   *   3. name prefix, then SKU prefix (as typed, then upper-cased)
   *   4. substring, through the trigram index: words of three characters or more anywhere in the
   *      name, full pinyin, initials or SKU (name matches listed first); one or two Chinese
   *      characters through their pinyin. Space-separated words must all match.
   * Each tier is an index range or FTS lookup stopped at `limit` (a filtered one reads at most a
   * few times that), so the cost does not grow with the catalog and nothing is ever full-scanned.
   */
  search(query: string, limit = 50, options: CatalogSearchOptions = {}): ProductSummary[] {
    const q = normaliseQuery(query);
    const max = Math.min(Math.max(Math.trunc(limit), 0), MAX_SEARCH_LIMIT);
    if (q === '' || max === 0) return [];
    const includeInactive = options.includeInactive ?? false;
    const found = new Map<number, Product>();
    const room = () => max - found.size;
    const add = (products: Iterable<Product | undefined>) => {
      for (const product of products) {
        if (room() > 0 && product && (includeInactive || product.active) && !found.has(product.id)) found.set(product.id, product);
      }
    };
    // Each tier asks only for what is still missing, skips what earlier tiers found, and reads at
    // most that many rows more than it returns: the work is bounded by the limit, not the catalog.
    const tier = (extra: (product: Product) => boolean = () => true, scanFactor = 1) => ({
      limit: room(),
      includeInactive,
      where: (product: Product) => !found.has(product.id) && extra(product),
      scanLimit: room() * scanFactor + found.size,
    });
    const upper = q.toUpperCase();

    // Exact SKU as typed only: 'kkkl' is someone's initials before it is SKU 'KKKL' (which the
    // upper-cased SKU prefix tier below still finds).
    add([this.productByBarcode(q), this.store.getBySku(q)]);

    // Initials hold only a–z and 0–9, so only a query of those can be a prefix of them.
    const asciiKey = q.toLowerCase().replace(/ /g, '');
    if (room() > 0 && /^[a-z0-9]+$/.test(asciiKey)) add(this.store.byInitialsPrefix(asciiKey, tier()));
    if (room() > 0) add(this.store.byNamePrefix(q, tier()));
    if (room() > 0) add(this.store.bySkuPrefix(q, tier()));
    if (room() > 0 && upper !== q) add(this.store.bySkuPrefix(upper, tier()));
    if (room() > 0) this.addSubstringMatches(q, tier, add);

    return [...found.values()].map((product) => toSummary(product, this.store.barcodesOf(product.id)));
  }

  /**
   * The substring tier. Words of three characters or more go through the trigram index (matches
   * in the name listed first); shorter words filter what it returns. A query of one or two Chinese
   * characters (可乐, 牛奶: what cashiers type most) is too short for trigrams, so it is looked up
   * by its pinyin ('kele') in the pinyin column and kept only where the name has the characters.
   */
  private addSubstringMatches(
    q: string,
    tier: (extra?: (product: Product) => boolean, scanFactor?: number) => SearchOptions,
    add: (products: Iterable<Product>) => void,
  ): void {
    // Filters reject some index matches, so they may read a few times more rows than they keep.
    const FILTER_SCAN_FACTOR = 4;
    if (Array.from(q).length < MIN_SUBSTRING_CHARS) {
      if (!HAN.test(q)) return;
      const spelled = searchKeysFor(q).pinyin;
      if (spelled.length < MIN_SUBSTRING_CHARS) return;
      add(this.store.bySubstrings([spelled], { ...tier((p) => p.name.includes(q), FILTER_SCAN_FACTOR), column: 'pinyin' }));
      return;
    }
    const terms = q.split(' ');
    const shortTerms = terms.filter((term) => Array.from(term).length < MIN_SUBSTRING_CHARS).map((term) => term.toLowerCase());
    if (shortTerms.length === terms.length) return;
    const keep = (product: Product) => shortTerms.every((term) => haystack(product).includes(term));
    const scanFactor = shortTerms.length === 0 ? 1 : FILTER_SCAN_FACTOR;
    // One pass over all columns, then name matches first. A separate name-only pass would be
    // redundant (letters and digits of a name are also in its pinyin) and slow: a column filter
    // does not shorten FTS5's posting lists, so '000' would walk every SKU's entry to find none.
    const matches = this.store.bySubstrings(terms, tier(keep, scanFactor));
    const lowered = terms.map((term) => term.toLowerCase());
    const inName = (product: Product) => lowered.every((term) => product.name.toLowerCase().includes(term));
    add([...matches.filter(inName), ...matches.filter((product) => !inName(product))]);
  }

  private productByBarcode(code: string): Product | undefined {
    const product = this.store.getByBarcode(code);
    if (product) return product;
    const twin = upcEanTwin(code);
    return twin === null ? undefined : this.store.getByBarcode(twin);
  }

  private pieceOf(product: Product, code: string): ScanResult {
    this.assertActive(product);
    if (product.soldBy === 'weight') throw new TillError('PRODUCT_NEEDS_WEIGHT', { name: product.name, sku: product.sku });
    return { product: toSummary(product), quantity: 1, barcode: code };
  }

  private assertActive(product: Product): void {
    if (!product.active) throw new TillError('PRODUCT_INACTIVE', { name: product.name, sku: product.sku });
  }
}

/** Where a short query word may appear, lower case: the name, its pinyin and initials, the SKU. */
function haystack(product: Product): string {
  return `${product.name.toLowerCase()}\u0000${product.pinyin}\u0000${product.pinyinInitials}\u0000${product.sku.toLowerCase()}`;
}

