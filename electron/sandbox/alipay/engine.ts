/**
 * The Alipay sandbox's state and control operations, independent of HTTP: trades, scripted auth
 * codes, faults, behaviour, notifications and bills. server.ts puts it behind loopback HTTP.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { generateRsaKeyPair, randomDigits } from '../common/keys';
import { beijingDateTime } from '../common/time';
import { authCodeFor, type PayOutcome } from './authCodes';
import { applyBehaviourPatch, DEFAULT_BEHAVIOUR, type AlipaySandboxBehaviour, type AlipaySandboxBehaviourPatch } from './behaviour';
import { billLines, tradeBillZip } from './bill';
import { BillFaults, type BillFault, type BillFaultInput } from '../common/billFaults';
import { type AlipaySandboxControl, type ControlResult } from './control';
import { FaultPlan, type FaultSpec, type FaultSpecInput, type SandboxOperation } from './faults';
import { type AlipaySandboxKeys } from './keys';
import { type MethodContext } from './methods';
import { yuan } from './money';
import { Notifier, type DeliveryRecord } from './notifier';
import { notificationSignContent, rsaSign } from './signing';
import { refundedFen, SandboxStateError, TradeBook, type SandboxRefund, type SandboxTrade } from './trades';
import { refundView, tradeView, type SandboxRefundView, type SandboxTradeView } from './views';

export interface StoredBill {
  zip: Uint8Array;
  expiresAt: number;
  fileName: string;
}

export interface EngineOptions {
  keys: AlipaySandboxKeys;
  now: () => number;
  behaviour?: AlipaySandboxBehaviourPatch;
  /** Deliver every notification here instead of the request's notify_url. */
  notifyUrl?: string;
}

const STATE_ERROR_STATUS = { NOT_FOUND: 404, EXPIRED: 409, WRONG_STATE: 409 } as const;
const STATE_ERROR_CODE = { NOT_FOUND: 'TRADE_NOT_EXIST', EXPIRED: 'QR_EXPIRED', WRONG_STATE: 'TRADE_STATE_CONFLICT' } as const;

export class AlipaySandboxEngine implements AlipaySandboxControl {
  readonly keys: AlipaySandboxKeys;
  readonly appPublicKey: KeyObject;
  readonly alipayPrivateKey: KeyObject;
  readonly now: () => number;
  private current: AlipaySandboxBehaviour;
  private readonly notifyUrl: string | undefined;
  private readonly book: TradeBook;
  private readonly faultPlan = new FaultPlan();
  private readonly scripted = new Map<string, PayOutcome>();
  private readonly usedAuthCodes = new Map<string, string>();
  private readonly notifier: Notifier;
  private readonly bills = new Map<string, StoredBill>();
  /** Lines dropped, altered or added when bills are generated (reconciliation tests). */
  private readonly billFaultList = new BillFaults();
  private readonly timers = new Set<NodeJS.Timeout>();
  private forgeryKey: Promise<KeyObject> | undefined;
  private baseUrl = 'http://127.0.0.1';

  constructor(options: EngineOptions) {
    this.keys = options.keys;
    this.appPublicKey = createPublicKey(options.keys.app.publicKeyPem);
    this.alipayPrivateKey = createPrivateKey(options.keys.alipay.privateKeyPem);
    this.now = options.now;
    this.notifyUrl = options.notifyUrl;
    this.current = applyBehaviourPatch(DEFAULT_BEHAVIOUR, options.behaviour ?? {});
    this.book = new TradeBook(this.now, {
      paid: (trade) => this.notifyPayment(trade),
      refunded: (trade, refund) => this.notifyRefund(trade, refund),
    });
    this.notifier = new Notifier({
      now: this.now,
      behaviour: () => this.current.notify,
      schedule: (delayMs, task) => this.schedule(delayMs, task),
      sign: async (params, forged) => {
        const key = forged ? await this.forgedKey() : this.alipayPrivateKey;
        return { ...params, sign: rsaSign(notificationSignContent(params), key) };
      },
    });
  }

