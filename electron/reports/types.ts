/**
 * The shapes of the store manager's end-of-day documents: the shift (X) report, the daily
 * settlement (Z, 日结) report and the reconciliation against the providers' bills. Every amount is
 * integer fen. The definitions below are the contract: the till's SQL (dayReport.ts), the
 * independent recomputation in the tests, the renderers (HTML, ESC/POS, CSV) and the cloud's
 * head-office day view all implement exactly these words.
 *
 * Definitions for store S and business day D:
 * - A *sale* is an order of S with business_date = D that reached `paid` (state in paid,
 *   in_progress, completed, refunded, partially_refunded). Cancelled and unfinished orders are not
 *   sales; unfinished ones are listed under `unfinished`.
 * - Sales amounts are sums over sales of the order columns: gross = subtotal_fen (list price),
 *   lineDiscounts, orderDiscounts, coupons, rounding (抹零), deliveryFees, and
 *   salesFen = Σ total_fen = gross − lineDiscounts − orderDiscounts − coupons − rounding + deliveryFees.
 * - Refunds count on the refund's own business day (refunds.business_date, stamped when the
 *   refund was made), whatever day the order was sold: refundsFen = Σ amount_fen of refunds with
 *   state 'succeeded', business_date = D, of orders of S. Automatic refunds (a success that landed
 *   on a cancelled or already-paid order) are included and also counted in `automaticRefundsFen`.
 * - netFen = salesFen − refundsFen.
 * - By tender: `takenFen` = Σ amount_fen of succeeded payments (cash: net of change) whose order
 *   is of S with business_date = D, whatever the order's state (a late success on a cancelled
 *   order was money taken, and its automatic refund is money given back); `refundedFen` = the
 *   tender's share of the refunds above (through refunds.payment_id); net = taken − refunded.
 * - By cashier: over sales, grouped by orders.cashier_id; refunds by refunds.requested_by (null:
 *   automatic refunds, under cashierId null).
 * - By hour: sales by the local hour (store time zone) of paid_at, 0–23, only hours with sales.
 * - orderCount = number of sales; averageTicketFen = floor(salesFen / orderCount) (0 when none);
 *   itemsSold = Σ over sales' lines of quantity for unit lines and 1 per weighed line (grams are
 *   not items); topProducts = top 10 by net_fen over sales' lines (ties by sku).
 * - Cash per shift: every shift of S with business_date = D, expected/counted/difference as in
 *   ShiftCash.
 */

export type Tender = 'cash' | 'wechat' | 'alipay';

export interface SalesTotals {
  grossFen: number;
  lineDiscountsFen: number;
  orderDiscountsFen: number;
  couponsFen: number;
  roundingFen: number;
  deliveryFeesFen: number;
  salesFen: number;
  taxFen: number;
  refundsFen: number;
  automaticRefundsFen: number;
  netFen: number;
  orderCount: number;
  refundCount: number;
  averageTicketFen: number;
  itemsSold: number;
}

export interface TenderTotals {
  tender: Tender;
  takenFen: number;
  paymentCount: number;
  refundedFen: number;
  refundCount: number;
  netFen: number;
}

export interface CashierTotals {
  cashierId: string | null;
  cashierName: string | null;
  orderCount: number;
  salesFen: number;
  refundsFen: number;
}

export interface HourTotals {
  hour: number; // 0–23, store time
  orderCount: number;
  salesFen: number;
}

export interface TopProduct {
  sku: string;
  name: string;
  /** Pieces, or grams for weighed goods. */
  quantity: number;
  soldBy: 'unit' | 'weight';
  netFen: number;
}

/**
 * One drawer's cash: expected = openingFloat + cashTaken − changeGiven − cashRefunds + cashIn − cashOut,
 * where cashTaken = Σ tendered_fen (what customers handed over) and changeGiven = Σ change_fen of
 * the shift's succeeded cash payments (payments.shift_id), cashRefunds = Σ succeeded cash refunds
 * paid out of this shift (refunds.shift_id). The opening float is the shift's own count.
 */
