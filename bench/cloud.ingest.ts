/**
 * Cloud ingest rate: N orders (~5 lines, 1–2 payments, some refunds) from 4 terminals over 5 business
 * days, pushed through the real route (POST /v1/sync/orders: signature check, JSON, zod per order,
 * the set-based upsert, gaps, backlog) in batches of 500, one batch after another; then the same rows
 * loaded with a plain COPY … FROM STDIN into the same tables of a fresh schema, in the same run. The
 * ratio of the two is the figure: how much the per-order answers, idempotency and checks cost over
 * the fastest way PostgreSQL has to take rows.
 *
 *   npm run bench:cloud-ingest [-- orders=20000 batch=500 http=inject|real]
 *
 * Both sides run against one PostgreSQL started here (fsync on, like the tests). Signing the requests
 * is the till's work and happens before the clock starts; the COPY side includes formatting its text.
 */
import pg from 'pg';
import { openCloudDatabase } from '../cloud/db';
import { migrate } from '../cloud/migrate';
import type { IngestResponse, OrderWire } from '../electron/sync/wire';
import { makeOrder, Prng, signedHeaders, startTestCloud } from '../test/support/cloud';
import { startPostgres } from '../test/support/postgres';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.split('=') as [string, string]));
const ORDERS = Number(args.orders ?? 20_000);
const BATCH = Number(args.batch ?? 500);
const HTTP = (args.http ?? 'inject') as 'inject' | 'real';
const TERMINALS = 4;
const DAYS = ['2025-04-01', '2025-04-02', '2025-04-03', '2025-04-04', '2025-04-05'];

/** COPY … FROM STDIN on a pg client: a minimal "submittable" (what pg-copy-streams does, without the dependency). */
class CopyIn {
  callback?: (error: Error | null, rows?: number) => void;
  private rows = 0;
  private error: Error | null = null;
  constructor(
    private readonly sql: string,
    private readonly data: Buffer,
  ) {}
  submit(connection: { query(text: string): void }) {
    connection.query(this.sql);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }) {
    for (let offset = 0; offset < this.data.length; offset += 1 << 16) connection.sendCopyFromChunk(this.data.subarray(offset, offset + (1 << 16)));
    connection.endCopyFrom();
  }
  handleCommandComplete(message: { text: string }) {
    this.rows = Number(/COPY (\d+)/.exec(message.text)?.[1] ?? 0);
  }
  handleError(error: Error) {
    this.error = error;
  }
  handleReadyForQuery() {
    this.callback?.(this.error, this.rows);
  }
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handleCopyData() {}
  handlePortalSuspended() {}
}

function copyIn(client: pg.Client, sql: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const submittable = new CopyIn(sql, data);
    (client as unknown as { query(q: CopyIn, cb: (error: Error | null, rows?: number) => void): void }).query(submittable, (error, rows) =>
      error ? reject(error) : resolve(rows ?? 0),
    );
  });
}

