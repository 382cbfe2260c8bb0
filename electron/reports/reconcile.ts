/**
 * Reconciliation (对账) of a store's business day against the WeChat Pay and Alipay trade bills
 * (payment-protocols.md §2.8, §5.7, §8).
 *
 * Which rows belong to the day. A provider's bill for date D lists the trades whose provider time
 * (payment success / refund success) falls on D in China time (UTC+8, no DST). We compare like with
 * like:
 * - every bill row is looked up among ALL of the store's local payments/refunds (not only day D),
 *   by the provider's id first (transaction_id / trade_no; refund_id), then by our out_trade_no /
 *   out_refund_no. A sale rung up at 23:59 and paid at 00:00:01 is in the next day's bill and is
 *   matched there, whatever its orders.business_date (which also follows the store's business-day
 *   start hour, not the provider's midnight);
 * - the local side expected in D's bill is every succeeded provider payment of the store whose
 *   succeeded_at falls on D in China time, and every succeeded refund likewise. succeeded_at of a
 *   payment is the provider's own success time (query/notification paid_at), so a late success —
 *   paid at the provider at 23:58 on D, confirmed by our query at 00:03 on D+1, or repaired days
 *   later — is expected in D's bill, where the provider put it. A refund's succeeded_at is when the
 *   till confirmed it; one confirmed a few seconds after midnight can show as
 *   refund_missing_at_provider on D+1 while D's bill has it. Its suggested action (query the
 *   refund) is harmless and says so.
 * - A payment reversed after it was paid (WeChat REVOKED, Alipay cancel with action=refund) shows in
 *   the bill as a payment plus a refund row with no refund of ours: both match the local
 *   `reversed` attempt (the money went back), neither is an issue.
 *
 * Bills exist from 10:00 China time the next day (T+1); before that WeChat answers
 * STATEMENT_CREATING and Alipay "no bill", which would read as an empty day and report every local
 * payment missing. So a day is reconciled only from D+1 10:00 China time (RECONCILIATION_TOO_EARLY
 * otherwise): the screen says bills are available from T+1, and the tests move their clock to the
 * next morning. Each run is persisted with its issues; the day report shows the latest run.
 */
import type { Database } from 'better-sqlite3';
import { appendAudit } from '../../db/stores/audit';
import { TillError } from '../api/errors';
import { ProviderError, type BillRow, type PaymentProvider, type ProviderName, type TradeBill } from '../payments/provider';
import type { PaymentEngine } from '../payments/attempts/engine';
import {
  insertRun,
  issueFromRow,
  latestReconciliation,
  markIssueRepaired,
  markPaymentIssuesRepaired,
  readIssue,
  readRun,
  type NewIssue,
} from './reconcileStore';
import type { ProviderReconciliation, Reconciliation, ReconciliationIssue, ReconciliationIssueKind } from './types';

export { latestReconciliation };

export const PROVIDERS: readonly ProviderName[] = ['wechat', 'alipay'];
const CHINA_OFFSET = '+08:00';
const DAY_MS = 86_400_000;
/** Bills are published from about 10:00 China time the next day (§2.8, §5.7). */
export const BILLS_READY_HOUR = 10;

const PROVIDER_LABEL: Record<ProviderName, { en: string; zh: string }> = {
  wechat: { en: 'WeChat Pay', zh: '微信支付' },
  alipay: { en: 'Alipay', zh: '支付宝' },
};

const KIND_ZH: Record<ReconciliationIssueKind, string> = {
  missing_locally: '本地无此交易',
  not_paid_locally: '渠道已支付、本地未成功',
  missing_at_provider: '账单中无此交易',
  amount_mismatch: '金额不符',
  refund_missing_locally: '本地无此退款',
  refund_missing_at_provider: '账单中无此退款',
  refund_amount_mismatch: '退款金额不符',
};

/** Our out_trade_no: `T` + the payment's ULID (electron/payments/attempts/engine.ts). */
const OUR_OUT_TRADE_NO = /^T[0-9A-HJKMNP-TV-Z]{26}$/;

export interface ReconcileDeps {
  db: Database;
  providers: () => Partial<Record<ProviderName, PaymentProvider>>;
  clock: () => number;
}

export interface RepairDeps extends ReconcileDeps {
  payments: PaymentEngine;
  terminalId?: string;
}

