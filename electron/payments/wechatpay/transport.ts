/**
 * One signed HTTP exchange with WeChat Pay: sign, send with a timeout, read the raw bytes, verify.
 *
 * Transport failures (timeout, reset, DNS) become ProviderError('unknown'): the request may have
 * been applied. A 200/204 whose signature fails becomes ProviderError('verification'). Other statuses
 * are handed back untouched because only the operation knows what, say, a 404 means for it.
 */
import { ProviderError } from '../provider';
import type { ResolvedWechatPayConfig } from './config';
import { buildAuthorization } from './sign';
import { verifyWechatSignature } from './verify';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportDeps {
  fetch: FetchLike;
  /** Wall clock in epoch ms; injectable so tests control signature freshness. */
  now: () => number;
  nonce: () => string;
}

export interface WechatRequest {
  method: 'GET' | 'POST';
  /** Path plus query, already escaped; this exact string is signed and sent. */
  pathAndQuery: string;
  body?: unknown;
  /** Bill files are not signed by WeChat Pay (§1.2 rule 7); everything else is. */
  verifyResponse: boolean;
  /** For messages: "query", "close" … */
  operation: string;
}

export interface WechatResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

const USER_AGENT = 'Till-POS/0.1 (WeChatPay-APIv3; node)';

export class WechatTransport {
  constructor(
    private readonly config: ResolvedWechatPayConfig,
    private readonly deps: TransportDeps,
  ) {}

  /** The serial we can verify with: sent as Wechatpay-Serial so WeChat signs its answer with that key (§1.3). */
  private verifiableSerial(): string | undefined {
    const keys = this.config.verificationKeys;
    return keys.publicKey?.id ?? keys.certificates.keys().next().value;
  }

  async request(request: WechatRequest): Promise<WechatResponse> {
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    const authorization = buildAuthorization({
      mchid: this.config.mchid,
      merchantSerial: this.config.merchantSerial,
      privateKey: this.config.merchantPrivateKey,
      method: request.method,
      canonicalUrl: request.pathAndQuery,
      body,
      timestamp: Math.floor(this.deps.now() / 1000),
      nonce: this.deps.nonce(),
    });
    const headers: Record<string, string> = {
      Authorization: authorization,
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
    };
    if (body !== '') headers['Content-Type'] = 'application/json';
    const serial = this.verifiableSerial();
    if (serial) headers['Wechatpay-Serial'] = serial;

    let response: Response;
    let raw: Buffer;
    try {
      response = await this.deps.fetch(`${this.config.baseUrl}${request.pathAndQuery}`, {
        method: request.method,
        headers,
        ...(body === '' ? {} : { body }),
        // A redirect would carry our signed request somewhere we did not choose.
        redirect: 'error',
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
      raw = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ProviderError(
        'unknown',
        timedOut ? 'TIMEOUT' : 'NETWORK',
        `${request.operation}: ${timedOut ? `no answer within ${this.config.requestTimeoutMs} ms` : `network error (${describe(error)})`}`,
      );
    }

    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });
    // 202 means "accepted, not processed": callers treat it as unknown and query, so its body is never
    // trusted and need not be verified. 200/204 carry facts we act on and must verify.
    if (request.verifyResponse && response.status >= 200 && response.status < 300 && response.status !== 202) {
      verifyWechatSignature({ headers: responseHeaders, body: raw }, this.config.verificationKeys, Math.floor(this.deps.now() / 1000));
    }
    return { status: response.status, headers: responseHeaders, body: raw, text: raw.toString('utf8') };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
