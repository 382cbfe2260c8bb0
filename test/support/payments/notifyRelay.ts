/**
 * The notification relay of the fault simulator: the notify_url both sandboxes post to. It plays the
 * part of the cloud relay in architecture.md §5: every delivery goes through the live core's client
 * `verifyNotification` (signature, decryption, merchant/app checks) and only a verified one reaches
 * `payments.handleNotification`. While the core is down (a simulated restart) it answers 503, so the
 * sandbox re-delivers on its (compressed) retry schedule, as WeChat Pay and Alipay do.
 *
 * On top of what the sandboxes send (genuine, duplicate and tampered copies) it feeds the engine
 * duplicates of verified notifications later, possibly to a restarted core, and forges its own
 * copies of genuine deliveries (a changed byte, another out_trade_no, a stale header) that must all
 * be refused by verifyNotification.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Core } from '../../../electron/core/createCore';
import type { IncomingNotification, PaymentProvider, ProviderName, ProviderNotification } from '../../../electron/payments/provider';
import type { Prng } from './prng';

export interface RelayStats {
  received: Record<ProviderName, number>;
  verified: Record<ProviderName, number>;
  /** Deliveries refused by verifyNotification (the sandboxes' tampered copies, or a genuine one wrongly). */
  rejected: Record<ProviderName, number>;
  /** Answered 503 because the core was down; the sandbox delivers again. */
  whileDown: number;
  /** Verified and acknowledged while the core was down, handed to it once it was back. */
  held: number;
  handed: number;
  /** Success notifications for attempts the engine had already closed/reversed (they trigger a re-check). */
  forFinishedAttempts: number;
  duplicatesHanded: number;
  selfForged: number;
  selfForgedRejected: number;
  /** Must stay 0: a forgery that verifyNotification accepted. */
  selfForgedAccepted: number;
  rejectionCodes: Record<string, number>;
  /** Verified notifications whose content contradicts their event (a success notice that is not a success). */
  inconsistent: number;
}

export const REJECTED_STATUS = 401;

export class NotificationRelay {
  private server: Server | undefined;
  private base = '';
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Verified while the till was down, acknowledged, waiting for it. */
  private readonly held: ProviderNotification[] = [];
  /** What happened to each delivery, for the report of a failing schedule. */
  readonly trace: string[] = [];
  readonly stats: RelayStats = {
    received: { wechat: 0, alipay: 0 },
    verified: { wechat: 0, alipay: 0 },
    rejected: { wechat: 0, alipay: 0 },
    whileDown: 0,
    held: 0,
    handed: 0,
    forFinishedAttempts: 0,
    duplicatesHanded: 0,
    selfForged: 0,
    selfForgedRejected: 0,
    selfForgedAccepted: 0,
    rejectionCodes: {},
    inconsistent: 0,
  };
  private outstanding = 0;

  constructor(
    private readonly options: {
      current: () => Core | undefined;
      prng: Prng;
      /** Probability that a verified notification is handed to the engine again later. */
      duplicateRate: number;
      /** Probability that a genuine delivery gets a forged twin. */
      forgeRate: number;
      /** Other out_trade_nos a forgery may claim (payments that exist but may be unpaid). */
      otherOutTradeNo: (prng: Prng) => string | undefined;
      /** Clients the relay verifies with while the till (and its clients) are down. */
      verifiers: Record<ProviderName, PaymentProvider>;
    },
  ) {}

