import type { Database } from 'better-sqlite3';
import { getStore } from '../../db/stores/storesAndTerminals';
import { ShiftStore } from '../../db/stores/shifts';
import { TillError } from '../api/errors';
import { shiftCash } from './shifts';
import type { ShiftReport, Tender, TenderTotals } from './types';

/** Order states that mean the order reached `paid` (types.ts: a sale). */
const SALE_STATES = "('paid', 'in_progress', 'completed', 'refunded', 'partially_refunded')";
const TENDERS: readonly Tender[] = ['cash', 'wechat', 'alipay'];

/**
 * The shift (X) report: the drawer's cash (expected so far while open, frozen once closed), the
 * cash movements, the sales rung up in the shift, and what each tender took and paid back in it.
 * Printable any time; reads only the shift's own rows (the shift indexes).
 */
export function buildShiftReport(db: Database, shiftId: string, generatedAt: string): ShiftReport {
  const shift = new ShiftStore(db).get(shiftId);
  if (!shift) throw new TillError('SHIFT_NOT_FOUND', { shiftId });
  const store = getStore(db, shift.store_id);
  const sales = db
    .prepare(`SELECT COALESCE(SUM(total_fen), 0) AS salesFen, count(*) AS orderCount FROM orders WHERE shift_id = ? AND state IN ${SALE_STATES}`)
    .get(shiftId) as { salesFen: number; orderCount: number };
  const taken = db
    .prepare(
      `SELECT tender, COALESCE(SUM(amount_fen), 0) AS fen, count(*) AS n FROM payments
        WHERE shift_id = ? AND state = 'succeeded' GROUP BY tender`,
    )
    .all(shiftId) as { tender: Tender; fen: number; n: number }[];
  const refunded = db
    .prepare(
      `SELECT p.tender AS tender, COALESCE(SUM(r.amount_fen), 0) AS fen, count(*) AS n FROM refunds r JOIN payments p ON p.id = r.payment_id
        WHERE r.shift_id = ? AND r.state = 'succeeded' GROUP BY p.tender`,
    )
    .all(shiftId) as { tender: Tender; fen: number; n: number }[];
  const tenders: TenderTotals[] = TENDERS.map((tender) => {
    const t = taken.find((row) => row.tender === tender);
    const r = refunded.find((row) => row.tender === tender);
    const takenFen = t?.fen ?? 0;
    const refundedFen = r?.fen ?? 0;
    return { tender, takenFen, paymentCount: t?.n ?? 0, refundedFen, refundCount: r?.n ?? 0, netFen: takenFen - refundedFen };
  });
  const refundsFen = refunded.reduce((sum, row) => sum + row.fen, 0);
  return {
    storeId: shift.store_id,
    storeName: store?.name ?? shift.store_id,
    generatedAt,
    cash: shiftCash(db, shiftId),
    movements: new ShiftStore(db).movements(shiftId).map((m) => ({
      id: m.id,
      kind: m.kind,
      amountFen: m.amount_fen,
      reason: m.reason,
      userId: m.user_id,
      userName: m.user_name,
      at: m.at,
    })),
    sales: { salesFen: sales.salesFen, orderCount: sales.orderCount, refundsFen, netFen: sales.salesFen - refundsFen },
    tenders,
  };
}
