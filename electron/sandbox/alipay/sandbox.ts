/**
 * The Alipay sandbox's state and control surface, independent of HTTP: trades, scripted auth codes,
 * faults, knobs, notifications and bills. server.ts puts it behind a loopback HTTP server.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { type AlipayConfigInput } from '../../payments/alipay/config';
import { generateRsaKeyPair, randomDigits } from '../common/keys';
import { beijingDateTime, rfc3339Beijing } from '../common/time';
import { authCodeFor, type PayOutcome } from './authCodes';
import { billLines, tradeBillZip } from './bill';
import { alipayClientConfigFor, type AlipaySandboxCredentials } from './credentials';
import { FaultQueue, type FaultSpec } from './faults';
import { DEFAULT_KNOBS, knobsSchema, type AlipaySandboxKnobs } from './knobs';
import { type MethodContext } from './methods';
import { yuan } from './money';
import { Notifier, type NotificationDelivery } from './notifier';
import { notificationSignContent, rsaSign } from './signing';
import { refundedFen, TradeBook, type SandboxRefund, type SandboxTrade, type SandboxTradeStatus } from './trades';

/** A trade as the control surface shows it (amounts in fen and yuan, times in RFC 3339 Beijing). */
export interface SandboxTradeView {
  outTradeNo: string;
  tradeNo?: string;
  kind: 'precreate' | 'bar_code';
  /** NOT_SCANNED: precreated, Alipay has no trade yet. */
  status: SandboxTradeStatus;
  subject: string;
  totalFen: number;
  totalAmount: string;
  refundedFen: number;
  qrCode?: string;
  createdAt: string;
  expiresAt?: string;
  paidAt?: string;
  closedAt?: string;
  cancelAction?: 'close' | 'refund';
  refunds: Array<{ outRequestNo: string; amountFen: number; at: string; via: 'refund' | 'cancel' }>;
}

interface StoredBill {
  zip: Uint8Array;
  expiresAt: number;
  fileName: string;
}

export interface AlipaySandboxCoreOptions {
  credentials: AlipaySandboxCredentials;
  clock?: () => Date;
  knobs?: Partial<AlipaySandboxKnobs>;
}

export class AlipaySandbox {
  readonly credentials: AlipaySandboxCredentials;
  private readonly appPublicKey: KeyObject;
  private readonly alipayPrivateKey: KeyObject;
  private readonly clock: () => Date;
  private knobValues: AlipaySandboxKnobs;
  private readonly book: TradeBook;
  private readonly faultQueue = new FaultQueue();
  private readonly scripted = new Map<string, PayOutcome>();
  private readonly usedAuthCodes = new Map<string, string>();
  private readonly notifier: Notifier;
  private readonly bills = new Map<string, StoredBill>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private forgeryKey: Promise<KeyObject> | undefined;
  private baseUrl = 'http://127.0.0.1';

  constructor(options: AlipaySandboxCoreOptions) {
    this.credentials = options.credentials;
    this.appPublicKey = createPublicKey(options.credentials.appPublicKeyPem);
    this.alipayPrivateKey = createPrivateKey(options.credentials.alipayPrivateKeyPem);
    this.clock = options.clock ?? (() => new Date());
    this.knobValues = knobsSchema.parse({ ...DEFAULT_KNOBS, ...options.knobs });
    this.book = new TradeBook(() => this.now(), {
      paid: (trade) => this.notifyPayment(trade),
      refunded: (trade, refund) => this.notifyRefund(trade, refund),
    });
    this.notifier = new Notifier({
      knobs: () => ({
        enabled: this.knobValues.notifyEnabled,
        delayMs: this.knobValues.notifyDelayMs,
        duplicates: this.knobValues.notifyDuplicates,
        resendScheduleMs: this.knobValues.notifyResendScheduleMs,
        timeoutMs: this.knobValues.notifyTimeoutMs,
        forgeSignature: this.knobValues.forgeNotificationSignature,
      }),
      now: () => this.now(),
      schedule: (delayMs, task) => this.schedule(delayMs, task),
      sign: async (params, forged) => {
        const key = forged ? await this.forgedKey() : this.alipayPrivateKey;
        return { ...params, sign: rsaSign(notificationSignContent(params), key) };
      },
    });
  }