/** Start of a China-time calendar day, epoch ms. */
function chinaDayStart(date: string): number {
  return Date.parse(`${date}T00:00:00.000${CHINA_OFFSET}`);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The moment D's bills can be fetched: D+1 10:00 China time. */
export function billsAvailableFrom(businessDate: string): number {
  return chinaDayStart(businessDate) + DAY_MS + BILLS_READY_HOUR * 3_600_000;
}

function providerDetails(provider: ProviderName): { provider: string; providerZh: string } {
  return { provider: PROVIDER_LABEL[provider].en, providerZh: PROVIDER_LABEL[provider].zh };
}

/** A failed download as the typed bilingual error stored with the run. */
export function billError(provider: ProviderName, error: unknown): TillError {
  if (error instanceof TillError) return error;
  if (error instanceof ProviderError) {
    if (error.code === 'STATEMENT_CREATING') return new TillError('RECONCILIATION_BILL_NOT_READY', { ...providerDetails(provider), code: error.code });
    return new TillError('RECONCILIATION_BILL_FAILED', { ...providerDetails(provider), code: error.code, reason: error.message.slice(0, 200) });
  }
  const reason = error instanceof Error ? error.message.slice(0, 200) : String(error);
  return new TillError('RECONCILIATION_BILL_FAILED', { ...providerDetails(provider), code: 'NETWORK', reason });
}

interface LocalPayment {
  id: string;
  order_id: string;
  order_no: string;
  out_trade_no: string;
  provider_trade_no: string | null;
  amount_fen: number;
  state: string;
  succeeded_at: string | null;
}

interface LocalRefund {
  id: string;
  order_id: string;
  order_no: string;
  payment_id: string;
  out_refund_no: string;
  provider_refund_id: string | null;
  amount_fen: number;
  state: string;
  succeeded_at: string | null;
  out_trade_no: string | null;
}

const PAYMENT_COLUMNS = `p.id, p.order_id, o.order_no, p.out_trade_no, p.provider_trade_no, p.amount_fen, p.state, p.succeeded_at`;
const REFUND_COLUMNS = `r.id, r.order_id, o.order_no, r.payment_id, r.out_refund_no, r.provider_refund_id, r.amount_fen, r.state,
  r.succeeded_at, p.out_trade_no`;

class LocalBooks {
  private readonly byProviderTradeNo;
  private readonly byOutTradeNo;
  private readonly byProviderRefundId;
  private readonly byOutRefundNo;

  constructor(
    private readonly db: Database,
    private readonly storeId: string,
    private readonly provider: ProviderName,
  ) {
    const payments = `SELECT ${PAYMENT_COLUMNS} FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.store_id = @store AND p.tender = @tender`;
    this.byProviderTradeNo = db.prepare(`${payments} AND p.provider_trade_no = @key`);
    this.byOutTradeNo = db.prepare(`${payments} AND p.out_trade_no = @key`);
    const refunds = `SELECT ${REFUND_COLUMNS} FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN orders o ON o.id = r.order_id
      WHERE o.store_id = @store AND p.tender = @tender`;
    this.byProviderRefundId = db.prepare(`${refunds} AND r.provider_refund_id = @key`);
    this.byOutRefundNo = db.prepare(`${refunds} AND r.out_refund_no = @key`);
  }

  private params(key: string) {
    return { store: this.storeId, tender: this.provider, key };
  }

  payment(row: BillRow): LocalPayment | undefined {
    const byId = row.providerTradeNo ? (this.byProviderTradeNo.get(this.params(row.providerTradeNo)) as LocalPayment | undefined) : undefined;
    return byId ?? (row.outTradeNo ? (this.byOutTradeNo.get(this.params(row.outTradeNo)) as LocalPayment | undefined) : undefined);
  }

  paymentByOutTradeNo(outTradeNo: string): LocalPayment | undefined {
    return outTradeNo ? (this.byOutTradeNo.get(this.params(outTradeNo)) as LocalPayment | undefined) : undefined;
  }

  refund(row: BillRow): LocalRefund | undefined {
    const byId =
      row.providerRefundId && row.providerRefundId !== '0'
        ? (this.byProviderRefundId.get(this.params(row.providerRefundId)) as LocalRefund | undefined)
        : undefined;
    return byId ?? (row.outRefundNo ? (this.byOutRefundNo.get(this.params(row.outRefundNo)) as LocalRefund | undefined) : undefined);
  }

  /** Succeeded payments and refunds whose success time falls on `date` in China time. */
  expected(date: string): { payments: LocalPayment[]; refunds: LocalRefund[] } {
    const start = chinaDayStart(date);
    const end = start + DAY_MS;
    // The business-date window only narrows the scan (an index); the day is decided by the time.
    const window = { store: this.storeId, tender: this.provider, from: shiftDate(date, -3), to: shiftDate(date, 3) };
    const onDay = (at: string | null) => {
      const ms = at === null ? Number.NaN : Date.parse(at);
      return ms >= start && ms < end;
    };
    const payments = (
      this.db
        .prepare(
          `SELECT ${PAYMENT_COLUMNS} FROM payments p JOIN orders o ON o.id = p.order_id
           WHERE o.store_id = @store AND o.business_date BETWEEN @from AND @to AND p.tender = @tender AND p.state = 'succeeded'`,
        )
        .all(window) as LocalPayment[]
    ).filter((payment) => onDay(payment.succeeded_at));
    const refunds = (
      this.db
        .prepare(
          `SELECT ${REFUND_COLUMNS} FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN orders o ON o.id = r.order_id
           WHERE o.store_id = @store AND COALESCE(r.business_date, o.business_date) BETWEEN @from AND @to
             AND p.tender = @tender AND r.state = 'succeeded'`,
        )
        .all(window) as LocalRefund[]
    ).filter((refund) => onDay(refund.succeeded_at));
    return { payments, refunds };
  }
}

function issue(provider: ProviderName, kind: ReconciliationIssueKind, fields: Partial<NewIssue> & { suggested_action: string }): NewIssue {
  return {
    provider,
    kind,
    out_trade_no: null,
    provider_trade_no: null,
    out_refund_no: null,
    order_id: null,
    order_no: null,
    payment_id: null,
    refund_id: null,
    local_fen: null,
    provider_fen: null,
    repairable: 0,
    ...fields,
  };
}

/**
 * Compares one provider's bill for `date` with the store's books. Pure but for the reads: the
 * property test drives it directly with generated bills.
 */
export function compareBill(
  db: Database,
  storeId: string,
  bill: TradeBill,
  date: string,
): { issues: NewIssue[]; matchedRows: number } {
  const provider = bill.provider;
  const books = new LocalBooks(db, storeId, provider);
  const issues: NewIssue[] = [];
  const seenPayments = new Set<string>();
  const seenRefunds = new Set<string>();
  let matchedRows = 0;

  // Refund rows with no refund of ours, by out_trade_no: a reversal of a paid attempt looks like this.
  const refundRows = bill.rows.filter((r) => r.kind === 'refund').map((row) => ({ row, local: books.refund(row) }));
  const foreignRefunds = new Map<string, typeof refundRows>();
  for (const entry of refundRows) {
    if (entry.local) continue;
    const list = foreignRefunds.get(entry.row.outTradeNo) ?? [];
    list.push(entry);
    foreignRefunds.set(entry.row.outTradeNo, list);
  }
  const reversals = new Set<(typeof refundRows)[number]>();

  for (const row of bill.rows.filter((r) => r.kind === 'payment')) {
    const local = books.payment(row);
    const base = { out_trade_no: row.outTradeNo || null, provider_trade_no: row.providerTradeNo || null, provider_fen: row.amountFen };
    if (!local) {
      // Paid at the provider, nothing of ours: a trade of this till we lost entirely (the customer
      // paid, no sale recorded: give the money back) or a foreign trade on the merchant account.
      issues.push(issue(provider, 'missing_locally', { ...base, suggested_action: OUR_OUT_TRADE_NO.test(row.outTradeNo) ? 'refund_customer' : 'investigate' }));
      continue;
    }
    seenPayments.add(local.id);
    const linked = { ...base, out_trade_no: local.out_trade_no, order_id: local.order_id, order_no: local.order_no, payment_id: local.id, local_fen: local.amount_fen };
    const returned = foreignRefunds.get(local.out_trade_no) ?? [];
    const returnedFen = returned.reduce((total, entry) => total + entry.row.amountFen, 0);
    if (local.amount_fen !== row.amountFen) {
      issues.push(issue(provider, 'amount_mismatch', { ...linked, suggested_action: 'investigate' }));
    } else if (local.state === 'succeeded') {
      matchedRows += 1;
    } else if (local.state === 'reversed' || (returned.length > 0 && returnedFen === local.amount_fen)) {
      // Paid and given straight back by the reversal/cancel (WeChat REVOKED, Alipay cancel
      // action=refund): the attempt is final unpaid here, and so is the money.
      matchedRows += 1;
      for (const entry of returned) reversals.add(entry);
    } else {
      // A missed success (lost notification, paid after close): repairable after a confirming query.
      issues.push(issue(provider, 'not_paid_locally', { ...linked, suggested_action: 'repair', repairable: 1 }));
    }
  }

  for (const entry of refundRows) {
    const { row, local } = entry;
    const base = {
      out_trade_no: row.outTradeNo || null,
      provider_trade_no: row.providerTradeNo || null,
      out_refund_no: row.outRefundNo || null,
      provider_fen: row.amountFen,
    };
    if (!local) {
      const payment = books.paymentByOutTradeNo(row.outTradeNo);
      if (reversals.has(entry) || payment?.state === 'reversed') {
        matchedRows += 1;
        continue;
      }
      issues.push(
        issue(provider, 'refund_missing_locally', {
          ...base,
          ...(payment ? { order_id: payment.order_id, order_no: payment.order_no, payment_id: payment.id } : {}),
          // No refund of ours at all: made outside the till (merchant platform) — look into it.
          suggested_action: 'investigate',
        }),
      );
      continue;
    }
    seenRefunds.add(local.id);
    const linked = {
      ...base,
      out_trade_no: local.out_trade_no,
      out_refund_no: local.out_refund_no,
      order_id: local.order_id,
      order_no: local.order_no,
      payment_id: local.payment_id,
      refund_id: local.id,
      local_fen: local.amount_fen,
    };
    if (local.amount_fen !== row.amountFen) issues.push(issue(provider, 'refund_amount_mismatch', { ...linked, suggested_action: 'investigate' }));
    else if (local.state === 'succeeded') matchedRows += 1;
    // Refunded at the provider, not succeeded here: the refund engine's query settles it.
    else issues.push(issue(provider, 'refund_missing_locally', { ...linked, suggested_action: 'query_refund' }));
  }

  const expected = books.expected(date);
  for (const payment of expected.payments) {
    if (seenPayments.has(payment.id)) continue;
    issues.push(
      issue(provider, 'missing_at_provider', {
        out_trade_no: payment.out_trade_no,
        provider_trade_no: payment.provider_trade_no,
        order_id: payment.order_id,
        order_no: payment.order_no,
        payment_id: payment.id,
        local_fen: payment.amount_fen,
        suggested_action: 'query_provider',
      }),
    );
  }
  for (const refund of expected.refunds) {
    if (seenRefunds.has(refund.id)) continue;
    issues.push(
      issue(provider, 'refund_missing_at_provider', {
        out_trade_no: refund.out_trade_no,
        out_refund_no: refund.out_refund_no,
        order_id: refund.order_id,
        order_no: refund.order_no,
        payment_id: refund.payment_id,
        refund_id: refund.id,
        local_fen: refund.amount_fen,
        suggested_action: 'query_refund',
      }),
    );
  }
  return { issues, matchedRows };
}

/**
 * Downloads both providers' bills for the day, matches them with the store's books, persists the
 * run and its issues and returns it. A provider that is not configured is 'unconfigured'; one whose
 * bill cannot be fetched is 'failed' with a typed bilingual error, and the other is still reconciled.
 */
export async function runReconciliation(
  deps: ReconcileDeps,
  input: { storeId: string; businessDate: string; userId: string },
): Promise<Reconciliation> {
  const { businessDate } = input;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(businessDate) || Number.isNaN(chinaDayStart(businessDate))) {
    throw new TillError('VALIDATION_FAILED', { summary: `date: expected YYYY-MM-DD, got ${businessDate}` });
  }
  const availableFrom = billsAvailableFrom(businessDate);
  if (deps.clock() < availableFrom) {
    const at = new Date(availableFrom + 8 * 3_600_000).toISOString();
    throw new TillError('RECONCILIATION_TOO_EARLY', { date: businessDate, availableFrom: `${at.slice(0, 10)} ${at.slice(11, 16)} (UTC+8)` });
  }
  const clients = deps.providers();
  const results = await Promise.all(
    PROVIDERS.map(async (name): Promise<{ summary: ProviderReconciliation; issues: NewIssue[] }> => {
      const blank = { provider: name, billRows: 0, matchedRows: 0, billPaymentsFen: 0, billRefundsFen: 0, error: null };
      const client = clients[name];
      if (!client) return { summary: { ...blank, status: 'unconfigured' }, issues: [] };
      let bill: TradeBill;
      try {
        bill = await client.downloadTradeBill(businessDate);
      } catch (error) {
        const typed = billError(name, error);
        return { summary: { ...blank, status: 'failed', error: { code: typed.code, message: typed.messages } }, issues: [] };
      }
      const { issues, matchedRows } = compareBill(deps.db, input.storeId, bill, businessDate);
      const sum = (kind: BillRow['kind']) => bill.rows.filter((row) => row.kind === kind).reduce((total, row) => total + row.amountFen, 0);
      const status = issues.length > 0 ? 'mismatches' : bill.rows.length === 0 ? 'empty' : 'matched';
      return {
        summary: { ...blank, status, billRows: bill.rows.length, matchedRows, billPaymentsFen: sum('payment'), billRefundsFen: sum('refund') },
        issues,
      };
    }),
  );
  const runId = insertRun(
    deps.db,
    { storeId: input.storeId, businessDate, ranAt: new Date(deps.clock()).toISOString(), ranBy: input.userId, providers: results.map((r) => r.summary) },
    results.flatMap((r) => r.issues),
  );
  return readRun(deps.db, runId)!;
}