  url(provider: ProviderName): string {
    return `${this.base}/notify/${provider}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.outstanding += 1;
      this.handle(request, response)
        .catch(() => {
          if (!response.headersSent) {
            response.writeHead(500);
            response.end('fail');
          }
        })
        .finally(() => (this.outstanding -= 1));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Nothing in flight and no late duplicate still to be handed over. */
  idle(): boolean {
    return this.outstanding === 0 && this.timers.size === 0 && this.held.length === 0;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const provider: ProviderName = request.url?.includes('/alipay') ? 'alipay' : 'wechat';
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const incoming: IncomingNotification = { headers: lowerCase(request.headers), rawBody: Buffer.concat(chunks).toString('utf8') };
    this.stats.received[provider] += 1;
    const claimed = provider === 'alipay' ? (new URLSearchParams(incoming.rawBody).get('out_trade_no') ?? '?') : '(encrypted)';
    const trace = (what: string) => this.trace.push(`${new Date().toISOString()} ${provider} ${claimed} ${what}`);
    const reply = (ok: boolean, status: number) => {
      if (provider === 'alipay') {
        response.writeHead(ok ? 200 : status, { 'content-type': 'text/plain' });
        response.end(ok ? 'success' : 'fail');
      } else {
        response.writeHead(ok ? 204 : status, ok ? {} : { 'content-type': 'application/json' });
        response.end(ok ? undefined : JSON.stringify({ code: 'FAIL', message: 'not accepted' }));
      }
    };
    const core = this.options.current();
    // While the till is down, a cloud relay either holds a delivery for it or lets the provider
    // deliver again later (both happen here).
    if (!core && this.options.prng.chance(0.5)) {
      trace('503 core down');
      this.stats.whileDown += 1;
      reply(false, 503);
      return;
    }
    const client = core?.providers.entry(provider)?.client ?? this.options.verifiers[provider];
    let notification: ProviderNotification;
    try {
      notification = await client.verifyNotification(incoming);
    } catch (error) {
      this.stats.rejected[provider] += 1;
      const code = (error as { code?: string }).code ?? 'ERROR';
      trace(`rejected ${code}`);
      this.stats.rejectionCodes[`${provider}:${code}`] = (this.stats.rejectionCodes[`${provider}:${code}`] ?? 0) + 1;
      reply(false, REJECTED_STATUS);
      return;
    }
    this.stats.verified[provider] += 1;
    if (notification.kind === 'payment' && notification.trade.status !== 'success') this.stats.inconsistent += 1;
    // Verified: handed to the till now, or held for it until it is back.
    const live = this.options.current();
    if (live) this.hand(live, notification);
    else {
      trace('held while the core is down');
      this.held.push(notification);
      this.stats.held += 1;
    }
    reply(true, 200);
    if (this.options.prng.chance(this.options.duplicateRate)) this.later(notification);
    if (this.options.prng.chance(this.options.forgeRate)) await this.forge(provider, incoming, client.verifyNotification.bind(client));
  }

  private hand(core: Core, notification: ProviderNotification): void {
    const no = notification.kind === 'payment' ? notification.trade.outTradeNo : notification.outTradeNo;
    const row = core.payments.store.byOutTradeNo(no);
    if (notification.kind === 'payment' && row && ['failed', 'closed', 'reversed'].includes(row.state)) this.stats.forFinishedAttempts += 1;
    this.trace.push(
      `${new Date().toISOString()} ${notification.provider} ${no} handed ${notification.kind} ${notification.kind === 'payment' ? notification.trade.status : notification.refund.status} (attempt ${row?.state ?? 'unknown'})`,
    );
    core.payments.handleNotification(notification);
    this.stats.handed += 1;
  }

  /** Hands what was held while the till was down to the till that is now up. */
  flush(): void {
    const core = this.options.current();
    if (!core) return;
    for (const notification of this.held.splice(0)) this.hand(core, notification);
  }

  /** The same verified notification again, later (maybe after a restart): duplicates are normal. */
  private later(notification: ProviderNotification): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        const core = this.options.current();
        if (!core) return;
        core.payments.handleNotification(notification);
        this.stats.duplicatesHanded += 1;
      },
      this.options.prng.int(0, 600),
    );
    this.timers.add(timer);
  }

  private async forge(provider: ProviderName, genuine: IncomingNotification, verify: (incoming: IncomingNotification) => Promise<ProviderNotification>): Promise<void> {
    const forged = provider === 'wechat' ? this.forgeWechat(genuine) : this.forgeAlipay(genuine);
    if (!forged) return;
    this.stats.selfForged += 1;
    try {
      await verify(forged);
      this.stats.selfForgedAccepted += 1;
    } catch {
      this.stats.selfForgedRejected += 1;
    }
  }

  private forgeWechat(genuine: IncomingNotification): IncomingNotification | undefined {
    const variant = this.options.prng.int(0, 3);
    if (variant === 0) {
      // One byte of the encrypted resource changed in transit.
      const index = genuine.rawBody.indexOf('"ciphertext":"');
      if (index < 0) return undefined;
      const at = index + '"ciphertext":"'.length + this.options.prng.int(0, 8);
      const ch = genuine.rawBody[at] === 'A' ? 'B' : 'A';
      return { headers: genuine.headers, rawBody: genuine.rawBody.slice(0, at) + ch + genuine.rawBody.slice(at + 1) };
    }
    if (variant === 1) {
      // Another event id under the genuine signature (a replay dressed up as a new event).
      return { headers: genuine.headers, rawBody: genuine.rawBody.replace(/"id":"[^"]*"/, `"id":"forged-${this.options.prng.u32()}"`) };
    }
    if (variant === 2) {
      // The genuine body with the timestamp header moved: the signature no longer covers it.
      const timestamp = Number(genuine.headers['wechatpay-timestamp'] ?? '0') + 1;
      return { headers: { ...genuine.headers, 'wechatpay-timestamp': String(timestamp) }, rawBody: genuine.rawBody };
    }
    // No signature at all.
    const headers = { ...genuine.headers };
    delete headers['wechatpay-signature'];
    return { headers, rawBody: genuine.rawBody };
  }

  private forgeAlipay(genuine: IncomingNotification): IncomingNotification | undefined {
    const params = new URLSearchParams(genuine.rawBody);
    const variant = this.options.prng.int(0, 3);
    if (variant === 0) {
      // Claims another (perhaps unpaid) attempt was paid, under the genuine signature.
      const other = this.options.otherOutTradeNo(this.options.prng);
      if (!other || other === params.get('out_trade_no')) return undefined;
      params.set('out_trade_no', other);
    } else if (variant === 1) {
      params.set('total_amount', '0.01');
    } else if (variant === 2) {
      params.set('trade_status', params.get('trade_status') === 'TRADE_SUCCESS' ? 'TRADE_FINISHED' : 'TRADE_SUCCESS');
    } else {
      params.delete('sign');
    }
    return { headers: genuine.headers, rawBody: params.toString() };
  }
}

function lowerCase(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return result;
}
