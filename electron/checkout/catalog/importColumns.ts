import { MAX_PRODUCT_PRICE_FEN, type SoldBy } from '../../../db/stores/products';
import { isValidGtin } from '../barcode';
import { MoneyFormatError, parseYuanToFen } from '../money';
import { importFailed, type Bilingual } from './csvRecords';

/**
 * The columns of the catalog CSV (docs/catalog-csv.md) and the checks on each cell. A header
 * problem refuses the file; a cell problem skips its row with a reason in zh-CN and English.
 */

export const COLUMNS = ['sku', 'name', 'name_en', 'barcodes', 'price', 'unit', 'sold_by', 'tax_rate', 'category', 'plu', 'active'] as const;
export type Column = (typeof COLUMNS)[number];

const REQUIRED: readonly Column[] = ['sku', 'name', 'price'];

/** Headers a Chinese back office exports, accepted as the same columns. */
const ALIASES: Record<string, Column> = {
  货号: 'sku',
  商品编码: 'sku',
  名称: 'name',
  商品名称: 'name',
  品名: 'name',
  英文名: 'name_en',
  英文名称: 'name_en',
  barcode: 'barcodes',
  条码: 'barcodes',
  条形码: 'barcodes',
  售价: 'price',
  零售价: 'price',
  单位: 'unit',
  销售方式: 'sold_by',
  计价方式: 'sold_by',
  税率: 'tax_rate',
  分类: 'category',
  类别: 'category',
  秤码: 'plu',
  状态: 'active',
  启用: 'active',
};

export const LIMITS = {
  sku: 64,
  name: 100,
  nameEn: 100,
  unit: 16,
  category: 50,
  barcodesPerProduct: 20,
  pluDigits: 10,
} as const;

export const DEFAULT_TAX_RATE_BP = 1300;

/** Which cell holds which column; a column absent from the file is left alone on update. */
export type HeaderMap = Partial<Record<Column, number>>;

function headerKey(cell: string): string {
  return cell.normalize('NFKC').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export function mapHeader(cells: readonly string[]): HeaderMap {
  const map: HeaderMap = {};
  cells.forEach((cell, index) => {
    const key = headerKey(cell);
    const column = (COLUMNS as readonly string[]).includes(key) ? (key as Column) : ALIASES[key];
    // An unknown header is most likely a typo of a real one ('prcie'); importing without that
    // column would silently drop its data, so the file is refused instead.
    if (!column) throw importFailed({ zh: `未知的列名「${cell}」`, en: `unknown column "${cell}"` }, { column: cell });
    if (map[column] !== undefined) throw importFailed({ zh: `列「${column}」出现了两次`, en: `column "${column}" appears twice` }, { column });
    map[column] = index;
  });
  const missing = REQUIRED.filter((column) => map[column] === undefined);
  if (missing.length > 0) {
    throw importFailed({ zh: `缺少必需的列：${missing.join(', ')}`, en: `missing required column(s): ${missing.join(', ')}` }, { missing });
  }
  return map;
}

/** One valid row. An optional field is undefined when its column is absent from the file. */
export interface ImportRow {
  line: number;
  sku: string;
  name: string;
  priceFen: number;
  nameEn?: string | null;
  barcodes?: string[];
  unit?: string | null;
  soldBy?: SoldBy;
  taxRateBp?: number;
  category?: string | null;
  plu?: string | null;
  active?: boolean;
}

/** A cell problem: the row is skipped and reported. */
export class RowProblem extends Error {
  constructor(readonly reason: Bilingual) {
    super(reason.en);
  }
}

function problem(zh: string, en: string): RowProblem {
  return new RowProblem({ zh, en });
}

// Control characters (a stray newline inside a quoted name) would print as garbage on receipts.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function text(value: string, field: string, max: number): string {
  if (CONTROL.test(value)) throw problem(`${field} 含有控制字符或换行`, `${field} contains control characters or line breaks`);
  const length = Array.from(value).length;
  if (length > max) throw problem(`${field} 过长（${length} 字，最多 ${max}）`, `${field} is too long (${length} characters, at most ${max})`);
  return value;
}

function optionalText(value: string, field: string, max: number): string | null {
  return value === '' ? null : text(value, field, max);
}

function parseSku(value: string): string {
  if (value === '') throw problem('缺少 sku', 'sku is empty');
  if (/\s/.test(value)) throw problem('sku 不能含空格', 'sku must not contain spaces');
  return text(value, 'sku', LIMITS.sku);
}

function parseName(value: string): string {
  if (value === '') throw problem('缺少商品名称', 'name is empty');
  return text(value, 'name', LIMITS.name);
}

function parsePrice(value: string): number {
  if (value === '') throw problem('缺少价格', 'price is empty');
  // '¥12.50' as a spreadsheet formats currency; the amount itself is parsed exactly by money.ts.
  const amount = value.replace(/^[¥￥]\s*/, '');
  let fen: number;
  try {
    fen = parseYuanToFen(amount);
  } catch (error) {
    if (!(error instanceof MoneyFormatError)) throw error;
    throw problem(`价格「${value}」无效（应为元，最多两位小数，如 12.50）`, `price "${value}" is not a yuan amount with at most two decimals (e.g. 12.50)`);
  }
  if (fen < 0) throw problem(`价格不能为负数：${value}`, `price cannot be negative: ${value}`);
  if (fen > MAX_PRODUCT_PRICE_FEN) {
    throw problem(`价格过高：${value}（最多 ${MAX_PRODUCT_PRICE_FEN / 100} 元）`, `price is too high: ${value} (at most ${MAX_PRODUCT_PRICE_FEN / 100} yuan)`);
  }
  return fen;
}

