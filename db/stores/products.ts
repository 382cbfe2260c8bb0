import type { Database, Statement } from 'better-sqlite3';
import { pinyin } from 'pinyin-pro';

/**
 * The product catalog store: products, their barcodes and the search indexes over them. It holds no
 * business rules (what a valid barcode or price is, how results rank); electron/checkout/ decides
 * those and calls the bounded, index-backed primitives here. Every query is prepared once per
 * database and every search reads at most `limit` rows, so a 300k-product catalog is never loaded.
 */

export type SoldBy = 'unit' | 'weight';

/** The most a product may cost (fen per unit or per kg): the CHECK on products.price_fen, ¥1,000,000. */
export const MAX_PRODUCT_PRICE_FEN = 100_000_000;

/** What a writer supplies; search keys are derived from the name, never typed in. */
export interface ProductFields {
  sku: string;
  name: string;
  nameEn: string | null;
  category: string | null;
  unit: string;
  soldBy: SoldBy;
  /** Fen per unit, or fen per kilogram when sold by weight. */
  priceFen: number;
  /** VAT included in the price, in basis points (1300 = 13 %). */
  taxRateBp: number;
  plu: string | null;
  active: boolean;
}

export interface Product extends ProductFields {
  id: number;
  pinyin: string;
  pinyinInitials: string;
  updatedAt: string;
}

export interface SearchKeys {
  /** Full pinyin, lower case, no tones, no spaces: 可口可乐 → 'kekoukele'. */
  pinyin: string;
  /** First letters: 可口可乐500ml → 'kkkl500ml'. */
  initials: string;
}

/* ------------------------------------------------------------------------------------------------
 * Derived values
 * ----------------------------------------------------------------------------------------------*/

const HAN_RUN = /\p{Script=Han}+/gu;
const NOT_ALNUM = /[^a-z0-9]/g;

// pinyin-pro costs ~10 µs per name. Catalogs repeat the Chinese part of a name across sizes and
// flavours (可口可乐 330ml / 500ml / 2L), so a bounded memo of runs saves most of it on imports.
const syllablesOfRun = new Map<string, readonly string[]>();
const MAX_MEMO_RUNS = 50_000;

function syllables(run: string): readonly string[] {
  let known = syllablesOfRun.get(run);
  if (!known) {
    if (syllablesOfRun.size >= MAX_MEMO_RUNS) syllablesOfRun.clear();
    known = pinyin(run, { toneType: 'none', type: 'array', v: true });
    syllablesOfRun.set(run, known);
  }
  return known;
}

function asciiKey(text: string): string {
  return text.replace(NOT_ALNUM, '');
}

/**
 * Pinyin and initials of a product name, computed when the product is written so that a search is
 * an index lookup. Runs of Chinese characters go through pinyin-pro as a whole (so 可口可乐 reads
 * 乐 as 'le' and 音乐 as 'yue'); letters and digits elsewhere are kept (可口可乐500ml → kkkl500ml)
 * and everything else (spaces, ×, punctuation) is dropped. 'ü' is written 'v', as pinyin keyboards type it.
 */
export function searchKeysFor(name: string): SearchKeys {
  const text = name.normalize('NFKC').toLowerCase();
  let full = '';
  let initials = '';
  let last = 0;
  for (const match of text.matchAll(HAN_RUN)) {
    const between = asciiKey(text.slice(last, match.index));
    full += between;
    initials += between;
    for (const syllable of syllables(match[0])) {
      // A character pinyin-pro does not know comes back as itself; it has no key.
      const key = asciiKey(syllable.toLowerCase());
      full += key;
      initials += key.slice(0, 1);
    }
    last = match.index + match[0].length;
  }
  const tail = asciiKey(text.slice(last));
  return { pinyin: full + tail, initials: initials + tail };
}

/** PLUs compare as numbers: a scale prints '00123' for the item the catalog lists as '123'. */
export function canonicalPlu(plu: string): string {
  const stripped = plu.trim().replace(/^0+/, '');
  return stripped === '' && plu.trim() !== '' ? '0' : stripped;
}

