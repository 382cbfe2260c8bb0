import iconv from 'iconv-lite';
import { fenToYuanString, formatFen } from '../checkout/money';
import type { ReceiptField, ReceiptModel } from './receiptModel';

/**
 * The receipt model as ESC/POS bytes for 58 mm (32 columns) and 80 mm (48 columns) thermal printers,
 * with Chinese text in GB18030.
 *
 * Why the commands are written here and not with @point-of-sale/receipt-printer-encoder (4.0.1):
 * its `initialize()` sends `FS .` (cancel Chinese/Kanji character mode) and its text path goes through
 * @point-of-sale/codepage-encoder, which only knows single-byte code pages (plus a Katakana
 * mapping); it has no GB18030/GBK encoder, so Chinese comes out as '?' — exactly the "garbled
 * Chinese" users complain about — and its table/column layout measures width in UTF-16 code units,
 * not printer columns. We need a handful of commands (init, Chinese mode, align, bold, size, QR,
 * feed, cut, drawer kick); they are fixed byte strings from the Epson ESC/POS reference, written
 * out below so tests can check them byte for byte, and the text is encoded with iconv-lite.
 *
 * Column width: in Chinese mode a printer draws every two-byte (and four-byte) GB18030 character
 * in the double-width CJK font and every single-byte character in the half-width ASCII font, so the
 * display width of a character is 1 if it encodes to one byte and 2 otherwise. Measuring the
 * encoding itself (rather than guessing from Unicode ranges) also gets '×', '—', '：' right, which
 * GBK prints double-width although they are not "CJK".
 */

export type EscPosPaperWidth = 58 | 80;

export const COLUMNS: Readonly<Record<EscPosPaperWidth, number>> = { 58: 32, 80: 48 };

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

export const ESC_POS = {
  /** ESC @: reset the printer to its power-on settings. */
  INIT: [ESC, 0x40],
  /** FS &: select Chinese (two-byte) character mode, so GB18030 bytes print as 汉字. */
  CHINESE_MODE: [FS, 0x26],
  ALIGN_LEFT: [ESC, 0x61, 0x00],
  ALIGN_CENTER: [ESC, 0x61, 0x01],
  BOLD_ON: [ESC, 0x45, 0x01],
  BOLD_OFF: [ESC, 0x45, 0x00],
  /** GS ! n: character size; 0x01 = double height, 0x11 = double width and height. */
  SIZE_NORMAL: [GS, 0x21, 0x00],
  SIZE_DOUBLE_HEIGHT: [GS, 0x21, 0x01],
  SIZE_DOUBLE: [GS, 0x21, 0x11],
  /** FS ! n: the same for Chinese characters (some printers use only this one in Chinese mode). */
  CJK_SIZE_NORMAL: [FS, 0x21, 0x00],
  CJK_SIZE_DOUBLE_HEIGHT: [FS, 0x21, 0x08],
  CJK_SIZE_DOUBLE: [FS, 0x21, 0x0c],
  /** ESC d 4: print and feed four lines, so the cut does not slice the last line. */
  FEED_4: [ESC, 0x64, 0x04],
  /** GS V 0 / GS V 1: full / partial cut. */
  CUT_FULL: [GS, 0x56, 0x00],
  CUT_PARTIAL: [GS, 0x56, 0x01],
  /** ESC p 0 25 250: pulse drawer connector pin 2, 50 ms on, 500 ms off. */
  DRAWER_KICK: [ESC, 0x70, 0x00, 0x19, 0xfa],
} as const;

/** GS ( k: QR model 2, module size, error correction M, store the data, print it. */
export function qrCodeCommand(data: string, moduleSize = 6): number[] {
  if (!Number.isInteger(moduleSize) || moduleSize < 1 || moduleSize > 16) throw new RangeError('QR module size must be 1–16');
  const payload = [...Buffer.from(data, 'utf8')];
  const storeLength = payload.length + 3;
  if (payload.length === 0 || storeLength > 7092) throw new RangeError('QR data must be 1–7089 bytes');
  return [
    ...[GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00], // model 2
    ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize], // module size
    ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31], // error correction M
    ...[GS, 0x28, 0x6b, storeLength & 0xff, storeLength >> 8, 0x31, 0x50, 0x30, ...payload], // store
    ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30], // print
  ];
}

