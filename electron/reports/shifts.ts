/**
 * Shifts and the cash drawer: the rules. The expected cash of a drawer is derived from the rows
 * (see ShiftCash in ./types.ts) by SQL in db/stores/shifts.ts; this module maps it and enforces
 * who may open, move cash and close.
 */
import type { Database } from 'better-sqlite3';
import { ShiftStore, type DenominationCount, type ShiftCashRow, type ShiftRow } from '../../db/stores/shifts';
import { appendAudit } from '../../db/stores/audit';
import { TillError } from '../api/errors';
import { formatFen } from '../checkout/money';
import type { CashMovement, ShiftCash } from './types';

/** The notes and coins a drawer is counted in, as fen: 100, 50, 20, 10, 5, 1 yuan, 5 jiao, 1 jiao. */
export const DENOMINATIONS_FEN = [10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10] as const;

export type { DenominationCount };

/** A count as typed: the pieces per denomination, a plain total, or both (then they must agree). */
export interface CashCount {
  totalFen?: number | undefined;
  denominations?: DenominationCount | undefined;
}

/**
 * The total of a count. With denominations the total is computed from them and a given total that
 * disagrees is SHIFT_COUNT_MISMATCH; unknown denominations or non-integer pieces are SHIFT_COUNT_INVALID.
 */
export function countTotal(count: CashCount): { totalFen: number; denominations: DenominationCount | null } {
  if (count.denominations === undefined) {
    if (count.totalFen === undefined) throw new TillError('SHIFT_COUNT_INVALID', { reason: 'give a total or the denominations', reasonZh: '请填写总额或按面额点钞' });
    if (!Number.isSafeInteger(count.totalFen) || count.totalFen < 0) throw new TillError('SHIFT_COUNT_INVALID', { reason: 'the total is not whole fen', reasonZh: '总额无效' });
    return { totalFen: count.totalFen, denominations: null };
  }
  let total = 0;
  const kept: DenominationCount = {};
  for (const [key, pieces] of Object.entries(count.denominations)) {
    const denomination = Number(key);
    if (!(DENOMINATIONS_FEN as readonly number[]).includes(denomination)) {
      throw new TillError('SHIFT_COUNT_INVALID', { reason: `unknown denomination ${key}`, reasonZh: `未知面额 ${key}` });
    }
    if (!Number.isSafeInteger(pieces) || pieces < 0) throw new TillError('SHIFT_COUNT_INVALID', { reason: `pieces of ${key}`, reasonZh: `${key} 的张数无效` });
    if (pieces > 0) kept[String(denomination)] = pieces;
    total += denomination * pieces;
  }
  if (count.totalFen !== undefined && count.totalFen !== total) {
    throw new TillError('SHIFT_COUNT_MISMATCH', { countedTotal: formatFen(total), givenTotal: formatFen(count.totalFen) });
  }
  return { totalFen: total, denominations: kept };
}

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

function toMovement(row: { id: string; kind: 'in' | 'out'; amount_fen: number; reason: string; user_id: string; user_name: string | null; at: string }): CashMovement {
  return { id: row.id, kind: row.kind, amountFen: row.amount_fen, reason: row.reason, userId: row.user_id, userName: row.user_name, at: row.at };
}

/** Who acts on the drawer: the session's user, and the manager responsible (the user, or the approver). */
export interface DrawerActor {
  userId: string;
  terminalId: string;
  /** The manager or owner doing it: the session's user, or the manager who approved a cashier's request. */
  managerId: string;
  /** Set when a cashier acted with a manager's approval. */
  approverId: string | null;
}

export interface ShiftServiceOptions {
  db: Database;
  storeId: () => string;
  /** The business day of now (store zone, day-start hour), as orders get theirs. */
  today: () => string;
  newUlid: () => string;
  nowIso: () => string;
  /** After a committed open, cash movement or close (the status bar and the cashier's banner refresh). */
  onChanged?: (change: { terminalId: string; shiftId: string; state: 'open' | 'closed' }) => void;
}

/**
 * The drawer's rules: one open shift per terminal; each opens with its own counted float (never the
 * previous close); cash in/out carries a reason; the close freezes the expected cash from the rows
 * and records counted − expected. Every step is audited. No outbox row is written: the sync worker
 * sends only orders and would leave a 'shift' row pending for ever (a false backlog).
 */
export class ShiftService {
  readonly store: ShiftStore;
  private readonly db: Database;

  constructor(private readonly options: ShiftServiceOptions) {
    this.db = options.db;
    this.store = new ShiftStore(options.db);
  }

  current(terminalId: string): ShiftRow | undefined {
    return this.store.openFor(terminalId);
  }

  cash(shiftId: string): ShiftCash {
    return shiftCash(this.db, shiftId);
  }