/**
 * The smallest string greater than every string that starts with `prefix`, so that
 * `col >= prefix AND col < bound` is an index range scan (LIKE 'x%' is not, with BINARY collation).
 * SQLite compares UTF-8 bytes, which order like code points, so bumping the last code point works.
 */
export function prefixUpperBound(prefix: string): string | null {
  const codePoints = Array.from(prefix, (ch) => ch.codePointAt(0) ?? 0);
  while (codePoints.length > 0) {
    const last = codePoints.pop() ?? 0;
    if (last < 0x10ffff) {
      // Skip the surrogate block: those are not characters and cannot be stored as UTF-8.
      codePoints.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...codePoints);
    }
  }
  return null;
}

/**
 * One FTS5 phrase that matches `term` literally: wrapped in double quotes with inner quotes doubled,
 * so AND, OR, NOT, NEAR, *, ^, :, ( and " typed by a user are text, never query syntax.
 */
export function ftsPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** The trigram tokenizer cannot match fewer than three characters. */
export const MIN_SUBSTRING_CHARS = 3;

/* ------------------------------------------------------------------------------------------------
 * Row ↔ object mapping (the only place that knows the column names)
 * ----------------------------------------------------------------------------------------------*/

interface ProductRow {
  id: number;
  sku: string;
  name: string;
  name_en: string | null;
  pinyin: string;
  pinyin_initials: string;
  category: string | null;
  unit: string;
  sold_by: SoldBy;
  price_fen: number;
  tax_rate_bp: number;
  plu: string | null;
  active: 0 | 1;
  updated_at: string;
}

type WriteParams = Omit<ProductRow, 'id'>;

function rowToProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    nameEn: row.name_en,
    pinyin: row.pinyin,
    pinyinInitials: row.pinyin_initials,
    category: row.category,
    unit: row.unit,
    soldBy: row.sold_by,
    priceFen: row.price_fen,
    taxRateBp: row.tax_rate_bp,
    plu: row.plu,
    active: row.active === 1,
    updatedAt: row.updated_at,
  };
}

function toWriteParams(fields: ProductFields, keys: SearchKeys, now: string): WriteParams {
  return {
    sku: fields.sku,
    name: fields.name,
    name_en: fields.nameEn,
    pinyin: keys.pinyin,
    pinyin_initials: keys.initials,
    category: fields.category,
    unit: fields.unit,
    sold_by: fields.soldBy,
    price_fen: fields.priceFen,
    tax_rate_bp: fields.taxRateBp,
    plu: fields.plu === null ? null : canonicalPlu(fields.plu),
    active: fields.active ? 1 : 0,
    updated_at: now,
  };
}

/* ------------------------------------------------------------------------------------------------
 * Statements
 * ----------------------------------------------------------------------------------------------*/

const COLUMNS = 'id, sku, name, name_en, pinyin, pinyin_initials, category, unit, sold_by, price_fen, tax_rate_bp, plu, active, updated_at';
const P_COLUMNS = COLUMNS.split(', ')
  .map((column) => `p.${column}`)
  .join(', ');
// `@all = 1` lets one statement serve both the till (active only) and manager screens (everything).
const ACTIVE_FILTER = '(active = 1 OR @all = 1)';

