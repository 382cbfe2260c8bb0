import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestCore, type TestCore } from '../../support/core';
import { CASHIER, cartOf } from '../../support/syncTill';
import { listShiftCash, shiftCash } from '../../../electron/reports/shifts';
import type { DrawerActor } from '../../../electron/reports/shifts';

/**
 * Random drawer days through the real core's services (OrderService, RefundEngine, ShiftService;
 * the dispatcher and PIN hashing are skipped for speed, the SQL is the production path): cash
 * sales with tendered amounts and change (some split: the cash part only), cash refunds of earlier
 * sales, cash in and out, and closes with a random count followed by a new shift with its own float.
 * For every shift, the expected cash from listShiftCash/shiftCash must equal
 *   (1) an independent recomputation in plain TypeScript from the raw rows of payments, refunds and
 *       cash_movements (filtered here, not in SQL), and
 *   (2) the formula float + tendered − change − cash refunds + in − out over what the test itself did;
 * and at close, difference = counted − expected, with expected frozen.
 */

type Op =
  | { kind: 'sale'; quantity: number; extraFen: number; split: boolean }
  | { kind: 'refund'; pick: number; fraction: number }
  | { kind: 'in'; amountFen: number }
  | { kind: 'out'; amountFen: number }
  | { kind: 'close'; countDeltaFen: number; nextFloatFen: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('sale' as const), quantity: fc.integer({ min: 1, max: 4 }), extraFen: fc.integer({ min: 0, max: 10_000 }), split: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), fraction: fc.double({ min: 0.01, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('in' as const, 'out' as const), amountFen: fc.integer({ min: 1, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), countDeltaFen: fc.integer({ min: -2_000, max: 2_000 }), nextFloatFen: fc.integer({ min: 0, max: 100_000 }) }) },
);

interface ModelShift {
  id: string;
  floatFen: number;
  tenderedFen: number;
  changeFen: number;
  refundsFen: number;
  inFen: number;
  outFen: number;
}

const formula = (s: ModelShift) => s.floatFen + s.tenderedFen - s.changeFen - s.refundsFen + s.inFen - s.outFen;

let t: TestCore;
let manager: DrawerActor;
beforeAll(async () => {
  t = await startTestCore({ shift: false, extra: { paymentsManual: true } });
  manager = { userId: 'demo-manager', terminalId: CASHIER.terminalId, managerId: 'demo-manager', approverId: null };
});
afterAll(async () => t?.cleanup());

/** Expected cash recomputed from the raw rows in plain TypeScript (no SQL aggregation, no shared code). */
function fromRawRows(shiftId: string): number {
  const shift = t.core.db.prepare('SELECT opening_float_fen FROM shifts WHERE id = ?').get(shiftId) as { opening_float_fen: number };
  const payments = t.core.db.prepare('SELECT id, tender, state, tendered_fen, change_fen, shift_id FROM payments').all() as {
    id: string;
    tender: string;
    state: string;
    tendered_fen: number | null;
    change_fen: number;
    shift_id: string | null;
  }[];
  const refunds = t.core.db.prepare('SELECT payment_id, state, amount_fen, shift_id FROM refunds').all() as { payment_id: string; state: string; amount_fen: number; shift_id: string | null }[];
  const movements = t.core.db.prepare('SELECT kind, amount_fen, shift_id FROM cash_movements').all() as { kind: string; amount_fen: number; shift_id: string }[];
  const cashPaymentIds = new Set(payments.filter((p) => p.tender === 'cash').map((p) => p.id));
  let expected = shift.opening_float_fen;
  for (const p of payments) if (p.shift_id === shiftId && p.tender === 'cash' && p.state === 'succeeded') expected += (p.tendered_fen ?? 0) - p.change_fen;
  for (const r of refunds) if (r.shift_id === shiftId && r.state === 'succeeded' && cashPaymentIds.has(r.payment_id)) expected -= r.amount_fen;
  for (const m of movements) if (m.shift_id === shiftId) expected += m.kind === 'in' ? m.amount_fen : -m.amount_fen;
  return expected;
}

