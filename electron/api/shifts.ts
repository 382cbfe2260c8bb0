/**
 * shift.*: the drawer's API. Only a manager (or owner) opens a shift, moves cash and closes; a
 * cashier may do it with a manager's approval (name + PIN typed at the till), and the manager who
 * approved is then the one on record (opened_by/closed_by/user of the movement) while the audit
 * names both. The X report defaults to this terminal's open shift.
 */
import type { Core } from '../core/createCore';
import { buildShiftReport } from '../reports/shiftReport';
import type { DrawerActor } from '../reports/shifts';
import type { ShiftCash, ShiftReport } from '../reports/types';
import type { ShiftDto, ShiftSummaryDto } from './dto';
import { TillError } from './errors';
import { hasRole, type Session } from './sessions';

/** The manager responsible for a drawer action: the session's user if a manager, else the approver. */
export async function drawerActor(core: Core, session: Session, approval: { username: string; pin: string } | undefined): Promise<DrawerActor> {
  const base = { userId: session.userId, terminalId: session.terminalId };
  if (hasRole(session.role, 'manager')) return { ...base, managerId: session.userId, approverId: null };
  if (!approval) throw new TillError('APPROVAL_REQUIRED', { action: 'shift' });
  const approver = await core.sessions.approve(approval, 'manager');
  return { ...base, managerId: approver.id, approverId: approver.id };
}

export function toShiftDto(core: Core, shiftId: string): ShiftDto {
  const shift = core.shifts.store.get(shiftId);
  if (!shift) throw new TillError('SHIFT_NOT_FOUND', { shiftId });
  return { ...core.shifts.cash(shiftId), businessDate: shift.business_date, movements: core.shifts.movements(shiftId) };
}

export function currentShift(core: Core, terminalId: string): ShiftDto | null {
  const open = core.shifts.current(terminalId);
  return open ? toShiftDto(core, open.id) : null;
}

/** status.get's shift slot: the terminal's open shift in brief, or null. */
export function shiftSummary(core: Core, terminalId: string): ShiftSummaryDto | null {
  const open = core.shifts.current(terminalId);
  if (!open) return null;
  const cash: ShiftCash = core.shifts.cash(open.id);
  return { id: open.id, openedAt: open.opened_at, openedByName: cash.openedByName };
}

/** The X report of a shift, by default this terminal's open one (SHIFT_NOT_OPEN when none). */
export function shiftReport(core: Core, terminalId: string, shiftId: string | undefined): ShiftReport {
  const id = shiftId ?? core.shifts.current(terminalId)?.id;
  if (!id) throw new TillError('SHIFT_NOT_OPEN', { terminalId });
  return buildShiftReport(core.db, id, core.nowIso());
}
