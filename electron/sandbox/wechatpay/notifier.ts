/**
 * Outgoing notifications (payment-protocols.md §2.7, §2.9): TRANSACTION.SUCCESS and REFUND.* posted
 * to the merchant's notify_url with a real RSA signature and an AEAD_AES_256_GCM resource; redelivered
 * on the official schedule (time-compressed by `retryScale`) until the merchant answers 2xx within
 * the reply timeout; plus knobs for delay, duplicates, out-of-order replays and tampered copies.
 */
import { randomUUID } from 'node:crypto';
import { randomAlphanumeric, randomSerialHex } from '../common/keys';
import { rfc3339Beijing } from '../common/time';
import type { NotificationTamper, NotifyBehaviour } from './behaviour';
import { forgeSignature, sealResource, signatureHeaders, type PlatformSigner } from './wireCrypto';

/** 15s,15s,30s,3m,10m,20m,30m,30m,30m,60m,3h,3h,3h,6h,6h (≈24h4m). */
export const RETRY_SCHEDULE_SECONDS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600] as const;

export interface OutgoingEvent {
  eventType: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
  summary: string;
  originalType: 'transaction' | 'refund';
  outTradeNo: string;
  url: string;
  /** The decrypted resource (Transaction, or the refund notification fields). */
  resource: Record<string, unknown>;
}

export type DeliveryVariant = 'genuine' | 'retry' | 'duplicate' | 'replayed-older' | NotificationTamper;

export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  outTradeNo: string;
  variant: DeliveryVariant;
  /** 0 for the first genuine delivery, n for the n-th retry. */
  attempt: number;
  url: string;
  serial: string;
  /** Sandbox clock, epoch ms. */
  at: number;
  status?: number;
  error?: string;
  /** The merchant answered 2xx in time. */
  accepted: boolean;
}

interface PreparedEvent {
  id: string;
  event: OutgoingEvent;
  body: string;
}

export interface NotifierDeps {
  now: () => number;
  behaviour: () => NotifyBehaviour;
  /** Picks the signing key for the n-th delivery (lets `migration` mode alternate). */
  signer: (deliveryIndex: number) => PlatformSigner;
  apiV3Key: string;
}

export class Notifier {
  private readonly records: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private readonly lastAcceptedByTrade = new Map<string, PreparedEvent>();
  private deliveryIndex = 0;
  private closed = false;

  constructor(private readonly deps: NotifierDeps) {}

  deliveries(): DeliveryRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  /** Encrypts once (retries resend the same body, as WeChat does) and schedules the first delivery. */
  enqueue(event: OutgoingEvent): string {
    const now = this.deps.now();
    const id = randomUUID();
    const resource = sealResource(this.deps.apiV3Key, event.originalType, event.originalType, JSON.stringify(event.resource));
    const body = JSON.stringify({
      id,
      create_time: rfc3339Beijing(now),
      resource_type: 'encrypt-resource',
      event_type: event.eventType,
      summary: event.summary,
      resource,
    });
    const prepared: PreparedEvent = { id, event, body };
    const behaviour = this.deps.behaviour();
    if (behaviour.enabled) this.later(behaviour.delayMs, () => this.firstDelivery(prepared));
    return id;
  }

  private later(ms: number, task: () => Promise<void>): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task().catch(() => undefined);
    }, ms);
    this.timers.add(timer);
  }

  private async firstDelivery(prepared: PreparedEvent): Promise<void> {
    for (const tamper of this.deps.behaviour().tamperedBefore) await this.send(prepared, tamper, 0);
    await this.attempt(prepared, 0);
  }

  private async attempt(prepared: PreparedEvent, attempt: number): Promise<void> {
    const accepted = await this.send(prepared, attempt === 0 ? 'genuine' : 'retry', attempt);
    if (this.closed) return;
    const behaviour = this.deps.behaviour();
    if (!accepted) {
      const wait = RETRY_SCHEDULE_SECONDS[attempt];
      if (wait !== undefined) this.later(wait * 1000 * behaviour.retryScale, () => this.attempt(prepared, attempt + 1));
      return;
    }
    for (let i = 0; i < behaviour.duplicates; i += 1) await this.send(prepared, 'duplicate', attempt);
    const previous = this.lastAcceptedByTrade.get(prepared.event.outTradeNo);
    if (behaviour.outOfOrder && previous) await this.send(previous, 'replayed-older', 0);
    this.lastAcceptedByTrade.set(prepared.event.outTradeNo, prepared);
  }

  /** One POST; true when the merchant answered 2xx within the reply timeout. */
  private async send(prepared: PreparedEvent, variant: DeliveryVariant, attempt: number): Promise<boolean> {
    if (this.closed) return false;
    const now = this.deps.now();
    const signer = this.deps.signer(this.deliveryIndex++);
    const stale = variant === 'stale-timestamp';
    const headers: Record<string, string> = {
      ...signatureHeaders(signer, prepared.body, Math.floor(now / 1000) - (stale ? 600 : 0)),
      'Content-Type': 'application/json',
      'User-Agent': 'Mozilla/4.0',
      'Request-ID': randomUUID(),
    };
    if (variant === 'forged-signature') headers['Wechatpay-Signature'] = forgeSignature(headers['Wechatpay-Signature'] ?? '');
    if (variant === 'signtest-probe') headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomAlphanumeric(64)}`;
    if (variant === 'unknown-serial') headers['Wechatpay-Serial'] = signer.serial.startsWith('PUB_KEY_ID_') ? `PUB_KEY_ID_01${randomAlphanumeric(20)}` : randomSerialHex();

    const record: DeliveryRecord = {
      eventId: prepared.id,
      eventType: prepared.event.eventType,
      outTradeNo: prepared.event.outTradeNo,
      variant,
      attempt,
      url: prepared.event.url,
      serial: headers['Wechatpay-Serial'] ?? '',
      at: now,
      accepted: false,
    };
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.deps.behaviour().replyTimeoutMs);
    try {
      const response = await fetch(prepared.event.url, { method: 'POST', headers, body: prepared.body, signal: controller.signal, redirect: 'manual' });
      await response.arrayBuffer();
      record.status = response.status;
      record.accepted = response.status >= 200 && response.status < 300;
    } catch (error) {
      record.error = controller.signal.aborted ? 'reply timeout' : error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    this.records.push(record);
    return record.accepted;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }
}