/** COPY text format: tab-separated, \N for null, backslash escapes. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
const line = (values: unknown[]) => `${values.map(field).join('\t')}\n`;

function copyTexts(orders: OrderWire[], storeIds: Map<string, string>, terminalIds: Map<string, string>, now: string) {
  let o = '';
  let l = '';
  let p = '';
  let r = '';
  for (const order of orders) {
    o += line([
      order.id, storeIds.get(order.storeCode), order.terminalCode, terminalIds.get(`${order.storeCode}/${order.terminalCode}`), order.orderNo, order.businessDate, order.seq,
      order.cashierId, order.state, order.version, order.subtotalFen, order.lineDiscountFen, order.orderDiscountFen, order.couponFen, order.roundingFen,
      order.deliveryFeeFen, order.totalFen, order.taxFen, order.paidFen, order.changeFen, order.refundedFen, order.createdAt, order.updatedAt, order.paidAt,
      order.completedAt, order.cancelledAt, now, now,
    ]);
    for (const x of order.lines) {
      l += line([
        order.id, x.lineNo, x.productId, x.sku, x.barcode, x.name, x.unit, x.soldBy, x.quantity, x.unitPriceFen, x.priceOverridden, x.originalFen,
        x.lineDiscountFen, x.orderDiscountFen, x.couponFen, x.roundingFen, x.netFen, x.taxRateBp, x.taxFen, x.refundedQuantity,
      ]);
    }
    for (const x of order.payments) {
      p += line([order.id, x.id, x.tender, x.method, x.outTradeNo, x.amountFen, x.tenderedFen, x.changeFen, x.state, x.providerTradeNo, x.createdAt, x.succeededAt]);
    }
    for (const x of order.refunds) {
      r += line([order.id, x.id, x.paymentId, x.outRefundNo, x.amountFen, x.reason, x.state, x.automatic, x.providerRefundId, x.createdAt, x.succeededAt]);
    }
  }
  return { orders: o, lines: l, payments: p, refunds: r };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  // fsync stays on; buffers sized like a small production server rather than the tests' minimum.
  const cluster = await startPostgres({ settings: { shared_buffers: '256MB', wal_buffers: '16MB', max_wal_size: '2GB' } });
  try {
    const cloud = await startTestCloud({ url: cluster.url });
    const tills = [];
    for (let t = 1; t <= TERMINALS; t += 1) tills.push(await cloud.enrolTerminal(t <= 2 ? 'B001' : 'B002', `T0${t}`));
    const prng = new Prng(42);
    const perTerminal = Math.ceil(ORDERS / TERMINALS);
    const all: OrderWire[] = [];
    const requests: { till: (typeof tills)[number]; body: string }[] = [];
    for (const till of tills) {
      const orders: OrderWire[] = [];
      const perDay = Math.ceil(perTerminal / DAYS.length);
      for (let i = 0; i < perTerminal && all.length + orders.length < ORDERS; i += 1) {
        const day = DAYS[Math.floor(i / perDay)]!;
        // Order numbers restart each business day, as on the till.
        orders.push(makeOrder(prng, { storeCode: till.storeCode, terminalCode: till.terminalCode, businessDate: day, seq: (i % perDay) + 1, lines: prng.int(3, 7), payments: prng.int(1, 2), refundFen: prng.next() < 0.1 ? prng.int(1, 500) : 0 }));
      }
      all.push(...orders);
      for (let offset = 0; offset < orders.length; offset += BATCH) {
        requests.push({ till, body: JSON.stringify({ wireVersion: 1, backlog: { pending: orders.length - offset, dead: 0, oldestPendingAt: null }, orders: orders.slice(offset, offset + BATCH) }) });
      }
    }
    const rows = all.reduce((sum, o) => sum + 1 + o.lines.length + o.payments.length + o.refunds.length, 0);
    const signed = requests.map(({ till, body }) => ({ body, headers: signedHeaders(till, { method: 'POST', path: '/v1/sync/orders', body }) }));
    console.log(`cloud ingest bench: ${fmt(all.length)} orders, ${fmt(rows)} rows (orders + lines + payments + refunds), batches of ${BATCH}, ${TERMINALS} terminals, ${HTTP === 'inject' ? 'app.inject' : 'real HTTP on loopback'}`);

    const started = performance.now();
    let accepted = 0;
    for (const request of signed) {
      let status: number;
      let text: string;
      if (HTTP === 'inject') {
        const response = await cloud.app.inject({ method: 'POST', url: '/v1/sync/orders', headers: request.headers, payload: request.body });
        status = response.statusCode;
        text = response.body;
      } else {
        const response = await fetch(`${cloud.baseUrl}/v1/sync/orders`, { method: 'POST', headers: request.headers, body: request.body });
        status = response.status;
        text = await response.text();
      }
      if (status !== 200) throw new Error(`ingest answered ${status}: ${text.slice(0, 300)}`);
      accepted += (JSON.parse(text) as IngestResponse).results.filter((r) => r.status === 'accepted').length;
    }
    const ingestS = (performance.now() - started) / 1000;
    if (accepted !== all.length) throw new Error(`only ${accepted} of ${all.length} accepted`);

    // Some batches again, freshly signed (a till retrying after a lost answer): all duplicates, nothing written.
    const resend = requests.slice(0, Math.min(10, requests.length));
    const resendStarted = performance.now();
    let resentOrders = 0;
    for (const { till, body } of resend) {
      const response = await cloud.app.inject({ method: 'POST', url: '/v1/sync/orders', headers: signedHeaders(till, { method: 'POST', path: '/v1/sync/orders', body }), payload: body });
      const results = (response.json() as IngestResponse).results;
      if (!results.every((r) => r.status === 'duplicate')) throw new Error('a resent batch was not all duplicates');
      resentOrders += results.length;
    }
    const resendS = (performance.now() - resendStarted) / 1000;

    const storeIds = new Map((await cloud.db.query<{ code: string; id: string }>('SELECT code, id FROM stores')).map((s) => [s.code, s.id]));
    const terminalIds = new Map(tills.map((t) => [`${t.storeCode}/${t.terminalCode}`, t.terminalId]));
    await cloud.close();

    // Plain COPY into the same tables of a fresh schema.
    const copyUrl = await cluster.createDatabase('copy_target');
    const copyDb = await openCloudDatabase({ url: copyUrl });
    await migrate(copyDb);
    for (const [code, id] of storeIds) await copyDb.query("INSERT INTO stores (id, code, name, timezone, created_at, updated_at) VALUES ($1, $2, $2, 'Asia/Shanghai', now(), now())", [id, code]);
    await copyDb.close();
    const client = new pg.Client({ connectionString: copyUrl });
    await client.connect();
    const copyStarted = performance.now();
    const texts = copyTexts(all, storeIds, terminalIds, new Date().toISOString());
    await client.query('BEGIN');
    let copied = 0;
    copied += await copyIn(client, 'COPY orders FROM STDIN', Buffer.from(texts.orders));
    copied += await copyIn(client, 'COPY order_lines FROM STDIN', Buffer.from(texts.lines));
    copied += await copyIn(client, 'COPY order_payments FROM STDIN', Buffer.from(texts.payments));
    copied += await copyIn(client, 'COPY order_refunds FROM STDIN', Buffer.from(texts.refunds));
    await client.query('COMMIT');
    const copyS = (performance.now() - copyStarted) / 1000;
    await client.end();
    if (copied !== rows) throw new Error(`COPY loaded ${copied} rows, expected ${rows}`);

    console.log('');
    console.log(`  through POST /v1/sync/orders : ${ingestS.toFixed(2)} s  ${fmt(all.length / ingestS)} orders/s  ${fmt(rows / ingestS)} rows/s  (${(ingestS * 1000 / signed.length).toFixed(0)} ms per ${BATCH}-order batch)`);
    console.log(`  plain COPY, same rows        : ${copyS.toFixed(2)} s  ${fmt(all.length / copyS)} orders/s  ${fmt(rows / copyS)} rows/s`);
    console.log(`  resent batches (duplicates)  : ${fmt(resentOrders / resendS)} orders/s`);
    console.log(`  ratio (COPY rate / ingest rate): ${(ingestS / copyS).toFixed(1)}×`);
  } finally {
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
