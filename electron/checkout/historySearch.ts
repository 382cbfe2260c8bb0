import { escapeLike, type OrderSearchCriteria } from '../../db/stores/orders';

/** A full order number, `<store>-<terminal>-<yyyymmdd>-<seq>` (what the receipt's QR code carries). */
const FULL_ORDER_NO = /^[A-Za-z0-9]{1,16}-[A-Za-z0-9]{1,16}-\d{8}-\d{1,6}$/;
/** An amount in yuan as a cashier types it: 12, 12., 12.5, 12.50, ¥12.50 (no grouping commas). */
const YUAN = /^[¥￥]?(\d{1,8})(?:\.(\d{0,2}))?$/;

export interface HistoryQuery {
  /** A full order number: look it up exactly, on any day, before searching the chosen day. */
  orderNo: string | null;
  /** What to look for within the chosen business day. */
  criteria: OrderSearchCriteria;
}

/**
 * Turns the history screen's one search box into what the store can look for. A full order number
 * (typed or scanned from a receipt's QR code) is also looked up exactly on any day; the chosen day
 * is searched for any of: the order's sequence number or number ending, an amount in yuan
 * (as a prefix while typing: "12" → ¥12.00–¥12.99, "12.5" → ¥12.50–¥12.59, "12.50" → exactly),
 * a product name/SKU/barcode on a line, or (ASCII letters) the product's pinyin or initials.
 * Integer fen only: the yuan text is split at the point, never parsed as a float.
 */
export function interpretHistoryQuery(raw: string): HistoryQuery {
  const q = raw.trim();
  const criteria: OrderSearchCriteria = { text: q };
  if (/^\d{1,6}$/.test(q)) criteria.seq = Number.parseInt(q, 10);
  // Digits match the end of the number (…-0012); with a dash, anywhere in it (T01-2026…).
  if (q.includes('-')) criteria.orderNoPattern = `%${escapeLike(q)}%`;
  else if (/^\d+$/.test(q)) criteria.orderNoPattern = `%${q}`;
  const yuan = YUAN.exec(q);
  if (yuan && /\d/.test(q)) {
    const whole = Number.parseInt(yuan[1]!, 10) * 100;
    const decimals = yuan[2] ?? '';
    if (decimals.length === 2) {
      const fen = whole + Number.parseInt(decimals, 10);
      criteria.totalFen = { from: fen, to: fen };
    } else if (decimals.length === 1) {
      const from = whole + Number.parseInt(decimals, 10) * 10;
      criteria.totalFen = { from, to: from + 9 };
    } else {
      criteria.totalFen = { from: whole, to: whole + 99 };
    }
  }
  if (/^[A-Za-z]{1,32}$/.test(q)) criteria.pinyinPrefix = escapeLike(q.toLowerCase());
  return { orderNo: FULL_ORDER_NO.test(q) ? q : null, criteria };
}