  movements(shiftId: string): CashMovement[] {
    return this.store.movements(shiftId).map(toMovement);
  }

  listForDay(businessDate: string): ShiftCash[] {
    return listShiftCash(this.db, this.options.storeId(), businessDate);
  }

  private requireOpen(terminalId: string): ShiftRow {
    const shift = this.store.openFor(terminalId);
    if (!shift) throw new TillError('SHIFT_NOT_OPEN', { terminalId });
    return shift;
  }

  open(actor: DrawerActor, count: CashCount): ShiftCash {
    const { totalFen, denominations } = countTotal(count);
    const now = this.options.nowIso();
    const id = this.options.newUlid();
    this.db.transaction(() => {
      const existing = this.store.openFor(actor.terminalId);
      if (existing) throw new TillError('SHIFT_ALREADY_OPEN', { shiftId: existing.id, openedAt: existing.opened_at });
      try {
        this.store.insert({
          id,
          store_id: this.options.storeId(),
          terminal_id: actor.terminalId,
          business_date: this.options.today(),
          state: 'open',
          opened_by: actor.managerId,
          opened_at: now,
          opening_float_fen: totalFen,
          opening_count: denominations ? JSON.stringify(denominations) : null,
          closed_by: null,
          closed_at: null,
          counted_fen: null,
          closing_count: null,
          expected_fen: null,
          difference_fen: null,
          close_note: null,
        });
      } catch (error) {
        // The unique index is the last guard against two opens racing past the check above.
        if (error instanceof Error && /UNIQUE constraint failed: shifts\.terminal_id/.test(error.message)) {
          throw new TillError('SHIFT_ALREADY_OPEN', { openedAt: this.store.openFor(actor.terminalId)?.opened_at ?? now });
        }
        throw error;
      }
      appendAudit(this.db, {
        at: now,
        terminalId: actor.terminalId,
        userId: actor.userId,
        approverId: actor.approverId,
        action: 'shift.opened',
        target: id,
        details: { openingFloatFen: totalFen, denominations },
      });
    })();
    this.options.onChanged?.({ terminalId: actor.terminalId, shiftId: id, state: 'open' });
    return this.cash(id);
  }

  cashMovement(actor: DrawerActor, movement: { kind: 'in' | 'out'; amountFen: number; reason: string }): ShiftCash {
    const reason = movement.reason.trim();
    if (reason.length === 0) throw new TillError('VALIDATION_FAILED', { summary: 'reason' });
    if (!Number.isSafeInteger(movement.amountFen) || movement.amountFen <= 0) throw new TillError('VALIDATION_FAILED', { summary: 'amountFen' });
    const now = this.options.nowIso();
    const shift = this.db.transaction(() => {
      const open = this.requireOpen(actor.terminalId);
      const id = this.options.newUlid();
      this.store.insertMovement({ id, shift_id: open.id, kind: movement.kind, amount_fen: movement.amountFen, reason, user_id: actor.managerId, at: now });
      appendAudit(this.db, {
        at: now,
        terminalId: actor.terminalId,
        userId: actor.userId,
        approverId: actor.approverId,
        action: movement.kind === 'in' ? 'shift.cash_in' : 'shift.cash_out',
        target: open.id,
        details: { movementId: id, amountFen: movement.amountFen, reason },
      });
      return open;
    })();
    this.options.onChanged?.({ terminalId: actor.terminalId, shiftId: shift.id, state: 'open' });
    return this.cash(shift.id);
  }

  /** Closes the terminal's open shift with a count: expected is frozen from the rows now. */
  close(actor: DrawerActor, count: CashCount, note?: string): ShiftCash {
    const { totalFen, denominations } = countTotal(count);
    const now = this.options.nowIso();
    const closed = this.db.transaction(() => {
      const open = this.requireOpen(actor.terminalId);
      const live = this.store.cash(open.id)!;
      const row = this.store.close(open.id, {
        closed_by: actor.managerId,
        closed_at: now,
        counted_fen: totalFen,
        closing_count: denominations ? JSON.stringify(denominations) : null,
        expected_fen: live.live_expected_fen,
        close_note: note?.trim() ? note.trim() : null,
      });
      if (!row) throw new TillError('SHIFT_NOT_OPEN', { terminalId: actor.terminalId });
      appendAudit(this.db, {
        at: now,
        terminalId: actor.terminalId,
        userId: actor.userId,
        approverId: actor.approverId,
        action: 'shift.closed',
        target: open.id,
        details: { countedFen: totalFen, expectedFen: row.expected_fen, differenceFen: row.difference_fen, denominations, note: row.close_note },
      });
      return row;
    })();
    this.options.onChanged?.({ terminalId: actor.terminalId, shiftId: closed.id, state: 'closed' });
    return this.cash(closed.id);
  }
}
