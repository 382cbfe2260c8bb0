import fc from 'fast-check';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../db/migrate';
import { compareBill } from '../../../electron/reports/reconcile';
import type { BillRow, ProviderName, TradeBill } from '../../../electron/payments/provider';

/**
 * compareBill on generated books: the bill is derived from the local payments and refunds, then
 * differences are injected (a line dropped or altered, a success missed locally, a refund not
 * confirmed here, a foreign trade). Every injected difference must be reported exactly once, with
 * its kind, and nothing else — whether the row matches by the provider's id or only by our number.
 */
const DAY = '2026-11-23';
const DAY_START = Date.parse(`${DAY}T00:00:00+08:00`);
const NOW = '2026-11-24T03:00:00.000Z';

function freshDb(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  applyMigrations(db);
  db.prepare("INSERT INTO stores (id, code, name, created_at) VALUES ('S', 'S001', 'Store', ?)").run(NOW);
  db.prepare("INSERT INTO stores (id, code, name, created_at) VALUES ('S2', 'S002', 'Other store', ?)").run(NOW);
  db.prepare("INSERT INTO terminals (id, store_id, code, name, created_at) VALUES ('T', 'S', 'T01', 'Till', ?)").run(NOW);
  db.prepare("INSERT INTO terminals (id, store_id, code, name, created_at) VALUES ('T2', 'S2', 'T01', 'Till', ?)").run(NOW);
  db.prepare("INSERT INTO users (id, store_id, username, display_name, role, pin_hash, created_at, updated_at) VALUES ('U', 'S', 'c', 'C', 'cashier', 'x', ?, ?)").run(NOW, NOW);
  return db;
}

type PaymentFault = 'none' | 'drop' | 'alter' | 'missed_locally' | 'reversed';
type RefundFault = 'none' | 'drop' | 'alter' | 'unconfirmed_locally';

interface GenPayment {
  provider: ProviderName;
  amountFen: number;
  minute: number;
  byId: boolean;
  fault: PaymentFault;
  refunds: { share: number; minute: number; byId: boolean; fault: RefundFault }[];
}

