/**
 * A cloud backend for tests, listening on 127.0.0.1:<free port>: on the PostgreSQL at `url`, or on
 * its own test cluster (startPostgres) when none is given, or on PGlite in memory with
 * `{ pglite: true }`. Helpers create stores, enrolment codes and enrolled terminals, and sign
 * requests the way a till does (wire.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildCloudApp } from '../../cloud/app';
import { openCloudDatabase, type CloudDatabase } from '../../cloud/db';
import { SIGNATURE_HEADERS, signRequest, type EnrolResponse, type OrderLineWire, type OrderWire, type PaymentWire, type RefundWire } from '../../electron/sync/wire';
import { startPostgres, type TestPostgres } from './postgres';
import { mulberry32 } from '../../bench/prng';

export interface TestCloud {
  baseUrl: string;
  /** The PostgreSQL URL (undefined on PGlite): a second instance can open the same database. */
  url: string | undefined;
  app: FastifyInstance;
  db: CloudDatabase;
  adminToken: string;
  secretKey: Buffer;
  createStore(code: string, name?: string): Promise<void>;
  enrolmentCode(storeCode: string): Promise<string>;
  /** Creates the store if needed, issues a code and enrols `terminalCode` with it. */
  enrolTerminal(storeCode: string, terminalCode: string): Promise<EnrolResponse>;
  close(): Promise<void>;
}

export interface StartTestCloudOptions {
  url?: string;
  pglite?: boolean;
  now?: () => number;
  logger?: boolean | object;
  secretKey?: Buffer;
}

export async function startTestCloud(options: StartTestCloudOptions = {}): Promise<TestCloud> {
  let cluster: TestPostgres | undefined;
  let url = options.url;
  if (!url && !options.pglite) {
    cluster = await startPostgres();
    url = cluster.url;
  }
  const db = await openCloudDatabase(url ? { url } : { pgliteDir: ':memory:' });
  const adminToken = `test-admin-${randomBytes(12).toString('hex')}`;
  const secretKey = options.secretKey ?? randomBytes(32);
  const app = await buildCloudApp({ db, adminToken, secretKey, ...(options.now ? { now: options.now } : {}), logger: options.logger ?? false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const auth = { authorization: `Bearer ${adminToken}` };

  const createStore = async (code: string, name = `Store ${code}`) => {
    const response = await app.inject({ method: 'POST', url: '/v1/admin/stores', headers: auth, payload: { code, name, timezone: 'Asia/Shanghai' } });
    if (response.statusCode !== 201 && response.statusCode !== 409) throw new Error(`createStore ${code}: ${response.statusCode} ${response.body}`);
  };
  const enrolmentCode = async (storeCode: string) => {
    const response = await app.inject({ method: 'POST', url: `/v1/admin/stores/${storeCode}/enrolment-codes`, headers: auth });
    if (response.statusCode !== 201) throw new Error(`enrolmentCode ${storeCode}: ${response.statusCode} ${response.body}`);
    return (response.json() as { code: string }).code;
  };
  return {
    baseUrl,
    url,
    app,
    db,
    adminToken,
    secretKey,
    createStore,
    enrolmentCode,
    async enrolTerminal(storeCode, terminalCode) {
      await createStore(storeCode);
      const code = await enrolmentCode(storeCode);
      const response = await app.inject({ method: 'POST', url: '/v1/enrol', payload: { code, terminalCode, name: `Till ${terminalCode}` } });
      if (response.statusCode !== 200) throw new Error(`enrol ${storeCode}/${terminalCode}: ${response.statusCode} ${response.body}`);
      return response.json() as EnrolResponse;
    },
    async close() {
      await app.close();
      await db.close();
      await cluster?.stop();
    },
  };
}

/** Headers of a request signed as a till signs it (wire.ts), with overridable parts for tests. */
export function signedHeaders(
  credentials: { terminalId: string; secret: string },
  request: { method: string; path: string; body: string },
  overrides: { timestamp?: string; nonce?: string; signature?: string } = {},
): Record<string, string> {
  const timestamp = overrides.timestamp ?? String(Date.now());
  const nonce = overrides.nonce ?? randomBytes(16).toString('hex');
  const signature = overrides.signature ?? signRequest(credentials.secret, { method: request.method, path: request.path, timestamp, nonce, body: request.body });
  return {
    [SIGNATURE_HEADERS.terminal]: credentials.terminalId,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signature,
    ...(request.method === 'POST' ? { 'content-type': 'application/json' } : {}),
  };
}

// ---- deterministic order snapshots (wire format) for the cloud's tests and bench -------------
// Consistent fen amounts: lines add up, tenders cover the total, refunds stay within what was paid.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class Prng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed >>> 0 || 1);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  ulid(): string {
    let id = CROCKFORD[this.int(0, 7)]!;
    for (let i = 1; i < 26; i += 1) id += CROCKFORD[this.int(0, 31)];
    return id;
  }
}

