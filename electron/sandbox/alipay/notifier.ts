/**
 * Asynchronous notifications as Alipay sends them (payment-protocols.md §4.4): a form POST to the
 * trade's notify_url, signed with the Alipay key over everything but `sign` and `sign_type`. Anything
 * but a reply of exactly `success` is resent on Alipay's schedule (scaled by notify.retryScale) with
 * the same notify_id; knobs add delay, duplicates and tampered copies.
 */
import { type NotificationTamper, type NotifyBehaviour } from './behaviour';

/** Alipay's resend gaps: 4m, 10m, 10m, 1h, 2h, 6h, 15h (≈25 h in all). */
export const RETRY_SCHEDULE_SECONDS = [240, 600, 600, 3600, 7200, 21600, 54000] as const;

export type NotificationKind = 'payment' | 'refund';
export type DeliveryVariant = 'genuine' | 'retry' | 'duplicate' | NotificationTamper;

export interface DeliveryRecord {
  /** notify_id: the same for every delivery of one event. */
  eventId: string;
  kind: NotificationKind;
  outTradeNo: string;
  variant: DeliveryVariant;
  /** 0 for the first genuine delivery, n for the n-th resend. */
  attempt: number;
  url: string;
  /** Sandbox clock, epoch ms. */
  at: number;
  status?: number;
  reply?: string;
  error?: string;
  /** The merchant answered exactly `success` in time. */
  accepted: boolean;
}

export interface NotifierDeps {
  now(): number;
  behaviour(): NotifyBehaviour;
  schedule(delayMs: number, task: () => void | Promise<void>): void;
  /** Adds `sign` computed with the Alipay key (or, for a forgery, with some other key). */
  sign(params: Record<string, string>, forged: boolean): Promise<Record<string, string>>;
}

interface Event {
  kind: NotificationKind;
  outTradeNo: string;
  url: string;
  params: Record<string, string>;
}

export class Notifier {
  private readonly records: DeliveryRecord[] = [];

  constructor(private readonly deps: NotifierDeps) {}

  deliveries(): DeliveryRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  clear(): void {
    this.records.length = 0;
  }

  /** Queues a notification (unsigned params, notify_id included); returns immediately. */
  enqueue(kind: NotificationKind, outTradeNo: string, url: string | undefined, unsigned: Record<string, string>): void {
    const behaviour = this.deps.behaviour();
    if (!behaviour.enabled || !url) return;
    this.deps.schedule(behaviour.delayMs, async () => {
      const event: Event = { kind, outTradeNo, url, params: await this.deps.sign(unsigned, false) };
      for (const tamper of behaviour.tamperedBefore) await this.post(event, await this.tampered(unsigned, tamper), tamper, 0);
      await this.deliver(event, 0);
    });
  }

  private async tampered(unsigned: Record<string, string>, tamper: NotificationTamper): Promise<Record<string, string>> {
    if (tamper === 'forged-signature') return this.deps.sign(unsigned, true);
    // Genuinely signed, then the amount changed in transit.
    const signed = await this.deps.sign(unsigned, false);
    const cents = /^(\d+)\.(\d{2})$/.exec(signed.total_amount ?? '');
    const altered = cents ? `${Number(cents[1]) + 1}.${cents[2]}` : '0.01';
    return { ...signed, total_amount: altered };
  }

  private async deliver(event: Event, attempt: number): Promise<void> {
    const accepted = await this.post(event, event.params, attempt === 0 ? 'genuine' : 'retry', attempt);
    const behaviour = this.deps.behaviour();
    if (accepted) {
      for (let copy = 1; copy <= behaviour.duplicates; copy += 1) {
        this.deps.schedule(behaviour.delayMs * copy, () => this.post(event, event.params, 'duplicate', attempt).then(() => undefined));
      }
      return;
    }
    const wait = RETRY_SCHEDULE_SECONDS[attempt];
    if (wait !== undefined) this.deps.schedule(wait * 1000 * behaviour.retryScale, () => this.deliver(event, attempt + 1));
  }

  private async post(event: Event, params: Record<string, string>, variant: DeliveryVariant, attempt: number): Promise<boolean> {
    const record: DeliveryRecord = {
      eventId: params.notify_id ?? '',
      kind: event.kind,
      outTradeNo: event.outTradeNo,
      variant,
      attempt,
      url: event.url,
      at: this.deps.now(),
      accepted: false,
    };
    this.records.push(record);
    try {
      const response = await fetch(event.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.deps.behaviour().replyTimeoutMs),
      });
      record.status = response.status;
      record.reply = (await response.text()).slice(0, 200);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    // Alipay wants exactly the seven bytes `success`; anything else means "send again".
    record.accepted = record.reply === 'success';
    return record.accepted;
  }
}