function prepareStatements(db: Database) {
  const rangeSearch = (column: string) =>
    db.prepare(`SELECT ${COLUMNS} FROM products WHERE ${column} >= @low AND ${column} < @high AND ${ACTIVE_FILTER} ORDER BY ${column} LIMIT @limit`);
  const openRangeSearch = (column: string) =>
    db.prepare(`SELECT ${COLUMNS} FROM products WHERE ${column} >= @low AND ${ACTIVE_FILTER} ORDER BY ${column} LIMIT @limit`);
  return {
    insert: db.prepare(
      `INSERT INTO products (sku, name, name_en, pinyin, pinyin_initials, category, unit, sold_by, price_fen, tax_rate_bp, plu, active, updated_at)
       VALUES (@sku, @name, @name_en, @pinyin, @pinyin_initials, @category, @unit, @sold_by, @price_fen, @tax_rate_bp, @plu, @active, @updated_at)`,
    ),
    // Two updates: touching name/pinyin/sku fires the FTS trigger (delete + re-insert of the row's
    // trigrams) even when the values are unchanged, so a price-only change must not name them.
    updateAll: db.prepare(
      `UPDATE products SET sku = @sku, name = @name, name_en = @name_en, pinyin = @pinyin, pinyin_initials = @pinyin_initials,
         category = @category, unit = @unit, sold_by = @sold_by, price_fen = @price_fen, tax_rate_bp = @tax_rate_bp, plu = @plu,
         active = @active, updated_at = @updated_at
       WHERE id = @id`,
    ),
    updateNonSearch: db.prepare(
      `UPDATE products SET name_en = @name_en, category = @category, unit = @unit, sold_by = @sold_by, price_fen = @price_fen,
         tax_rate_bp = @tax_rate_bp, plu = @plu, active = @active, updated_at = @updated_at
       WHERE id = @id`,
    ),
    setPlu: db.prepare('UPDATE products SET plu = @plu, updated_at = @updated_at WHERE id = @id'),
    setActive: db.prepare('UPDATE products SET active = @active, updated_at = @updated_at WHERE id = @id'),
    byId: db.prepare(`SELECT ${COLUMNS} FROM products WHERE id = ?`),
    bySku: db.prepare(`SELECT ${COLUMNS} FROM products WHERE sku = ?`),
    nameBySku: db.prepare('SELECT name FROM products WHERE sku = ?').pluck(),
    byPlu: db.prepare(`SELECT ${COLUMNS} FROM products WHERE plu = ?`),
    byBarcode: db.prepare(`SELECT ${P_COLUMNS} FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.barcode = ?`),
    barcodeOwner: db.prepare('SELECT product_id FROM product_barcodes WHERE barcode = ?').pluck(),
    barcodesOf: db.prepare('SELECT barcode FROM product_barcodes WHERE product_id = ? ORDER BY barcode').pluck(),
    addBarcode: db.prepare('INSERT INTO product_barcodes (barcode, product_id) VALUES (?, ?) ON CONFLICT (barcode) DO NOTHING'),
    removeBarcodes: db.prepare('DELETE FROM product_barcodes WHERE product_id = ?'),
    countAll: db.prepare('SELECT count(*) FROM products').pluck(),
    countActive: db.prepare('SELECT count(*) FROM products WHERE active = 1').pluck(),
    initialsRange: rangeSearch('pinyin_initials'),
    initialsOpen: openRangeSearch('pinyin_initials'),
    nameRange: rangeSearch('name'),
    nameOpen: openRangeSearch('name'),
    skuRange: rangeSearch('sku'),
    skuOpen: openRangeSearch('sku'),
    // FTS5 yields matches in rowid order and stops at LIMIT; ORDER BY rank would score every match.
    substring: db.prepare(
      `SELECT ${P_COLUMNS} FROM products_fts JOIN products p ON p.id = products_fts.rowid
       WHERE products_fts MATCH @match AND (p.active = 1 OR @all = 1) LIMIT @limit`,
    ),
    ftsTriggers: db.prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'products' AND sql LIKE '%products_fts%' ORDER BY name",
    ),
    ftsRebuild: db.prepare("INSERT INTO products_fts(products_fts) VALUES ('rebuild')"),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

const storesByDb = new WeakMap<Database, ProductStore>();

export interface SearchOptions {
  /** At most this many products are returned. */
  limit: number;
  /** Include products that are no longer sold (manager screens); the till leaves them out. */
  includeInactive?: boolean;
  /**
   * Keep only products the caller accepts (not already shown, containing a short word …). Rows
   * are read lazily and reading stops once `limit` are kept or `scanLimit` were read, so a
   * filter never turns a search into a scan.
   */
  where?: (product: Product) => boolean;
  /** At most this many index matches are read when `where` is given; defaults to `limit`. */
  scanLimit?: number;
}

export class ProductStore {
  private readonly s: Statements;

  private constructor(private readonly db: Database) {
    this.s = prepareStatements(db);
  }

  /** The store of `db`, its statements prepared on first use and reused after. */
  static for(db: Database): ProductStore {
    let store = storesByDb.get(db);
    if (!store) {
      store = new ProductStore(db);
      storesByDb.set(db, store);
    }
    return store;
  }

  /* ----- writes ----- */

  /** Inserts a product; `keys` lets a bulk loader pass keys it derived faster (same helper, per word). */
  insert(fields: ProductFields, now: string, keys: SearchKeys = searchKeysFor(fields.name)): number {
    return Number(this.s.insert.run(toWriteParams(fields, keys, now)).lastInsertRowid);
  }

  /** Overwrites every field of `existing`; search keys are recomputed only if the name changed. */
  update(existing: Product, fields: ProductFields, now: string): void {
    const searchChanged = fields.name !== existing.name || fields.sku !== existing.sku;
    const keys = searchChanged ? searchKeysFor(fields.name) : { pinyin: existing.pinyin, initials: existing.pinyinInitials };
    const params = { ...toWriteParams(fields, keys, now), id: existing.id };
    (searchChanged ? this.s.updateAll : this.s.updateNonSearch).run(params);
  }

  /** Insert or overwrite by SKU. */
  upsertBySku(fields: ProductFields, now: string): { id: number; created: boolean } {
    const existing = this.getBySku(fields.sku);
    if (existing) {
      this.update(existing, fields, now);
      return { id: existing.id, created: false };
    }
    return { id: this.insert(fields, now), created: true };
  }

  /**
   * Upserts a product and, when `barcodes` is given, makes them exactly its barcodes, in one
   * transaction. Throws if a barcode belongs to another product (the primary key refuses it).
   */
  save(fields: ProductFields & { barcodes?: readonly string[] }, now: string): { id: number; created: boolean } {
    return this.db.transaction(() => {
      const { barcodes, ...product } = fields;
      const result = this.upsertBySku(product, now);
      if (barcodes) this.replaceBarcodes(result.id, barcodes);
      return result;
    })();
  }

  setPlu(id: number, plu: string | null, now: string): void {
    this.s.setPlu.run({ id, plu: plu === null ? null : canonicalPlu(plu), updated_at: now });
  }

  setActive(id: number, active: boolean, now: string): boolean {
    return this.s.setActive.run({ id, active: active ? 1 : 0, updated_at: now }).changes === 1;
  }

  /** Adds a barcode; false when the code already exists (on this or another product). */
  addBarcode(productId: number, barcode: string): boolean {
    return this.s.addBarcode.run(barcode, productId).changes === 1;
  }

  removeBarcodes(productId: number): void {
    this.s.removeBarcodes.run(productId);
  }

  /** Makes `barcodes` exactly the product's codes; throws BarcodeTakenError if another product has one. */
  replaceBarcodes(productId: number, barcodes: readonly string[]): void {
    this.db.transaction(() => {
      this.s.removeBarcodes.run(productId);
      for (const barcode of new Set(barcodes)) {
        if (!this.addBarcode(productId, barcode)) {
          throw new BarcodeTakenError(barcode, this.barcodeOwner(barcode) ?? 0);
        }
      }
    })();
  }

  /**
   * Runs a bulk write with the FTS triggers removed and rebuilds the index once at the end: one
   * pass over the finished table instead of a trigram delete/insert per row. The trigger SQL is
   * read back from the schema and re-created verbatim, and everything runs in one transaction, so
   * a failure (or a crash) can never leave the catalog without its triggers or with a stale index.
   */
  withFtsRebuiltAfter<T>(work: () => T): T {
    return this.db.transaction(() => {
      const triggers = this.s.ftsTriggers.all() as { name: string; sql: string }[];
      for (const trigger of triggers) this.db.exec(`DROP TRIGGER "${trigger.name.replace(/"/g, '""')}"`);
      const result = work();
      for (const trigger of triggers) this.db.exec(trigger.sql);
      this.s.ftsRebuild.run();
      return result;
    })();
  }

  /* ----- reads ----- */

  getById(id: number): Product | undefined {
    return this.one(this.s.byId, id);
  }

  getBySku(sku: string): Product | undefined {
    return this.one(this.s.bySku, sku);
  }

  /** Just the name: a cheap way to tell new and renamed products from unchanged ones. */
  nameOfSku(sku: string): string | undefined {
    return this.s.nameBySku.get(sku) as string | undefined;
  }

  getByBarcode(barcode: string): Product | undefined {
    return this.one(this.s.byBarcode, barcode);
  }

  getByPlu(plu: string): Product | undefined {
    return this.one(this.s.byPlu, canonicalPlu(plu));
  }

  barcodeOwner(barcode: string): number | undefined {
    return this.s.barcodeOwner.get(barcode) as number | undefined;
  }

  barcodesOf(productId: number): string[] {
    return this.s.barcodesOf.all(productId) as string[];
  }

  count(options: { activeOnly?: boolean } = {}): number {
    return (options.activeOnly ? this.s.countActive : this.s.countAll).get() as number;
  }

  /* ----- bounded searches (each reads at most `limit` rows through an index) ----- */

  /** Products whose pinyin initials start with `prefix` (lower case), in initials order. */
  byInitialsPrefix(prefix: string, options: SearchOptions): Product[] {
    return this.range(this.s.initialsRange, this.s.initialsOpen, prefix, options, (p) => p.pinyinInitials);
  }

  /** Products whose name starts with `prefix`, in name order. */
  byNamePrefix(prefix: string, options: SearchOptions): Product[] {
    return this.range(this.s.nameRange, this.s.nameOpen, prefix, options, (p) => p.name);
  }

  /** Products whose SKU starts with `prefix` (case as given), in SKU order. */
  bySkuPrefix(prefix: string, options: SearchOptions): Product[] {
    return this.range(this.s.skuRange, this.s.skuOpen, prefix, options, (p) => p.sku);
  }

  /**
   * Products containing every term (case-insensitive) through the trigram index. Terms shorter
   * than three characters cannot use it and are ignored here (the caller filters on them with
   * `where`); `column` narrows the match to one column. Each term is quoted, so no input is
   * query syntax.
   */
  bySubstrings(terms: readonly string[], options: SearchOptions & { column?: 'name' | 'pinyin' }): Product[] {
    const usable = terms.filter((term) => Array.from(term).length >= MIN_SUBSTRING_CHARS);
    if (usable.length === 0) return [];
    const phrases = usable.map(ftsPhrase).join(' ');
    const match = options.column ? `${options.column} : (${phrases})` : phrases;
    return this.collect(this.s.substring, { match }, options);
  }

  private range(bounded: Statement, open: Statement, prefix: string, options: SearchOptions, key: (p: Product) => string): Product[] {
    if (prefix === '') return [];
    const high = prefixUpperBound(prefix);
    if (high !== null) return this.collect(bounded, { low: prefix, high }, options);
    // Only a prefix made entirely of U+10FFFF has no upper bound; LIMIT still bounds the scan.
    const where = options.where;
    const startsWith = (product: Product) => key(product).startsWith(prefix) && (where === undefined || where(product));
    return this.collect(open, { low: prefix }, { ...options, where: startsWith });
  }

  private collect(statement: Statement, params: Record<string, unknown>, options: SearchOptions): Product[] {
    if (options.limit <= 0) return [];
    const all = options.includeInactive ? 1 : 0;
    const { where } = options;
    if (!where) return (statement.all({ ...params, all, limit: options.limit }) as ProductRow[]).map(rowToProduct);
    const kept: Product[] = [];
    // iterate() reads row by row; leaving the loop early stops the statement.
    for (const row of statement.iterate({ ...params, all, limit: Math.max(options.scanLimit ?? options.limit, options.limit) })) {
      const product = rowToProduct(row as ProductRow);
      if (!where(product)) continue;
      kept.push(product);
      if (kept.length >= options.limit) break;
    }
    return kept;
  }

  private one(statement: Statement, param: unknown): Product | undefined {
    const row = statement.get(param) as ProductRow | undefined;
    return row ? rowToProduct(row) : undefined;
  }
}

/** A barcode can belong to one product only. */
export class BarcodeTakenError extends Error {
  constructor(
    readonly barcode: string,
    readonly ownerId: number,
  ) {
    super(`Barcode ${barcode} already belongs to product ${ownerId}`);
    this.name = 'BarcodeTakenError';
  }
}

export function countProducts(db: Database): number {
  return ProductStore.for(db).count();
}