export interface ShiftCash {
  shiftId: string;
  terminalId: string;
  state: 'open' | 'closed';
  openedBy: string;
  openedByName: string | null;
  openedAt: string;
  closedBy: string | null;
  closedByName: string | null;
  closedAt: string | null;
  openingFloatFen: number;
  cashTakenFen: number;
  changeGivenFen: number;
  cashRefundsFen: number;
  cashInFen: number;
  cashOutFen: number;
  expectedFen: number;
  /** null while the shift is open. */
  countedFen: number | null;
  differenceFen: number | null;
}

export interface CashMovement {
  id: string;
  kind: 'in' | 'out';
  amountFen: number;
  reason: string;
  userId: string;
  userName: string | null;
  at: string;
}

/** The shift (X) report: printable any time, open or closed. */
export interface ShiftReport {
  storeId: string;
  storeName: string;
  generatedAt: string;
  cash: ShiftCash;
  movements: CashMovement[];
  /** Orders rung up in this shift (orders.shift_id) that reached paid. */
  sales: Pick<SalesTotals, 'salesFen' | 'orderCount' | 'refundsFen' | 'netFen'>;
  /** Payments taken and refunds paid out in this shift, by tender. */
  tenders: TenderTotals[];
}

export interface UnfinishedPayment {
  paymentId: string;
  orderId: string;
  orderNo: string;
  tender: Tender;
  outTradeNo: string | null;
  amountFen: number;
  state: string;
  createdAt: string;
}

export interface UnsyncedOrder {
  orderId: string;
  orderNo: string;
  state: string;
  pendingSince: string;
  dead: boolean;
}

export type ReconciliationIssueKind =
  /** Paid at the provider, no local payment with that id / out_trade_no. */
  | 'missing_locally'
  /** Paid at the provider, the local payment is not succeeded (a missed success): repairable. */
  | 'not_paid_locally'
  /** A succeeded local provider payment that the bill does not have. */
  | 'missing_at_provider'
  | 'amount_mismatch'
  /** A refund in the bill that is not succeeded here, or a succeeded local refund absent from the bill. */
  | 'refund_missing_locally'
  | 'refund_missing_at_provider'
  | 'refund_amount_mismatch';

export interface ReconciliationIssue {
  id: number;
  provider: 'wechat' | 'alipay';
  kind: ReconciliationIssueKind;
  outTradeNo: string | null;
  providerTradeNo: string | null;
  outRefundNo: string | null;
  orderId: string | null;
  orderNo: string | null;
  localFen: number | null;
  providerFen: number | null;
  /** What a manager should do, as a code the UI translates (e.g. 'repair', 'query_provider', 'refund_customer', 'investigate'). */
  suggestedAction: string;
  repairable: boolean;
  repairedAt: string | null;
  repairedBy: string | null;
}

export interface ProviderReconciliation {
  provider: 'wechat' | 'alipay';
  /** 'unconfigured': no provider set up; 'failed': the bill could not be fetched (error says why). */
  status: 'matched' | 'mismatches' | 'empty' | 'unconfigured' | 'failed';
  billRows: number;
  matchedRows: number;
  billPaymentsFen: number;
  billRefundsFen: number;
  error: { code: string; message: { zh: string; en: string } } | null;
}

export interface Reconciliation {
  runId: number;
  storeId: string;
  businessDate: string;
  ranAt: string;
  ranBy: string;
  providers: ProviderReconciliation[];
  issues: ReconciliationIssue[];
}

/** The daily settlement (Z, 日结) report. */
export interface DayReport {
  storeId: string;
  storeName: string;
  businessDate: string;
  timeZone: string;
  generatedAt: string;
  totals: SalesTotals;
  tenders: TenderTotals[];
  cashiers: CashierTotals[];
  hours: HourTotals[];
  topProducts: TopProduct[];
  shifts: ShiftCash[];
  unfinishedPayments: UnfinishedPayment[];
  unsyncedOrders: UnsyncedOrder[];
  /** The latest reconciliation run for the day, or null if none was run. */
  reconciliation: Reconciliation | null;
}