describe('shift cash (property)', () => {
  it('expected = the raw rows recomputed = the formula; difference at close = counted − expected', () => {
    const cart = cartOf(t.core);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(opArb, { minLength: 1, maxLength: 14 }), (floatFen, ops) => {
        // Each run starts a fresh shift on the same till: earlier runs' rows must not leak in.
        const left = t.core.shifts.current(CASHIER.terminalId);
        if (left) t.core.shifts.close(manager, { totalFen: 0 });
        let model: ModelShift = { id: t.core.shifts.open(manager, { totalFen: floatFen }).shiftId, floatFen, tenderedFen: 0, changeFen: 0, refundsFen: 0, inFen: 0, outFen: 0 };
        const closed: { model: ModelShift; countedFen: number }[] = [];
        const sold: { orderId: string; refundableFen: number }[] = [];
        for (const op of ops) {
          t.clock.advance(1_000);
          if (op.kind === 'sale') {
            const order = t.core.orders.checkout(CASHIER, { ...cart, lines: cart.lines.map((line) => ({ ...line, quantity: op.quantity })) }).order;
            // A split tender pays part in cash (the rest would be another tender; here the order stays part-paid).
            const cashPart = op.split && order.total_fen > 1 ? Math.floor(order.total_fen / 2) : order.total_fen;
            const tendered = cashPart + op.extraFen;
            const { changeFen } = t.core.orders.payCash(CASHIER, order.id, tendered, op.split ? cashPart : undefined);
            expect(changeFen).toBe(op.extraFen);
            model.tenderedFen += tendered;
            model.changeFen += changeFen;
            if (!op.split || cashPart === order.total_fen) sold.push({ orderId: order.id, refundableFen: cashPart });
          } else if (op.kind === 'refund') {
            const candidates = sold.filter((s) => s.refundableFen > 0);
            if (candidates.length === 0) continue;
            const target = candidates[op.pick % candidates.length]!;
            const amount = Math.max(1, Math.min(target.refundableFen, Math.floor(target.refundableFen * op.fraction)));
            t.core.refunds.requestRefund(CASHIER, { orderId: target.orderId, amountFen: amount, reason: '退货', approverId: 'demo-manager' });
            target.refundableFen -= amount;
            model.refundsFen += amount;
          } else if (op.kind === 'in' || op.kind === 'out') {
            t.core.shifts.cashMovement(manager, { kind: op.kind, amountFen: op.amountFen, reason: op.kind === 'in' ? '补零钱' : '存银行' });
            if (op.kind === 'in') model.inFen += op.amountFen;
            else model.outFen += op.amountFen;
          } else if (op.kind === 'close') {
            const expected = formula(model);
            const countedFen = Math.max(0, expected + op.countDeltaFen);
            const result = t.core.shifts.close(manager, { totalFen: countedFen });
            expect(result.expectedFen).toBe(expected);
            expect(result.differenceFen).toBe(countedFen - expected);
            closed.push({ model, countedFen });
            // The next shift's float is its own count.
            model = { id: t.core.shifts.open(manager, { totalFen: op.nextFloatFen }).shiftId, floatFen: op.nextFloatFen, tenderedFen: 0, changeFen: 0, refundsFen: 0, inFen: 0, outFen: 0 };
            // Earlier sales' refunds now come out of the new drawer.
          }
        }
        // The open shift: live expected.
        const live = shiftCash(t.core.db, model.id);
        expect(live.expectedFen).toBe(formula(model));
        expect(live.expectedFen).toBe(fromRawRows(model.id));
        expect(live).toMatchObject({ state: 'open', openingFloatFen: model.floatFen, cashTakenFen: model.tenderedFen, changeGivenFen: model.changeFen, cashRefundsFen: model.refundsFen, cashInFen: model.inFen, cashOutFen: model.outFen, countedFen: null, differenceFen: null });
        // Closed shifts: frozen expected, and still equal to the raw rows (nothing lands on a closed drawer).
        const day = listShiftCash(t.core.db, t.core.identity().storeId, t.core.orders.today());
        for (const { model: m, countedFen } of closed) {
          const cash = day.find((s) => s.shiftId === m.id) ?? shiftCash(t.core.db, m.id);
          expect(cash.expectedFen).toBe(formula(m));
          expect(cash.expectedFen).toBe(fromRawRows(m.id));
          expect(cash.countedFen).toBe(countedFen);
          expect(cash.differenceFen).toBe(countedFen - cash.expectedFen);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