// ---------------------------------------------------------------------------------------------
// Text: sanitising, encoding and display width

/**
 * Removes control characters (an item name containing ESC or GS would otherwise be a printer
 * command: cut, drawer kick, a code page change), turns tabs/newlines into spaces and the
 * half-width yen sign (a four-byte GB18030 sequence many printers lack) into the full-width ￥.
 */
export function sanitizePrinterText(text: string): string {
  return text
    .replace(/[\t\r\n]/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, '')
    .replace(/\u00a5/g, '\uffe5');
}

export function encodeGb18030(text: string): Buffer {
  return iconv.encode(text, 'gb18030');
}

const widthCache = new Map<string, number>();

/** Printer columns a single character (code point) takes in Chinese mode: 1 or 2. */
export function charWidth(ch: string): number {
  const cached = widthCache.get(ch);
  if (cached !== undefined) return cached;
  const width = encodeGb18030(ch).length === 1 ? 1 : 2;
  if (widthCache.size < 10_000) widthCache.set(ch, width);
  return width;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** Cuts to at most `width` columns on a character boundary (never half a 汉字), with an optional ellipsis. */
export function truncateToWidth(text: string, width: number, ellipsis = ''): string {
  if (displayWidth(text) <= width) return text;
  const room = width - displayWidth(ellipsis);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > room) break;
    out += ch;
    used += w;
  }
  return out + ellipsis;
}

/**
 * Wraps to lines of at most `width` columns. Chinese breaks between any two characters; a run of
 * Latin text breaks at its last space when there is one on the line, otherwise mid-word.
 */
export function wrapToWidth(text: string, width: number): string[] {
  if (width < 2) throw new RangeError('wrapToWidth: width must be at least 2');
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width) {
      const space = line.lastIndexOf(' ');
      if (ch !== ' ' && space > 0 && /^[\x21-\x7e]+$/.test(line.slice(space + 1))) {
        lines.push(line.slice(0, space));
        line = line.slice(space + 1);
      } else {
        lines.push(line.trimEnd());
        line = '';
      }
      used = displayWidth(line);
      if (ch === ' ' && line === '') continue;
    }
    line += ch;
    used += w;
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

