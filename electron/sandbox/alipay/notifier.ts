/**
 * Asynchronous notifications as Alipay sends them (payment-protocols.md §4.4): a form POST to the
 * trade's notify_url, signed with the Alipay key over everything but `sign` and `sign_type`.
 * Anything but a reply of exactly `success` is resent on a (time-compressed) schedule with the same
 * notify_id; knobs add delay, duplicate deliveries and forged signatures.
 */
import { rfc3339Beijing } from '../common/time';

export type NotificationKind = 'payment' | 'refund';

export interface NotifyKnobs {
  enabled: boolean;
  delayMs: number;
  /** Extra deliveries of the same notification (same notify_id). */
  duplicates: number;
  /** Gaps before each resend when the reply is not exactly `success` (Alipay: 4m,10m,10m,1h,2h,6h,15h). */
  resendScheduleMs: number[];
  timeoutMs: number;
  /** Sign with a key that is not Alipay's. */
  forgeSignature: boolean;
}

export interface DeliveryAttempt {
  at: string;
  duplicate: boolean;
  status?: number;
  reply?: string;
  error?: string;
}

export interface NotificationDelivery {
  notifyId: string;
  kind: NotificationKind;
  outTradeNo: string;
  url: string;
  /** Exactly what is POSTed, including sign. */
  params: Record<string, string>;
  forged: boolean;
  acknowledged: boolean;
  attempts: DeliveryAttempt[];
}

export interface NotifierDeps {
  knobs(): NotifyKnobs;
  now(): number;
  schedule(delayMs: number, task: () => void | Promise<void>): void;
  /** Adds sign (genuine or forged) to the params. */
  sign(params: Record<string, string>, forged: boolean): Promise<Record<string, string>>;
}

export class Notifier {
  private readonly log: NotificationDelivery[] = [];

  constructor(private readonly deps: NotifierDeps) {}

  deliveries(): NotificationDelivery[] {
    return this.log;
  }

  clear(): void {
    this.log.length = 0;
  }

  /** Queues a notification; returns immediately. */
  dispatch(kind: NotificationKind, outTradeNo: string, url: string | undefined, unsigned: Record<string, string>): void {
    const knobs = this.deps.knobs();
    if (!knobs.enabled || !url) return;
    const forged = knobs.forgeSignature;
    this.deps.schedule(knobs.delayMs, async () => {
      const params = await this.deps.sign(unsigned, forged);
      const delivery: NotificationDelivery = {
        notifyId: params.notify_id ?? '',
        kind,
        outTradeNo,
        url,
        params,
        forged,
        acknowledged: false,
        attempts: [],
      };
      this.log.push(delivery);
      await this.attempt(delivery, 0, false);
      for (let copy = 1; copy <= knobs.duplicates; copy += 1) {
        this.deps.schedule(knobs.delayMs * copy, () => this.attempt(delivery, 0, true));
      }
    });
  }

  private async attempt(delivery: NotificationDelivery, resendIndex: number, duplicate: boolean): Promise<void> {
    const knobs = this.deps.knobs();
    const record: DeliveryAttempt = { at: rfc3339Beijing(this.deps.now()), duplicate };
    delivery.attempts.push(record);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(delivery.params).toString(),
        signal: AbortSignal.timeout(knobs.timeoutMs),
      });
      record.status = response.status;
      record.reply = (await response.text()).slice(0, 200);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    // Alipay wants exactly the seven bytes `success`; anything else means "send again".
    if (record.reply === 'success') {
      delivery.acknowledged = true;
      return;
    }
    if (duplicate || delivery.acknowledged) return;
    const gap = knobs.resendScheduleMs[resendIndex];
    if (gap !== undefined) this.deps.schedule(gap, () => this.attempt(delivery, resendIndex + 1, false));
  }
}