  now(): number {
    return this.clock().getTime();
  }

  /** Set by the HTTP server once it listens; bill URLs point here. */
  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/$/, '');
  }

  get gatewayUrl(): string {
    return `${this.baseUrl}/gateway.do`;
  }

  get alipaySigningKey(): KeyObject {
    return this.alipayPrivateKey;
  }

  get appVerifyKey(): KeyObject {
    return this.appPublicKey;
  }

  // ---- knobs, scripts, faults ------------------------------------------------------------------

  knobs(): AlipaySandboxKnobs {
    return structuredClone(this.knobValues);
  }

  setKnobs(changes: Partial<AlipaySandboxKnobs>): AlipaySandboxKnobs {
    this.knobValues = knobsSchema.parse({ ...this.knobValues, ...changes });
    return this.knobs();
  }

  /** Overrides the suffix table for one auth code. */
  script(authCode: string, outcome: PayOutcome): void {
    this.scripted.set(authCode, outcome);
  }

  /** A fresh, unused auth code that produces `outcome`. */
  authCode(outcome: PayOutcome): string {
    return authCodeFor(outcome);
  }

  injectFault(spec: FaultSpec): void {
    this.faultQueue.add(spec);
  }

  faults(): FaultSpec[] {
    return this.faultQueue.pending();
  }

  clearFaults(): void {
    this.faultQueue.clear();
  }

  takeFault(method: string): FaultSpec | undefined {
    return this.faultQueue.take(method);
  }

  // ---- the customer's side -----------------------------------------------------------------------

  /** The customer scans the merchant QR: the trade now exists at Alipay (WAIT_BUYER_PAY). */
  scan(outTradeNo: string): SandboxTradeView {
    return this.view(this.book.scan(outTradeNo));
  }

  /** The customer scans and pays, now or after `delayMs`; resolves once paid. */
  async scanAndPay(outTradeNo: string, options: { delayMs?: number } = {}): Promise<SandboxTradeView> {
    this.book.scan(outTradeNo);
    const delayMs = options.delayMs ?? 0;
    if (delayMs > 0) await new Promise<void>((resolve) => this.schedule(delayMs, () => resolve()));
    return this.view(this.book.pay(outTradeNo));
  }

  /** Arms the race: the next close of this trade is followed, after `delayMs`, by a successful payment. */
  payAfterClose(outTradeNo: string, options: { delayMs?: number } = {}): void {
    const trade = this.book.get(outTradeNo);
    if (!trade) throw new Error(`no trade ${outTradeNo}`);
    trade.payAfterClose = { delayMs: options.delayMs ?? 50 };
  }

  // ---- inspection --------------------------------------------------------------------------------

  trades(): SandboxTradeView[] {
    return this.book.all().map((trade) => this.view(trade));
  }

  trade(outTradeNo: string): SandboxTradeView | undefined {
    const trade = this.book.get(outTradeNo);
    return trade && this.view(trade);
  }

  notifications(): NotificationDelivery[] {
    return structuredClone(this.notifier.deliveries());
  }

  /** Forgets trades, scripts, faults, notifications and bills; knobs go back to their defaults. */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.book.clear();
    this.scripted.clear();
    this.usedAuthCodes.clear();
    this.faultQueue.clear();
    this.notifier.clear();
    this.bills.clear();
    this.knobValues = structuredClone(DEFAULT_KNOBS);
  }

  /** Stops every pending timer (notifications, scripted payments). */
  shutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Client settings wired to this sandbox. */
  clientConfig(overrides: Partial<AlipayConfigInput> = {}): AlipayConfigInput {
    return alipayClientConfigFor(this.credentials, this.gatewayUrl, overrides);
  }

  // ---- used by the gateway -----------------------------------------------------------------------

  methodContext(): MethodContext {
    return {
      now: () => this.now(),
      book: this.book,
      knobs: () => this.knobValues,
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

  // ---- internals ---------------------------------------------------------------------------------

  private issueBillUrl(date: string): string | undefined {
    const trades = this.book.all();
    if (billLines(trades, date).length === 0) return undefined;
    const now = this.now();
    const token = randomBytes(16).toString('hex');
    const day = date.replaceAll('-', '');
    const fileName = `${this.credentials.sellerId}0156_${day}.csv.zip`;
    this.bills.set(token, {
      zip: tradeBillZip(trades, this.credentials.sellerId, date, now),
      expiresAt: now + this.knobValues.billUrlTtlMs,
      fileName,
    });
    const query = new URLSearchParams({
      bizType: 'trade',
      userId: `${this.credentials.sellerId}0156`,
      fileType: 'csv.zip',
      bizDates: day,
      downloadFileName: fileName,
      fileId: `${randomDigits(10)}`,
      timestamp: String(now),
      token,
    });
    return `${this.baseUrl}/downloadBillFile.resource?${query.toString()}`;
  }

  private forgedKey(): Promise<KeyObject> {
    this.forgeryKey ??= generateRsaKeyPair().then((pair) => pair.privateKey);
    return this.forgeryKey;
  }

  private commonNotifyParams(trade: SandboxTrade): Record<string, string> {
    const now = this.now();
    const paid = trade.paidAt !== undefined;
    const params: Record<string, string> = {
      notify_time: beijingDateTime(now),
      notify_type: 'trade_status_sync',
      notify_id: `${beijingDateTime(now).slice(0, 10).replaceAll('-', '')}00222${randomDigits(21)}`,
      app_id: this.credentials.appId,
      auth_app_id: this.credentials.appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      trade_no: trade.tradeNo ?? '',
      out_trade_no: trade.outTradeNo,
      buyer_id: trade.buyerId,
      buyer_logon_id: trade.buyerLogonId,
      seller_id: this.credentials.sellerId,
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
    if (trade.paidAt !== undefined) params.gmt_payment = beijingDateTime(trade.paidAt);
    if (trade.closedAt !== undefined && trade.status === 'TRADE_CLOSED') params.gmt_close = beijingDateTime(trade.closedAt);
    if (this.knobValues.passbackParams !== null) params.passback_params = this.knobValues.passbackParams;
    return params;
  }

  private notifyUrlOf(trade: SandboxTrade): string | undefined {
    return this.knobValues.notifyUrl ?? trade.notifyUrl;
  }

  private notifyPayment(trade: SandboxTrade): void {
    this.notifier.dispatch('payment', trade.outTradeNo, this.notifyUrlOf(trade), this.commonNotifyParams(trade));
  }

  private notifyRefund(trade: SandboxTrade, refund: SandboxRefund): void {
    if (!this.knobValues.notifyRefunds) return;
    const params = this.commonNotifyParams(trade);
    params.out_biz_no = refund.outRequestNo;
    params.refund_fee = yuan(refundedFen(trade));
    params.gmt_refund = `${beijingDateTime(refund.at)}.000`;
    this.notifier.dispatch('refund', trade.outTradeNo, this.notifyUrlOf(trade), params);
  }

  private view(trade: SandboxTrade): SandboxTradeView {
    const at = (ms: number | undefined) => (ms === undefined ? undefined : rfc3339Beijing(ms));
    const view: SandboxTradeView = {
      outTradeNo: trade.outTradeNo,
      kind: trade.kind,
      status: trade.status,
      subject: trade.subject,
      totalFen: trade.totalFen,
      totalAmount: yuan(trade.totalFen),
      refundedFen: refundedFen(trade),
      createdAt: rfc3339Beijing(trade.createdAt),
      refunds: trade.refunds.map((refund) => ({ outRequestNo: refund.outRequestNo, amountFen: refund.amountFen, at: rfc3339Beijing(refund.at), via: refund.via })),
    };
    if (trade.tradeNo) view.tradeNo = trade.tradeNo;
    if (trade.qrCode) view.qrCode = trade.qrCode;
    if (trade.cancelAction) view.cancelAction = trade.cancelAction;
    const expiresAt = at(trade.expiresAt);
    if (expiresAt) view.expiresAt = expiresAt;
    const paidAt = at(trade.paidAt);
    if (paidAt) view.paidAt = paidAt;
    const closedAt = at(trade.closedAt);
    if (closedAt) view.closedAt = closedAt;
    return view;
  }
}