function parseBarcodes(value: string): string[] {
  const codes = [...new Set(value.split('|').map((code) => code.trim()).filter((code) => code !== ''))];
  if (codes.length > LIMITS.barcodesPerProduct) throw problem(`条码过多（最多 ${LIMITS.barcodesPerProduct} 个）`, `too many barcodes (at most ${LIMITS.barcodesPerProduct})`);
  for (const code of codes) {
    if (/^[0-9.]+e\+?[0-9]+$/i.test(code)) {
      throw problem(
        `条码「${code}」被 Excel 转成了科学计数法，请把条码列设为文本后重新导出`,
        `barcode "${code}" was turned into scientific notation by Excel; format the column as text and export again`,
      );
    }
    if (!isValidGtin(code)) {
      throw problem(`条码「${code}」无效（应为 8、12、13 或 14 位数字且校验位正确）`, `barcode "${code}" is invalid (8, 12, 13 or 14 digits with a correct check digit)`);
    }
  }
  return codes;
}

function parseSoldBy(value: string): SoldBy {
  const key = value.toLowerCase();
  if (key === '' || key === 'unit' || key === '计件') return 'unit';
  if (key === 'weight' || key === '称重') return 'weight';
  throw problem(`sold_by「${value}」无效（应为 unit 或 weight）`, `sold_by "${value}" is not unit or weight`);
}

/** '13', '9', '6.5', '13%' → basis points, exactly (no float): 13 → 1300. */
function parseTaxRate(value: string): number {
  if (value === '') return DEFAULT_TAX_RATE_BP;
  const match = /^([0-9]{1,3})(?:\.([0-9]{1,2}))?\s*%?$/.exec(value);
  const bp = match ? Number.parseInt(match[1] ?? '0', 10) * 100 + Number.parseInt((match[2] ?? '').padEnd(2, '0'), 10) : NaN;
  if (!match || bp > 10_000) throw problem(`税率「${value}」无效（应为 0–100 的百分数，如 13 或 9）`, `tax_rate "${value}" is not a percentage from 0 to 100 (e.g. 13 or 9)`);
  return bp;
}

function parsePlu(value: string): string | null {
  if (value === '') return null;
  if (!new RegExp(`^[0-9]{1,${LIMITS.pluDigits}}$`).test(value)) throw problem(`PLU「${value}」无效（应为数字）`, `plu "${value}" must be digits`);
  return value;
}

const TRUE_WORDS = new Set(['', '1', 'true', 'yes', 'y', '是', '启用', '在售']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', '否', '停用', '停售']);

function parseActive(value: string): boolean {
  const key = value.toLowerCase();
  if (TRUE_WORDS.has(key)) return true;
  if (FALSE_WORDS.has(key)) return false;
  throw problem(`active「${value}」无效（应为 1 或 0）`, `active "${value}" is not 1 or 0`);
}

/**
 * Reads one record. Throws RowProblem for the first bad cell. An empty cell in a present column
 * means that column's default (documented), so a row always describes its product in full for
 * the columns the file has.
 */
export function parseRow(line: number, fields: readonly string[], header: HeaderMap, headerLength: number): ImportRow {
  // Trailing empty cells (a spreadsheet's stray commas) are harmless; anything else is misaligned.
  const extra = fields.slice(headerLength);
  if (fields.length < headerLength || extra.some((field) => field !== '')) {
    throw problem(`列数不符：应为 ${headerLength} 列，实际 ${fields.length} 列`, `expected ${headerLength} columns, found ${fields.length}`);
  }
  const cell = (column: Column): string | undefined => {
    const index = header[column];
    return index === undefined ? undefined : (fields[index] ?? '');
  };
  const optional = <T>(column: Column, read: (value: string) => T): T | undefined => {
    const value = cell(column);
    return value === undefined ? undefined : read(value);
  };
  const row: ImportRow = {
    line,
    sku: parseSku(cell('sku') ?? ''),
    name: parseName(cell('name') ?? ''),
    priceFen: parsePrice(cell('price') ?? ''),
  };
  const nameEn = optional('name_en', (v) => optionalText(v, 'name_en', LIMITS.nameEn));
  const barcodes = optional('barcodes', parseBarcodes);
  const unit = optional('unit', (v) => optionalText(v, 'unit', LIMITS.unit));
  const soldBy = optional('sold_by', parseSoldBy);
  const taxRateBp = optional('tax_rate', parseTaxRate);
  const category = optional('category', (v) => optionalText(v, 'category', LIMITS.category));
  const plu = optional('plu', parsePlu);
  const active = optional('active', parseActive);
  if (nameEn !== undefined) row.nameEn = nameEn;
  if (barcodes !== undefined) row.barcodes = barcodes;
  if (unit !== undefined) row.unit = unit;
  if (soldBy !== undefined) row.soldBy = soldBy;
  if (taxRateBp !== undefined) row.taxRateBp = taxRateBp;
  if (category !== undefined) row.category = category;
  if (plu !== undefined) row.plu = plu;
  if (active !== undefined) row.active = active;
  return row;
}
