/**
 * Shifts and the cash drawer: the rules. The expected cash of a drawer is derived from the rows
 * (see ShiftCash in ./types.ts) by SQL in db/stores/shifts.ts; this module maps it and enforces
 * who may open, move cash and close.
 */
import type { Database } from 'better-sqlite3';
import { ShiftStore, type ShiftCashRow } from '../../db/stores/shifts';
import { TillError } from '../api/errors';
import type { ShiftCash } from './types';

function toShiftCash(row: ShiftCashRow): ShiftCash {
  const closed = row.state === 'closed';
  return {
    shiftId: row.id,
    terminalId: row.terminal_id,
    state: row.state,
    openedBy: row.opened_by,
    openedByName: row.opened_by_name,
    openedAt: row.opened_at,
    closedBy: row.closed_by,
    closedByName: row.closed_by_name,
    closedAt: row.closed_at,
    openingFloatFen: row.opening_float_fen,
    cashTakenFen: row.cash_taken_fen,
    changeGivenFen: row.change_given_fen,
    cashRefundsFen: row.cash_refunds_fen,
    cashInFen: row.cash_in_fen,
    cashOutFen: row.cash_out_fen,
    // Frozen at close; while open, the formula over the rows now.
    expectedFen: closed && row.expected_fen !== null ? row.expected_fen : row.live_expected_fen,
    countedFen: closed ? row.counted_fen : null,
    differenceFen: closed ? row.difference_fen : null,
  };
}

/** Every shift of the store that opened on the business day, in opening order, with its cash. */
export function listShiftCash(db: Database, storeId: string, businessDate: string): ShiftCash[] {
  return new ShiftStore(db).cashForDay(storeId, businessDate).map(toShiftCash);
}

/** One shift's cash; SHIFT_NOT_FOUND when there is no such shift. */
export function shiftCash(db: Database, shiftId: string): ShiftCash {
  const row = new ShiftStore(db).cash(shiftId);
  if (!row) throw new TillError('SHIFT_NOT_FOUND', { shiftId });
  return toShiftCash(row);
}
