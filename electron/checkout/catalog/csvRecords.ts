import { parse } from 'csv-parse/sync';
import { TillError } from '../../api/errors';

/**
 * Turns an uploaded catalog file into records tagged with the file line each one starts on, or
 * refuses the whole file (CATALOG_IMPORT_FAILED) when it is not UTF-8 CSV text. Knows nothing
 * about columns; that is importColumns.ts.
 */

export interface Bilingual {
  zh: string;
  en: string;
}

export interface CsvRecord {
  /** 1-based line of the file where the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

/** The import refuses the whole file; nothing is written. */
export function importFailed(reason: Bilingual, details: Record<string, unknown> = {}): TillError {
  return new TillError('CATALOG_IMPORT_FAILED', { ...details, reason: reason.en, reasonZh: reason.zh });
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const LF = 0x0a;
const CR = 0x0d;

/**
 * Text decoded strictly: a GBK/GB18030 file (what Excel on Chinese Windows saves as "CSV") is
 * refused with a hint, never imported as mojibake.
 */
export function decodeCsvInput(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string') {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw importFailed({
        zh: '文件不是 UTF-8 编码（Excel 请另存为「CSV UTF-8（逗号分隔）」）',
        en: 'the file is not UTF-8 (in Excel, save as "CSV UTF-8 (Comma delimited)")',
      });
    }
  }
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  if (text.includes('\u0000')) {
    throw importFailed({ zh: '文件不是文本 CSV（可能是 Excel 工作簿，请另存为 CSV）', en: 'not a text CSV file (an Excel workbook? save it as CSV)' });
  }
  if (text.includes('\ufffd')) {
    // U+FFFD is what a non-UTF-8 file becomes when something upstream decoded it as UTF-8.
    throw importFailed({
      zh: '文件含有无法识别的字符，可能不是 UTF-8 编码（Excel 请另存为「CSV UTF-8」）',
      en: 'the file has undecodable characters; it is probably not UTF-8 (in Excel, save as "CSV UTF-8")',
    });
  }
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
}

/** Byte offsets at which each line starts; a line ends at LF, CRLF or a lone CR. */
function lineStarts(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === LF || (byte === CR && bytes[i + 1] !== LF)) starts.push(i + 1);
  }
  return starts;
}

/** 1-based line holding byte `offset` (binary search over the line starts). */
function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

interface ParsedRecord {
  record: string[];
  info: { bytes: number };
}

/**
 * Every non-blank record with its starting line. csv-parse reports where each record ends (in
 * bytes); the next one starts after any blank lines, which is where a person looking at the file
 * in an editor will find it. Rows of only empty cells (Excel leaves ",,,," lines) are dropped.
 */
export function readCsvRecords(bytes: Buffer): CsvRecord[] {
  let parsed: ParsedRecord[];
  try {
    parsed = parse(bytes, {
      bom: true,
      info: true,
      relax_column_count: true, // a short or long row is that row's error, not the file's
      relax_quotes: true, // 12" in an unquoted field is a character, not a syntax error
      skip_empty_lines: true,
      trim: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw importFailed(
      { zh: `不是有效的 CSV 文件（第 ${line ?? '?'} 行附近：${(error as Error).message}）`, en: `not a valid CSV file (near line ${line ?? '?'}: ${(error as Error).message})` },
      { line },
    );
  }
  const starts = lineStarts(bytes);
  const records: CsvRecord[] = [];
  let offset = bytes.length >= 3 && UTF8_BOM.every((byte, i) => bytes[i] === byte) ? 3 : 0;
  for (const { record, info } of parsed) {
    while (offset < bytes.length && (bytes[offset] === LF || bytes[offset] === CR)) offset++;
    const line = lineAt(starts, offset);
    offset = info.bytes;
    if (record.every((field) => field === '')) continue;
    records.push({ line, fields: record });
  }
  return records;
}
