/**
 * What crosses the API boundary: plain JSON, camelCase, money in integer fen. Kept apart from the
 * database rows so the renderer never depends on column names, and free of Node imports so the
 * renderer can type-check against it.
 */

import type { CashMovement, ShiftCash } from '../reports/types';

export interface ApiErrorDto {
  code: string;
  message: { zh: string; en: string };
  details?: Record<string, unknown>;
}

export interface SessionDto {
  token: string;
  user: { id: string; username: string; displayName: string; role: 'cashier' | 'manager' | 'owner' };
  store: { id: string; code: string; name: string; timezone: string };
  terminal: { id: string; code: string; name: string };
  businessDate: string;
}

export interface ProductDto {
  id: number;
  sku: string;
  name: string;
  nameEn: string | null;
  unit: string;
  soldBy: 'unit' | 'weight';
  priceFen: number;
  taxRateBp: number;
  active: boolean;
  barcodes?: string[];
}

export interface ScanDto {
  product: ProductDto;
  quantity: number;
  labelPriceFen?: number;
  barcode: string | null;
}

export interface ImportResultDto {
  inserted: number;
  updated: number;
  skipped: { line: number; reason: { zh: string; en: string } }[];
}

export interface OrderLineDto {
  lineNo: number;
  productId: number | null;
  sku: string;
  barcode: string | null;
  name: string;
  unit: string;
  soldBy: 'unit' | 'weight';
  quantity: number;
  unitPriceFen: number;
  priceOverridden: boolean;
  originalFen: number;
  lineDiscountFen: number;
  orderDiscountFen: number;
  couponFen: number;
  roundingFen: number;
  netFen: number;
  taxRateBp: number;
  taxFen: number;
  refundedQuantity: number;
}

export interface PaymentDto {
  id: string;
  tender: 'cash' | 'wechat' | 'alipay';
  method: 'cash' | 'merchant_qr' | 'customer_code';
  outTradeNo: string | null;
  amountFen: number;
  tenderedFen: number | null;
  changeFen: number;
  state: string;
  providerTradeNo: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** Merchant QR only: the code to render, and when it stops being payable. */
  codeUrl: string | null;
  expiresAt: string | null;
  /** Customer code only: the last four digits (the code itself is never stored). */
  authCodeTail: string | null;
  createdAt: string;
  succeededAt: string | null;
}

export interface RefundDto {
  id: string;
  paymentId: string;
  outRefundNo: string;
  amountFen: number;
  reason: string | null;
  state: string;
  automatic: boolean;
  failureCode: string | null;
  createdAt: string;
  succeededAt: string | null;
}

export interface ProviderStatusDto {
  wechat: { configured: boolean; sandbox: boolean; merchantId: string | null };
  alipay: { configured: boolean; sandbox: boolean; merchantId: string | null };
  /** Which secrets are set; never their values. */
  secrets: Record<string, boolean>;
  unfinishedPayments: number;
  openRefunds: number;
}

export interface OrderSummaryDto {
  id: string;
  orderNo: string;
  businessDate: string;
  state: string;
  cashierId: string;
  totalFen: number;
  paidFen: number;
  refundedFen: number;
  createdAt: string;
}

/** status.get: provider health judged from stored attempts (never a network call on a poll). */
export interface ProviderHealthDto {
  /** 'degraded': the latest attempt (last 15 min) got no clear answer, or an attempt is still unresolved. */
  state: 'ok' | 'degraded' | 'unconfigured';
  sandbox: boolean;
  /** Attempts whose outcome is still unknown (being queried / closed). */
  unresolved: number;
  lastSuccessAt: string | null;
  lastErrorCode: string | null;
}

/** The outcome of the last receipt.print on this till (memory only; null after a restart). */
export interface PrintResultDto {
  ok: boolean;
  at: string;
  printer: 'network' | 'system' | 'none';
  orderNo: string;
  reprint: boolean;
  refund: boolean;
  error: ApiErrorDto | null;
}

/** status.get: what the status bar shows (polled every ~10 s and on events). */
export interface StatusDto {
  at: string;
  providers: { wechat: ProviderHealthDto; alipay: ProviderHealthDto };
  printer: { kind: 'none' | 'network' | 'system'; target: string | null; paperWidth: 58 | 80; lastResult: PrintResultDto | null };
  /** Outbox rows not yet acknowledged by the cloud, and when the cloud last acknowledged a batch (null: never). Details: sync.status. */
  sync: { pending: number; oldestPendingAt: string | null; lastSuccessAt: string | null; lastError: SyncErrorDto | null };
  /** The terminal's open shift (its drawer), or null: no sale until a manager opens one. */
  shift: ShiftSummaryDto | null;
}

