import type { Database } from 'better-sqlite3';

/** Denomination count: {denominationFen: pieces}, e.g. {"10000": 3, "50": 4}. */
export type DenominationCount = Record<string, number>;

export interface ShiftRow {
  id: string;
  store_id: string;
  terminal_id: string;
  business_date: string;
  state: 'open' | 'closed';
  opened_by: string;
  opened_at: string;
  opening_float_fen: number;
  opening_count: string | null;
  closed_by: string | null;
  closed_at: string | null;
  counted_fen: number | null;
  closing_count: string | null;
  expected_fen: number | null;
  difference_fen: number | null;
  close_note: string | null;
  version: number;
}

export interface CashMovementRow {
  id: string;
  shift_id: string;
  kind: 'in' | 'out';
  amount_fen: number;
  reason: string;
  user_id: string;
  at: string;
}

/**
 * One shift with its drawer's cash components summed from the rows (see ShiftCash in
 * electron/reports/types.ts for the definitions). `live_expected_fen` is the formula over the rows
 * now; a closed shift's frozen `expected_fen` is what the close recorded.
 */
export interface ShiftCashRow extends ShiftRow {
  opened_by_name: string | null;
  closed_by_name: string | null;
  cash_taken_fen: number;
  change_given_fen: number;
  cash_refunds_fen: number;
  cash_in_fen: number;
  cash_out_fen: number;
  live_expected_fen: number;
}

// Every component is a correlated sum over one shift's rows, through the shift indexes
// (payments_shift, refunds_shift, cash_movements_shift); `where` filters the shifts (alias s).
function shiftCashSql(where: string): string {
  return `
  SELECT t.*,
         t.opening_float_fen + t.cash_taken_fen - t.change_given_fen - t.cash_refunds_fen + t.cash_in_fen - t.cash_out_fen
           AS live_expected_fen
  FROM (
    SELECT s.*,
           (SELECT display_name FROM users WHERE id = s.opened_by) AS opened_by_name,
           (SELECT display_name FROM users WHERE id = s.closed_by) AS closed_by_name,
           (SELECT COALESCE(SUM(p.tendered_fen), 0) FROM payments p
             WHERE p.shift_id = s.id AND p.tender = 'cash' AND p.state = 'succeeded') AS cash_taken_fen,
           (SELECT COALESCE(SUM(p.change_fen), 0) FROM payments p
             WHERE p.shift_id = s.id AND p.tender = 'cash' AND p.state = 'succeeded') AS change_given_fen,
           (SELECT COALESCE(SUM(r.amount_fen), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
             WHERE r.shift_id = s.id AND r.state = 'succeeded' AND p.tender = 'cash') AS cash_refunds_fen,
           (SELECT COALESCE(SUM(m.amount_fen), 0) FROM cash_movements m WHERE m.shift_id = s.id AND m.kind = 'in') AS cash_in_fen,
           (SELECT COALESCE(SUM(m.amount_fen), 0) FROM cash_movements m WHERE m.shift_id = s.id AND m.kind = 'out') AS cash_out_fen
    FROM shifts s
    WHERE ${where}
  ) t
  ORDER BY t.opened_at, t.id`;
}

export class ShiftStore {
  constructor(private readonly db: Database) {}

  get(id: string): ShiftRow | undefined {
    return this.db.prepare('SELECT * FROM shifts WHERE id = ?').get(id) as ShiftRow | undefined;
  }

  /** The terminal's open shift (at most one: the shifts_one_open index). */
  openFor(terminalId: string): ShiftRow | undefined {
    return this.db.prepare("SELECT * FROM shifts WHERE terminal_id = ? AND state = 'open'").get(terminalId) as ShiftRow | undefined;
  }

  insert(row: Omit<ShiftRow, 'version'>): void {
    this.db
      .prepare(
        `INSERT INTO shifts (id, store_id, terminal_id, business_date, state, opened_by, opened_at, opening_float_fen, opening_count,
                             closed_by, closed_at, counted_fen, closing_count, expected_fen, difference_fen, close_note)
         VALUES (@id, @store_id, @terminal_id, @business_date, @state, @opened_by, @opened_at, @opening_float_fen, @opening_count,
                 @closed_by, @closed_at, @counted_fen, @closing_count, @expected_fen, @difference_fen, @close_note)`,
      )
      .run(row);
  }

  /** Closes an open shift; undefined when it was no longer open (closed by another path). */
  close(
    id: string,
    close: { closed_by: string; closed_at: string; counted_fen: number; closing_count: string | null; expected_fen: number; close_note: string | null },
  ): ShiftRow | undefined {
    return this.db
      .prepare(
        `UPDATE shifts SET state = 'closed', closed_by = @closed_by, closed_at = @closed_at, counted_fen = @counted_fen,
                closing_count = @closing_count, expected_fen = @expected_fen, difference_fen = @counted_fen - @expected_fen,
                close_note = @close_note, version = version + 1
         WHERE id = @id AND state = 'open' RETURNING *`,
      )
      .get({ ...close, id }) as ShiftRow | undefined;
  }

  insertMovement(row: CashMovementRow): void {
    this.db
      .prepare('INSERT INTO cash_movements (id, shift_id, kind, amount_fen, reason, user_id, at) VALUES (@id, @shift_id, @kind, @amount_fen, @reason, @user_id, @at)')
      .run(row);
  }

  movements(shiftId: string): (CashMovementRow & { user_name: string | null })[] {
    return this.db
      .prepare(
        `SELECT m.*, u.display_name AS user_name FROM cash_movements m LEFT JOIN users u ON u.id = m.user_id
         WHERE m.shift_id = ? ORDER BY m.at, m.id`,
      )
      .all(shiftId) as (CashMovementRow & { user_name: string | null })[];
  }

  cash(shiftId: string): ShiftCashRow | undefined {
    return this.db.prepare(shiftCashSql('s.id = ?')).get(shiftId) as ShiftCashRow | undefined;
  }

  /** Every shift of the store that opened in the business day, in opening order. */
  cashForDay(storeId: string, businessDate: string): ShiftCashRow[] {
    return this.db
      .prepare(shiftCashSql('s.store_id = ? AND s.business_date = ?'))
      .all(storeId, businessDate) as ShiftCashRow[];
  }
}