export interface MakeOrderOptions {
  storeCode: string;
  terminalCode: string;
  businessDate: string;
  seq: number;
  version?: number;
  lines?: number;
  /** 1 or 2 tenders. */
  payments?: number;
  /** Refund this much (fen) of the first payment. */
  refundFen?: number;
  id?: string;
}

export function makeOrder(prng: Prng, options: MakeOrderOptions): OrderWire {
  const created = `${options.businessDate}T02:${String(options.seq % 60).padStart(2, '0')}:00.000Z`;
  const lines: OrderLineWire[] = [];
  for (let lineNo = 1; lineNo <= (options.lines ?? 5); lineNo += 1) {
    const unitPriceFen = prng.int(100, 5_000);
    const quantity = prng.int(1, 3);
    const originalFen = unitPriceFen * quantity;
    const lineDiscountFen = prng.next() < 0.2 ? prng.int(1, Math.floor(originalFen / 10)) : 0;
    lines.push({
      lineNo,
      productId: prng.int(1, 100_000),
      sku: `SKU${prng.int(10_000, 99_999)}`,
      barcode: `69${prng.int(10_000_000, 99_999_999)}${prng.int(100, 999)}`,
      name: `商品 ${lineNo}`,
      unit: '件',
      soldBy: 'unit',
      quantity,
      unitPriceFen,
      priceOverridden: false,
      originalFen,
      lineDiscountFen,
      orderDiscountFen: 0,
      couponFen: 0,
      roundingFen: 0,
      netFen: originalFen - lineDiscountFen,
      taxRateBp: 1300,
      taxFen: Math.floor(((originalFen - lineDiscountFen) * 1300) / 11_300),
      refundedQuantity: 0,
    });
  }
  const subtotalFen = lines.reduce((sum, line) => sum + line.originalFen, 0);
  const lineDiscountFen = lines.reduce((sum, line) => sum + line.lineDiscountFen, 0);
  const totalFen = subtotalFen - lineDiscountFen;
  const taxFen = lines.reduce((sum, line) => sum + line.taxFen, 0);
  const tenders = (['wechat', 'alipay', 'cash'] as const).slice(prng.int(0, 2));
  const paymentCount = Math.min(options.payments ?? 1, 2, totalFen);
  const payments: PaymentWire[] = [];
  let left = totalFen;
  for (let i = 0; i < paymentCount; i += 1) {
    const amountFen = i === paymentCount - 1 ? left : prng.int(1, left - 1);
    left -= amountFen;
    const tender = tenders[i % tenders.length]!;
    payments.push({
      id: prng.ulid(),
      tender,
      method: tender === 'cash' ? 'cash' : 'merchant_qr',
      outTradeNo: tender === 'cash' ? null : `T${prng.ulid()}`,
      amountFen,
      tenderedFen: tender === 'cash' ? amountFen : null,
      changeFen: 0,
      state: 'succeeded',
      providerTradeNo: tender === 'cash' ? null : `42000${prng.int(10_000_000, 99_999_999)}`,
      createdAt: created,
      succeededAt: created,
    });
  }
  const refunds: RefundWire[] = [];
  const refundFen = Math.min(options.refundFen ?? 0, payments[0]?.amountFen ?? 0);
  if (refundFen > 0) {
    refunds.push({
      id: prng.ulid(),
      paymentId: payments[0]!.id,
      outRefundNo: `R${options.storeCode}-${options.seq}-1`,
      amountFen: refundFen,
      reason: '顾客退货',
      state: 'succeeded',
      automatic: false,
      providerRefundId: null,
      createdAt: created,
      succeededAt: created,
    });
  }
  return {
    id: options.id ?? prng.ulid(),
    orderNo: `${options.storeCode}-${options.terminalCode}-${options.businessDate.replaceAll('-', '')}-${String(options.seq).padStart(4, '0')}`,
    storeCode: options.storeCode,
    terminalCode: options.terminalCode,
    businessDate: options.businessDate,
    seq: options.seq,
    cashierId: 'cashier',
    state: refundFen > 0 ? 'partially_refunded' : 'completed',
    version: options.version ?? 1,
    subtotalFen,
    lineDiscountFen,
    orderDiscountFen: 0,
    couponFen: 0,
    roundingFen: 0,
    deliveryFeeFen: 0,
    totalFen,
    taxFen,
    paidFen: totalFen,
    changeFen: 0,
    refundedFen: refundFen,
    createdAt: created,
    updatedAt: created,
    paidAt: created,
    completedAt: created,
    cancelledAt: null,
    lines,
    payments,
    refunds,
  };
}