export function padEndToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStartToWidth(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/**
 * `left` then `right` flush with the right edge. When both do not fit on one line the left text
 * wraps and the right text (an amount, never truncated) goes on the last line or a line of its own.
 */
export function leftRight(left: string, right: string, width: number): string[] {
  const rightWidth = displayWidth(right);
  if (displayWidth(left) + 1 + rightWidth <= width) return [padEndToWidth(left, width - rightWidth) + right];
  const lines = wrapToWidth(left, width);
  const last = lines.at(-1) ?? '';
  if (displayWidth(last) + 1 + rightWidth <= width) {
    lines[lines.length - 1] = padEndToWidth(last, width - rightWidth) + right;
  } else {
    lines.push(padStartToWidth(right, width));
  }
  return lines;
}

export interface Column {
  width: number;
  align: 'left' | 'right';
}

/**
 * One table row. The first (left) column wraps onto further lines; the other cells must fit their
 * column (they are amounts and quantities, which are never cut) — `null` when one does not.
 */
export function columnsRow(cells: string[], columns: Column[]): string[] | null {
  if (cells.length !== columns.length) throw new RangeError('columnsRow: one cell per column');
  for (let i = 1; i < cells.length; i++) {
    // Each non-first column keeps one space of gutter on its left.
    if (displayWidth(cells[i] ?? '') > (columns[i]?.width ?? 0) - 1) return null;
  }
  const first = columns[0];
  if (!first) return [];
  const firstLines = first.width >= 2 ? wrapToWidth(cells[0] ?? '', first.width) : [''];
  return firstLines.map((firstLine, index) => {
    let out = padEndToWidth(firstLine, first.width);
    for (let i = 1; i < columns.length; i++) {
      const column = columns[i]!;
      const cell = index === 0 ? (cells[i] ?? '') : '';
      out += column.align === 'right' ? padStartToWidth(cell, column.width) : padEndToWidth(cell, column.width);
    }
    return index === 0 ? out : out.trimEnd();
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering

export interface EscPosOptions {
  paperWidth?: EscPosPaperWidth;
  /** 'auto' (default) kicks the drawer only when a tender is cash. */
  openDrawer?: boolean | 'auto';
  cut?: 'full' | 'partial' | false;
  /** QR module size in dots (1–16); 0 leaves the QR code out. */
  qrModuleSize?: number;
}

/** Collects ESC/POS commands and GB18030 text lines; the receipt's and the reports' printers build on it. */
export class EscPosOut {
  private readonly chunks: Uint8Array[] = [];

  cmd(bytes: readonly number[]): this {
    this.chunks.push(Uint8Array.from(bytes));
    return this;
  }

  /** One line of text (sanitised, GB18030) followed by LF. */
  line(text = ''): this {
    this.chunks.push(encodeGb18030(sanitizePrinterText(text)));
    this.chunks.push(Uint8Array.of(LF));
    return this;
  }

  lines(lines: readonly string[]): this {
    for (const text of lines) this.line(text);
    return this;
  }

  bytes(): Uint8Array {
    const total = this.chunks.reduce((n, chunk) => n + chunk.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** Money for a printer line: '￥12.34' / '-￥1.00' (full-width sign, see sanitizePrinterText). */
function money(fen: number): string {
  return formatFen(fen, { symbol: '\uffe5' });
}

function clean(text: string): string {
  return sanitizePrinterText(text);
}

function itemLines(model: ReceiptModel, width: number): string[] {
  const out: string[] = [];
  const c = model.columns;
  // 80 mm: name | qty | price | amount on one row. 58 mm: the name on its own line(s), then the numbers.
  const wide: Column[] = [
    { width: width - 28, align: 'left' },
    { width: 8, align: 'right' },
    { width: 10, align: 'right' },
    { width: 10, align: 'right' },
  ];
  const narrow: Column[] = [
    { width: width - 22, align: 'left' },
    { width: 11, align: 'right' },
    { width: 11, align: 'right' },
  ];
  if (width >= 48) {
    out.push(...(columnsRow([clean(c.name), clean(c.quantity), clean(c.unitPrice), clean(c.amount)], wide) ?? []));
  } else {
    out.push(clean(c.name));
    out.push(...(columnsRow([clean(c.quantity), clean(c.unitPrice), clean(c.amount)], narrow) ?? []));
  }
  out.push('-'.repeat(width));
  for (const item of model.items) {
    const name = clean(item.name);
    const quantity = clean(item.quantityText);
    const price = item.quantityText.endsWith('kg') ? `${fenToYuanString(item.unitPriceFen)}/kg` : fenToYuanString(item.unitPriceFen);
    const amount = item.totalFen === null ? '' : fenToYuanString(item.totalFen);
    let rows: string[] | null = null;
    if (width >= 48) rows = columnsRow([name, quantity, price, amount], wide);
    if (!rows) {
      const numbers = columnsRow([`${quantity} x`, price, amount], narrow);
      rows = numbers ? [...wrapToWidth(name, width), ...numbers] : [...wrapToWidth(name, width), ...leftRight(`${quantity} x ${price}`, amount, width)];
    }
    out.push(...rows);
    if (item.discountFen !== null) out.push(...leftRight(`  ${clean(c.discount)}`, fenToYuanString(item.discountFen), width));
  }
  return out;
}

function fieldLines(fields: readonly ReceiptField[], width: number, indent = ''): string[] {
  return fields.flatMap((f) => leftRight(`${indent}${clean(f.label)}`, clean(f.value), width));
}

function centered(text: string, width: number): string[] {
  // Centering is done by the printer (ESC a 1); here only wrap so no line overflows.
  return wrapToWidth(clean(text), width);
}

export function renderReceiptEscPos(model: ReceiptModel, options: EscPosOptions = {}): Uint8Array {
  const paperWidth = options.paperWidth ?? 80;
  const width = COLUMNS[paperWidth];
  const rule = '-'.repeat(width);
  const out = new EscPosOut();

  out.cmd(ESC_POS.INIT).cmd(ESC_POS.CHINESE_MODE);
  const kick = options.openDrawer === undefined || options.openDrawer === 'auto' ? model.hasCash : options.openDrawer;
  // Kick first so the drawer opens while the receipt prints, not after.
  if (kick) out.cmd(ESC_POS.DRAWER_KICK);

  // Header
  out.cmd(ESC_POS.ALIGN_CENTER).cmd(ESC_POS.BOLD_ON).cmd(ESC_POS.SIZE_DOUBLE).cmd(ESC_POS.CJK_SIZE_DOUBLE);
  out.lines(centered(model.store.name, Math.floor(width / 2)));
  out.cmd(ESC_POS.SIZE_NORMAL).cmd(ESC_POS.CJK_SIZE_NORMAL).cmd(ESC_POS.BOLD_OFF);
  for (const line of model.storeLines) out.lines(centered(line, width));
  out.cmd(ESC_POS.BOLD_ON).lines(centered(model.title, width)).cmd(ESC_POS.BOLD_OFF);
  out.cmd(ESC_POS.ALIGN_LEFT).line(rule);

  out.lines(fieldLines(model.meta, width)).line(rule);

  if (model.items.length > 0) out.lines(itemLines(model, width)).line(rule);

  for (const row of model.adjustments) out.lines(leftRight(clean(row.label), money(row.amountFen), width));

  out.cmd(ESC_POS.BOLD_ON).cmd(ESC_POS.SIZE_DOUBLE_HEIGHT).cmd(ESC_POS.CJK_SIZE_DOUBLE_HEIGHT);
  out.lines(leftRight(clean(model.total.label), money(model.total.amountFen), width));
  out.cmd(ESC_POS.SIZE_NORMAL).cmd(ESC_POS.CJK_SIZE_NORMAL).cmd(ESC_POS.BOLD_OFF);

  for (const tax of model.taxes) out.lines(leftRight(`  ${clean(tax.label)}`, money(tax.taxFen), width));

  if (model.tenders.length > 0) {
    out.line(rule).line(clean(model.tendersTitle));
    for (const tender of model.tenders) {
      out.lines(leftRight(clean(tender.label), money(tender.amountFen), width));
      const subs = [tender.tendered, tender.change].filter((f): f is ReceiptField => f !== null);
      out.lines(fieldLines(subs, width, '  ')).lines(fieldLines(tender.details, width, '  '));
    }
  }
  if (model.references.length > 0) {
    out.line(clean(model.referencesTitle)).lines(fieldLines(model.references, width, '  '));
  }
  out.line(rule);

  const qrSize = options.qrModuleSize ?? (paperWidth === 58 ? 5 : 6);
  out.cmd(ESC_POS.ALIGN_CENTER);
  if (qrSize > 0) {
    out.cmd(qrCodeCommand(model.qrPayload, qrSize)).line();
    out.lines(centered(model.qrCaption, width));
  }
  for (const line of model.footer) out.lines(centered(line, width));
  out.cmd(ESC_POS.ALIGN_LEFT).cmd(ESC_POS.FEED_4);

  const cut = options.cut ?? 'partial';
  if (cut === 'full') out.cmd(ESC_POS.CUT_FULL);
  else if (cut === 'partial') out.cmd(ESC_POS.CUT_PARTIAL);
  return out.bytes();
}

/** Decodes printer bytes as GB18030 (commands come out as control characters); for previews and tests. */
export function decodePrinterText(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gb18030');
}