/**
 * Repairs a missed success (not_paid_locally): the provider is queried again (the bill alone is
 * never trusted), and a confirmed success is applied through the payment engine's own settle path,
 * so the order transition (or the automatic refund when the order was cancelled or already paid),
 * the outbox row and the events are exactly those of a normal late success. Marks the issue
 * repaired and writes an audit entry naming the manager who approved it.
 */
export async function repairReconciliationIssue(
  deps: RepairDeps,
  input: { issueId: number; storeId: string; userId: string; approverId: string },
): Promise<ReconciliationIssue> {
  const row = readIssue(deps.db, input.issueId);
  const run = row ? (deps.db.prepare('SELECT store_id FROM reconciliation_runs WHERE id = ?').get(row.run_id) as { store_id: string }) : undefined;
  if (!row || run?.store_id !== input.storeId) throw new TillError('RECONCILIATION_ISSUE_NOT_FOUND', { issueId: input.issueId });
  if (row.repaired_at) throw new TillError('RECONCILIATION_ALREADY_REPAIRED', { repairedAt: row.repaired_at });
  if (row.repairable !== 1 || row.kind !== 'not_paid_locally' || row.payment_id === null) {
    throw new TillError('RECONCILIATION_NOT_REPAIRABLE', { kind: row.kind, kindZh: KIND_ZH[row.kind] });
  }
  let result: Awaited<ReturnType<PaymentEngine['confirmMissedSuccess']>>;
  try {
    result = await deps.payments.confirmMissedSuccess(row.payment_id);
  } catch (error) {
    if (error instanceof TillError) throw error;
    throw new TillError('RECONCILIATION_QUERY_FAILED', {
      ...providerDetails(row.provider),
      code: error instanceof ProviderError ? error.code : 'NETWORK',
    });
  }
  if (result.outcome === 'not_paid') {
    throw new TillError('RECONCILIATION_NOT_CONFIRMED', { ...providerDetails(row.provider), providerState: result.providerState });
  }
  if (result.outcome === 'mismatch') {
    // settle() refused the provider's answer (amount, merchant or order differ) and audited it.
    throw new TillError('RECONCILIATION_NOT_CONFIRMED', { ...providerDetails(row.provider), providerState: 'MISMATCH' });
  }
  const at = new Date(deps.clock()).toISOString();
  const repaired = deps.db.transaction(() => {
    if (!markIssueRepaired(deps.db, row.id, at, input.userId)) return false;
    markPaymentIssuesRepaired(deps.db, row.payment_id!, at, input.userId);
    appendAudit(deps.db, {
      at,
      terminalId: deps.terminalId ?? null,
      userId: input.userId,
      approverId: input.approverId,
      action: 'reconciliation.repair',
      target: row.out_trade_no,
      details: {
        issueId: row.id,
        provider: row.provider,
        paymentId: row.payment_id,
        orderId: row.order_id,
        amountFen: row.provider_fen,
        outcome: result.outcome,
      },
    });
    return true;
  })();
  const after = readIssue(deps.db, row.id)!;
  if (!repaired) throw new TillError('RECONCILIATION_ALREADY_REPAIRED', { repairedAt: after.repaired_at });
  return issueFromRow(after);
}