const refundArb = fc.record({
  share: fc.integer({ min: 1, max: 100 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  byId: fc.boolean(),
  fault: fc.constantFrom<RefundFault>('none', 'none', 'drop', 'alter', 'unconfirmed_locally'),
});
const paymentArb = fc.record({
  provider: fc.constantFrom<ProviderName>('wechat', 'alipay'),
  amountFen: fc.integer({ min: 2, max: 5_000_000 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  byId: fc.boolean(),
  fault: fc.constantFrom<PaymentFault>('none', 'none', 'drop', 'alter', 'missed_locally', 'reversed'),
  refunds: fc.array(refundArb, { maxLength: 2 }),
});

interface Expected {
  provider: ProviderName;
  kind: string;
  key: string;
}

function build(db: Database, payments: GenPayment[], foreign: { provider: ProviderName; amountFen: number }[]) {
  const bills: Record<ProviderName, BillRow[]> = { wechat: [], alipay: [] };
  const expected: Expected[] = [];
  const insertOrder = db.prepare(
    `INSERT INTO orders (id, order_no, store_id, terminal_id, business_date, seq, cashier_id, state, subtotal_fen, line_discount_fen,
       order_discount_fen, coupon_fen, rounding_fen, rounding_rule, total_fen, tax_fen, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'U', 'paid', ?, 0, 0, 0, 0, 'none', ?, 0, ?, ?)`,
  );
  const insertPayment = db.prepare(
    `INSERT INTO payments (id, order_id, tender, method, out_trade_no, amount_fen, state, provider_trade_no, created_at, updated_at, succeeded_at)
     VALUES (?, ?, ?, 'merchant_qr', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertRefund = db.prepare(
    `INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, state, provider_refund_id, created_at, updated_at, succeeded_at, business_date)
     VALUES (?, ?, ?, ?, ?, 'succeeded', ?, ?, ?, ?, ?)`,
  );
  payments.forEach((p, i) => {
    const orderId = `O${i}`;
    const paymentId = `P${i}`;
    const outTradeNo = `T${String(i).padStart(26, '0')}`;
    const providerTradeNo = `${p.provider === 'wechat' ? '4200' : '2026'}${String(i).padStart(20, '0')}`;
    const at = new Date(DAY_START + p.minute * 60_000).toISOString();
    // Missed here (a success never confirmed), or reversed after it was paid (a code payment's
    // reversal/cancel gave the money straight back): neither has refunds of ours.
    const missed = p.fault === 'missed_locally' || p.fault === 'reversed';
    insertOrder.run(orderId, `S001-T01-${i}`, 'S', 'T', DAY, i + 1, p.amountFen, p.amountFen, at, at);
    insertPayment.run(paymentId, orderId, p.provider, outTradeNo, p.amountFen, 'succeeded', missed ? null : providerTradeNo, at, at, at);
    const billRow: BillRow = {
      provider: p.provider,
      kind: 'payment',
      tradeTime: at,
      providerTradeNo: p.byId ? providerTradeNo : '',
      outTradeNo,
      amountFen: p.fault === 'alter' ? p.amountFen + 1 : p.amountFen,
      status: 'SUCCESS',
    };
    if (p.fault !== 'drop') bills[p.provider].push(billRow);
    if (p.fault === 'drop') expected.push({ provider: p.provider, kind: 'missing_at_provider', key: outTradeNo });
    if (p.fault === 'alter') expected.push({ provider: p.provider, kind: 'amount_mismatch', key: outTradeNo });
    if (p.fault === 'missed_locally') expected.push({ provider: p.provider, kind: 'not_paid_locally', key: outTradeNo });
    if (p.fault === 'reversed') {
      // WeChat REVOKED / Alipay cancel action=refund: a refund row of the whole amount, no refund of ours.
      bills[p.provider].push({ ...billRow, kind: 'refund', outRefundNo: `REVOKE${i}`, providerRefundId: `5030R${i}`, status: 'REVOKED' });
    }
    let left = p.amountFen;
    p.refunds.forEach((r, j) => {
      if (missed) return;
      const amountFen = Math.min(left, Math.max(1, Math.floor((p.amountFen * r.share) / 100)));
      if (amountFen <= 0 || left <= 0) return;
      left -= amountFen;
      const outRefundNo = `RS001-T01-${i}-${j}`;
      const refundId = `R${i}-${j}`;
      const providerRefundId = `5030${String(i * 10 + j).padStart(20, '0')}`;
      const rAt = new Date(DAY_START + r.minute * 60_000).toISOString();
      insertRefund.run(refundId, orderId, paymentId, outRefundNo, amountFen, p.provider === 'wechat' ? providerRefundId : null, rAt, rAt, rAt, DAY);
      if (r.fault === 'unconfirmed_locally') db.prepare("UPDATE refunds SET state = 'unknown', succeeded_at = NULL WHERE id = ?").run(refundId);
      const row: BillRow = {
        provider: p.provider,
        kind: 'refund',
        tradeTime: rAt,
        providerTradeNo,
        outTradeNo,
        amountFen: r.fault === 'alter' ? amountFen + 1 : amountFen,
        outRefundNo: r.byId && p.provider === 'wechat' ? 'ignored-when-id-matches' : outRefundNo,
        ...(r.byId && p.provider === 'wechat' ? { providerRefundId } : {}),
        status: 'SUCCESS',
      };
      if (r.fault !== 'drop') bills[p.provider].push(row);
      if (r.fault === 'drop') expected.push({ provider: p.provider, kind: 'refund_missing_at_provider', key: outRefundNo });
      if (r.fault === 'alter') expected.push({ provider: p.provider, kind: 'refund_amount_mismatch', key: outRefundNo });
      if (r.fault === 'unconfirmed_locally') expected.push({ provider: p.provider, kind: 'refund_missing_locally', key: outRefundNo });
    });
    // The payment was never confirmed here (its refunds were skipped above).
    if (missed) db.prepare('UPDATE payments SET state = ?, succeeded_at = NULL WHERE id = ?').run(p.fault === 'reversed' ? 'reversed' : 'unknown', paymentId);
  });
  foreign.forEach((f, k) => {
    const outTradeNo = `OTHER-${k}`;
    bills[f.provider].push({ provider: f.provider, kind: 'payment', tradeTime: `${DAY} 12:00:00`, providerTradeNo: `X${k}`, outTradeNo, amountFen: f.amountFen, status: 'SUCCESS' });
    expected.push({ provider: f.provider, kind: 'missing_locally', key: outTradeNo });
  });
  // Another store's sale on the same day is none of this store's business: never reported.
  insertOrder.run('OX', 'S002-T01-1', 'S2', 'T2', DAY, 1, 500, 500, NOW, NOW);
  insertPayment.run('PX', 'OX', 'wechat', 'TOTHERSTORE', 500, 'succeeded', '4200OTHER', NOW, NOW, new Date(DAY_START + 3_600_000).toISOString());
  return { bills, expected };
}

describe('compareBill (property)', () => {
  it('reports every injected difference exactly once and nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(paymentArb, { maxLength: 12 }),
        fc.array(fc.record({ provider: fc.constantFrom<ProviderName>('wechat', 'alipay'), amountFen: fc.integer({ min: 1, max: 99_999 }) }), { maxLength: 3 }),
        (payments, foreign) => {
          const db = freshDb();
          try {
            const { bills, expected } = build(db, payments, foreign);
            const reported: Expected[] = [];
            for (const provider of ['wechat', 'alipay'] as const) {
              const bill: TradeBill = { provider, billDate: DAY, rows: bills[provider], empty: bills[provider].length === 0 };
              const { issues, matchedRows } = compareBill(db, 'S', bill, DAY);
              for (const issue of issues) {
                const key = issue.kind.startsWith('refund_') ? issue.out_refund_no : issue.out_trade_no;
                reported.push({ provider, kind: issue.kind, key: key ?? '' });
                expect(issue.repairable).toBe(issue.kind === 'not_paid_locally' ? 1 : 0);
              }
              // Every bill row is either matched or the subject of exactly one issue.
              const rowIssues = issues.filter((i) => i.kind !== 'missing_at_provider' && i.kind !== 'refund_missing_at_provider').length;
              expect(matchedRows + rowIssues).toBe(bill.rows.length);
            }
            const sort = (list: Expected[]) => [...list].sort((a, b) => `${a.provider}|${a.kind}|${a.key}`.localeCompare(`${b.provider}|${b.kind}|${b.key}`));
            expect(sort(reported)).toEqual(sort(expected));
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