  /** Set by the HTTP server once it listens; bill URLs point there. */
  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/$/, '');
  }

  // ---- control ------------------------------------------------------------------------------------

  scanAndPay(outTradeNo: string, options: { delayMs?: number; completesDespiteClose?: boolean } = {}): ControlResult {
    const delayMs = options.delayMs ?? 0;
    return this.attempt(() => {
      const trade = this.book.customerPays(outTradeNo, this.now() + delayMs, options.completesDespiteClose ?? false);
      // The clock decides when it is due; a real-time timer makes sure it happens (and is notified) on time.
      if (trade.pendingSettle) this.schedule(delayMs + 1, () => this.book.settleDue());
      return trade;
    });
  }

  scan(outTradeNo: string): ControlResult {
    return this.attempt(() => this.book.scan(outTradeNo));
  }

  script(authCode: string, outcome: PayOutcome): void {
    this.scripted.set(authCode, outcome);
  }

  authCode(outcome: PayOutcome): string {
    return authCodeFor(outcome);
  }

  injectFault(spec: FaultSpecInput): string {
    return this.faultPlan.add(spec);
  }

  faults() {
    return this.faultPlan.list();
  }

  clearFaults(): void {
    this.faultPlan.clear();
  }

  injectBillFault(fault: BillFaultInput): BillFault {
    return this.billFaultList.add(fault);
  }

  billFaults(): BillFault[] {
    return this.billFaultList.list();
  }

  clearBillFaults(): void {
    this.billFaultList.clear();
  }

  takeFault(op: SandboxOperation): FaultSpec | undefined {
    return this.faultPlan.take(op);
  }

  configure(patch: AlipaySandboxBehaviourPatch): AlipaySandboxBehaviour {
    this.current = applyBehaviourPatch(this.current, patch);
    return structuredClone(this.current);
  }

  behaviour(): AlipaySandboxBehaviour {
    return structuredClone(this.current);
  }

  trades(): SandboxTradeView[] {
    return this.book.all().map(tradeView);
  }

  trade(outTradeNo: string): SandboxTradeView | undefined {
    const trade = this.book.get(outTradeNo);
    return trade && tradeView(trade);
  }

  refunds(): SandboxRefundView[] {
    return this.book.all().flatMap((trade) => trade.refunds.map((refund) => refundView(trade, refund)));
  }

  notifications(): DeliveryRecord[] {
    return this.notifier.deliveries();
  }

  settle(): void {
    this.book.settleDue();
  }

  reset(): void {
    this.shutdown();
    this.book.clear();
    this.scripted.clear();
    this.usedAuthCodes.clear();
    this.faultPlan.clear();
    this.notifier.clear();
    this.bills.clear();
    this.billFaultList.clear();
    this.current = structuredClone(DEFAULT_BEHAVIOUR);
  }

  /** Stops every pending timer (notifications, scheduled payments, delayed answers). */
  shutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  // ---- used by the gateway ------------------------------------------------------------------------

  methodContext(): MethodContext {
    return {
      now: this.now,
      book: this.book,
      behaviour: () => this.current,
      scripts: this.scripted,
      usedAuthCodes: this.usedAuthCodes,
      schedule: (delayMs, task) => this.schedule(delayMs, task),
      billUrl: (date) => this.issueBillUrl(date),
    };
  }

  /** The archive behind a bill token, or undefined when unknown or expired. */
  billDownload(token: string): StoredBill | undefined {
    const bill = this.bills.get(token);
    if (!bill || this.now() > bill.expiresAt) return undefined;
    return bill;
  }

  schedule(delayMs: number, task: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      Promise.resolve()
        .then(task)
        .catch(() => {
          // A scheduled step failing (e.g. a refused notification socket) must not crash the host.
        });
    }, delayMs);
    this.timers.add(timer);
  }

  // ---- internals ----------------------------------------------------------------------------------

  private attempt(action: () => SandboxTrade): ControlResult {
    try {
      return { ok: true, trade: tradeView(action()) };
    } catch (error) {
      if (error instanceof SandboxStateError) {
        return { ok: false, status: STATE_ERROR_STATUS[error.code], code: STATE_ERROR_CODE[error.code], message: error.message };
      }
      throw error;
    }
  }

  private issueBillUrl(date: string): string | undefined {
    const trades = this.book.all();
    if (billLines(trades, date, this.billFaultList).length === 0) return undefined;
    const now = this.now();
    const token = randomBytes(16).toString('hex');
    const day = date.replaceAll('-', '');
    const fileName = `${this.keys.sellerId}0156_${day}.csv.zip`;
    this.bills.set(token, { zip: tradeBillZip(trades, this.keys.sellerId, date, now, this.billFaultList), expiresAt: now + this.current.billUrlTtlMs, fileName });
    const query = new URLSearchParams({
      bizType: 'trade',
      userId: `${this.keys.sellerId}0156`,
      fileType: 'csv.zip',
      bizDates: day,
      downloadFileName: fileName,
      fileId: randomDigits(10),
      timestamp: String(now),
      token,
    });
    return `${this.baseUrl}/downloadBillFile.resource?${query.toString()}`;
  }

  private forgedKey(): Promise<KeyObject> {
    this.forgeryKey ??= generateRsaKeyPair().then((pair) => pair.privateKey);
    return this.forgeryKey;
  }

  private notifyParams(trade: SandboxTrade): Record<string, string> {
    const now = this.now();
    const paid = trade.paidAt !== undefined;
    const params: Record<string, string> = {
      notify_time: beijingDateTime(now),
      notify_type: 'trade_status_sync',
      notify_id: `${beijingDateTime(now).slice(0, 10).replaceAll('-', '')}00222${randomDigits(21)}`,
      app_id: this.keys.appId,
      auth_app_id: this.keys.appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      out_trade_no: trade.outTradeNo,
      buyer_id: trade.buyerId,
      buyer_logon_id: trade.buyerLogonId,
      seller_id: this.keys.sellerId,
      seller_email: 'till-sandbox@alipay.example',
      trade_status: trade.status === 'NOT_SCANNED' ? 'WAIT_BUYER_PAY' : trade.status,
      total_amount: yuan(trade.totalFen),
      receipt_amount: yuan(paid ? trade.totalFen : 0),
      invoice_amount: yuan(paid ? trade.totalFen : 0),
      buyer_pay_amount: yuan(paid ? trade.totalFen : 0),
      point_amount: '0.00',
      subject: trade.subject,
      gmt_create: beijingDateTime(trade.scannedAt ?? trade.createdAt),
      // A JSON *string* inside the form, as Alipay sends it.
      fund_bill_list: JSON.stringify([{ amount: yuan(trade.totalFen), fundChannel: 'ALIPAYACCOUNT' }]),
    };
    if (trade.tradeNo) params.trade_no = trade.tradeNo;
    if (trade.paidAt !== undefined) params.gmt_payment = beijingDateTime(trade.paidAt);
    if (trade.closedAt !== undefined && trade.status === 'TRADE_CLOSED') params.gmt_close = beijingDateTime(trade.closedAt);
    if (this.current.notify.passbackParams !== null) params.passback_params = this.current.notify.passbackParams;
    return params;
  }

  private notifyUrlOf(trade: SandboxTrade): string | undefined {
    return this.notifyUrl ?? trade.notifyUrl;
  }

  private notifyPayment(trade: SandboxTrade): void {
    this.notifier.enqueue('payment', trade.outTradeNo, this.notifyUrlOf(trade), this.notifyParams(trade));
  }

  private notifyRefund(trade: SandboxTrade, refund: SandboxRefund): void {
    if (!this.current.notify.refunds) return;
    const params = this.notifyParams(trade);
    params.out_biz_no = refund.outRequestNo;
    params.refund_fee = yuan(refundedFen(trade));
    // gmt_refund carries milliseconds in Alipay's notifications.
    params.gmt_refund = `${beijingDateTime(refund.at)}.${String(refund.at % 1000).padStart(3, '0')}`;
    this.notifier.enqueue('refund', trade.outTradeNo, this.notifyUrlOf(trade), params);
  }
}
