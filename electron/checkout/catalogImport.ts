import type { Database } from 'better-sqlite3';
import { ProductStore, canonicalPlu, type Product, type ProductFields } from '../../db/stores/products';
import { TillError } from '../api/errors';
import { decodeCsvInput, importFailed, readCsvRecords, type Bilingual } from './catalog/csvRecords';
import { DEFAULT_TAX_RATE_BP, mapHeader, parseRow, RowProblem, type ImportRow } from './catalog/importColumns';

/**
 * Catalog import from CSV (format: docs/catalog-csv.md). Rows with a bad cell are skipped and
 * reported by line; good rows are upserted by SKU. All writes happen in one transaction, so a
 * fatal problem (bad header, not a CSV, a barcode or PLU claimed by two products, a database
 * error) leaves the catalog exactly as it was.
 */

export interface ImportResult {
  inserted: number;
  updated: number;
  skipped: { line: number; reason: Bilingual }[];
}

export interface ImportOptions {
  /** updated_at of the written products; defaults to the current time. */
  now?: string;
}

const DEFAULT_UNIT = { unit: '个', weight: 'kg' } as const;

export function importCatalogCsv(db: Database, csv: string | Uint8Array, options: ImportOptions = {}): ImportResult {
  const now = options.now ?? new Date().toISOString();
  const [header, ...records] = readCsvRecords(decodeCsvInput(csv));
  if (!header) throw importFailed({ zh: '文件为空', en: 'the file is empty' });
  const headerMap = mapHeader(header.fields);

  const rows: ImportRow[] = [];
  const skipped: ImportResult['skipped'] = [];
  const firstLineOfSku = new Map<string, number>();
  for (const record of records) {
    try {
      const row = parseRow(record.line, record.fields, headerMap, header.fields.length);
      const earlier = firstLineOfSku.get(row.sku);
      if (earlier !== undefined) {
        throw new RowProblem({ zh: `sku ${row.sku} 与第 ${earlier} 行重复`, en: `sku ${row.sku} repeats line ${earlier}` });
      }
      firstLineOfSku.set(row.sku, row.line);
      rows.push(row);
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      skipped.push({ line: record.line, reason: error.reason });
    }
  }

  const store = ProductStore.for(db);
  try {
    // Decided inside the transaction, so the catalog it looks at is the one being written.
    const { inserted, updated } = db.transaction(() => {
      // Into an empty catalog every row is new: no need to look each SKU up.
      const emptyBefore = store.count() === 0;
      const write = () => writeRows(store, rows, now, emptyBefore);
      return ftsRebuildPays(store, rows, emptyBefore) ? store.withFtsRebuiltAfter(write) : write();
    })();
    return { inserted, updated, skipped };
  } catch (error) {
    if (error instanceof TillError) throw error;
    throw importFailed({ zh: `数据库错误：${(error as Error).message}`, en: `database error: ${(error as Error).message}` });
  }
}

/**
 * Whether to drop the search triggers and rebuild the trigram index once, rather than update it
 * row by row. Measured on a 300k catalog (bench/catalog.bench.ts): the triggers cost ~80 µs per new
 * or renamed product, a rebuild ~22 µs per product in the whole catalog; rows whose name is
 * unchanged cost the index nothing. So a rebuild pays once those rows pass about a quarter of the
 * catalog, and never for a small file.
 */
function ftsRebuildPays(store: ProductStore, rows: readonly ImportRow[], emptyBefore: boolean): boolean {
  if (rows.length < 1_000) return false;
  if (emptyBefore) return true;
  let touching = 0;
  let fresh = 0;
  for (const row of rows) {
    const name = store.nameOfSku(row.sku);
    if (name === undefined) fresh++;
    if (name !== row.name) touching++;
  }
  return touching * 4 > store.count() + fresh;
}

/** The product a row describes: its cells over the existing product, or over the defaults. */
function mergeRow(row: ImportRow, existing: Product | undefined): ProductFields {
  const soldBy = row.soldBy ?? existing?.soldBy ?? 'unit';
  const unit = row.unit === undefined ? (existing?.unit ?? DEFAULT_UNIT[soldBy]) : (row.unit ?? DEFAULT_UNIT[soldBy]);
  return {
    sku: row.sku,
    name: row.name,
    nameEn: row.nameEn === undefined ? (existing?.nameEn ?? null) : row.nameEn,
    category: row.category === undefined ? (existing?.category ?? null) : row.category,
    unit,
    soldBy,
    priceFen: row.priceFen,
    taxRateBp: row.taxRateBp ?? existing?.taxRateBp ?? DEFAULT_TAX_RATE_BP,
    plu: row.plu === undefined ? (existing?.plu ?? null) : row.plu,
    active: row.active ?? existing?.active ?? true,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((code) => set.has(code));
}

/**
 * Two passes inside the caller's transaction. Pass 1 writes every product, with a changing PLU
 * cleared and changing barcodes removed; pass 2 assigns those PLUs and barcodes. So a file may move
 * a barcode or PLU from one product to another in any row order, and a code that still ends up on
 * two products is found in pass 2 and fails the whole import.
 */
function writeRows(store: ProductStore, rows: readonly ImportRow[], now: string, emptyBefore: boolean): { inserted: number; updated: number } {
  let inserted = 0;
  let updated = 0;
  const pendingPlu: { id: number; plu: string; row: ImportRow }[] = [];
  const pendingBarcodes: { id: number; barcodes: string[]; row: ImportRow }[] = [];

  for (const row of rows) {
    const existing = emptyBefore ? undefined : store.getBySku(row.sku);
    const fields = mergeRow(row, existing);
    const pluChanges = fields.plu !== null && (existing?.plu ?? null) !== canonicalPlu(fields.plu);
    const toWrite = pluChanges ? { ...fields, plu: null } : fields;
    let id: number;
    if (existing) {
      store.update(existing, toWrite, now);
      id = existing.id;
      updated++;
    } else {
      id = store.insert(toWrite, now);
      inserted++;
    }
    if (pluChanges && fields.plu !== null) pendingPlu.push({ id, plu: fields.plu, row });
    if (row.barcodes !== undefined && !(existing && sameSet(store.barcodesOf(id), row.barcodes))) {
      if (existing) store.removeBarcodes(id);
      if (row.barcodes.length > 0) pendingBarcodes.push({ id, barcodes: row.barcodes, row });
    }
  }

  for (const { id, plu, row } of pendingPlu) {
    const owner = store.getByPlu(plu);
    if (owner && owner.id !== id) {
      throw importFailed(
        { zh: `第 ${row.line} 行：PLU ${plu} 已属于商品 ${owner.sku}`, en: `line ${row.line}: PLU ${plu} already belongs to product ${owner.sku}` },
        { line: row.line, plu, sku: owner.sku },
      );
    }
    store.setPlu(id, plu, now);
  }
  for (const { id, barcodes, row } of pendingBarcodes) {
    for (const barcode of barcodes) {
      if (store.addBarcode(id, barcode)) continue;
      const ownerId = store.barcodeOwner(barcode);
      if (ownerId === id) continue;
      const owner = ownerId === undefined ? undefined : store.getById(ownerId);
      throw importFailed(
        {
          zh: `第 ${row.line} 行：条码 ${barcode} 已属于商品 ${owner?.sku ?? ownerId}`,
          en: `line ${row.line}: barcode ${barcode} already belongs to product ${owner?.sku ?? ownerId}`,
        },
        { line: row.line, barcode, sku: owner?.sku },
      );
    }
  }
  return { inserted, updated };
}