export interface OrderDto extends OrderSummaryDto {
  storeId: string;
  terminalId: string;
  seq: number;
  version: number;
  customer: { name: string | null; phone: string | null; memberId: string | null };
  price: {
    subtotalFen: number;
    lineDiscountFen: number;
    orderDiscountFen: number;
    couponFen: number;
    couponCode: string | null;
    roundingFen: number;
    roundingRule: string;
    deliveryFeeFen: number;
    totalFen: number;
    taxFen: number;
    discountApprovedBy: string | null;
  };
  delivery: { type: string; contact: string | null; phone: string | null; address: string | null; note: string | null };
  changeFen: number;
  dueFen: number;
  note: string | null;
  cancelReason: string | null;
  paidAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  lines: OrderLineDto[];
  payments: PaymentDto[];
  refunds: RefundDto[];
}

export interface CashPaymentDto {
  order: OrderDto;
  changeFen: number;
}

export interface UserDto {
  id: string;
  username: string;
  displayName: string;
  role: 'cashier' | 'manager' | 'owner';
  active: boolean;
  locked: boolean;
}

export interface AuditDto {
  id: number;
  at: string;
  userId: string | null;
  approverId: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

/** payments.testConnection: the provider answered "no such order" to a made-up number. */
export interface ProviderTestDto {
  provider: 'wechat' | 'alipay';
  /** Round trip of the probe query (monotonic clock). */
  latencyMs: number;
  /** The provider's answer: ORDER_NOT_EXIST (WeChat Pay) / TRADE_NOT_EXIST (Alipay). */
  providerCode: string;
  /** 'verified': the answer's signature checked out; 'unsigned': the provider did not sign it (WeChat error answers may not be). */
  signature: 'verified' | 'unsigned';
  /** Talking to the local protocol sandbox rather than the provider. */
  sandbox: boolean;
  /** Host name of the endpoint (no path, no credentials). */
  host: string;
  probeOutTradeNo: string;
}

/** printer.test: what was sent where. */
export interface PrinterTestDto {
  printer: 'network' | 'system';
  /** host:port of a network printer. */
  address: string | null;
  /** Bytes handed to a network printer. */
  bytes: number | null;
  elapsedMs: number;
  drawerKicked: boolean;
}

/** A typed error as the sync worker last met it (bilingual; the code is stable). */
export interface SyncErrorDto {
  code: string;
  message: { zh: string; en: string };
  at: string;
}

/** sync.status and the 'sync.status' event: the backlog, the last success and the last error. */
export interface SyncStatusDto {
  /**
   * off: no cloud URL set; not_enrolled: a URL but no credentials for it; paused: the cloud refused
   * our credentials (revoked or clock off: re-enrol); backing_off: waiting after a failure;
   * sending: a batch is in flight; idle: nothing to send.
   */
  state: 'off' | 'not_enrolled' | 'paused' | 'backing_off' | 'sending' | 'idle' | 'pending';
  cloudUrl: string | null;
  /** The cloud's id for this till (not a secret). */
  terminalId: string | null;
  /** Orders' outbox rows not yet acknowledged (nor dead). */
  pending: number;
  /** Orders in the dead-letter list. */
  dead: number;
  oldestPendingAt: string | null;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  consecutiveFailures: number;
  lastError: SyncErrorDto | null;
}

/** sync.deadLetters: an order the cloud will not take as it is (or that cannot be packaged). */
export interface DeadLetterDto {
  orderId: string;
  orderNo: string | null;
  version: number;
  /** Outbox rows of this order in the list (one per synced version). */
  rows: number;
  attempts: number;
  deadAt: string;
  error: SyncErrorDto | null;
}

/** sync.enrol: who this till is now in the cloud (the secret stays in the vault). */
export interface SyncEnrolmentDto {
  cloudUrl: string;
  terminalId: string;
  storeCode: string;
  terminalCode: string;
}

/** report.day: the daily settlement (Z, 日结) report; its shapes and definitions live in electron/reports/types.ts. */
export type { DayReport as DayReportDto } from '../reports/types';

/** reconcile.*: a reconciliation (对账) run against the providers' trade bills and its issues (electron/reports/types.ts). */
export type { Reconciliation as ReconciliationDto, ReconciliationIssue as ReconciliationIssueDto } from '../reports/types';

/** shift.*: the drawer's cash (ShiftCash: expected, counted, difference) and the X report (electron/reports/types.ts). */
export type { ShiftCash as ShiftCashDto, CashMovement as CashMovementDto, ShiftReport as ShiftReportDto } from '../reports/types';

/** shift.current / open / cashMovement: the shift's cash, its business day and its cash movements. */
export interface ShiftDto extends ShiftCash {
  businessDate: string;
  movements: CashMovement[];
}

/** status.get's shift slot. */
export interface ShiftSummaryDto {
  id: string;
  openedAt: string;
  openedByName: string | null;
}

