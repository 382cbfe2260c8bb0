import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  enrolRequest,
  ingestRequest,
  orderWire,
  SIGNATURE_HEADERS,
  SIGNATURE_WINDOW_MS,
  verifyRequestSignature,
  type IngestResult,
  type OrderWire,
  type RelayedEvent,
} from '../../electron/sync/wire';

/**
 * A small in-memory cloud that speaks the sync wire format (electron/sync/wire.ts) exactly —
 * signatures, nonces, the freshness window, per-order results, highest version wins — with hooks
 * to script faults the real cloud will not produce on demand: a status with Retry-After for the
 * next requests, a batch that fails whenever it contains a given order, a hanging request, a
 * response dropped after the batch was stored. The worker's unit-level tests run against it; the
 * real cloud (cloud/, PostgreSQL) is exercised by sync.cloud / sync.faults tests.
 */
export type FakeFault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'hang' }
  /** Store the batch, then destroy the socket: the till never hears. */
  | { kind: 'drop-after-commit' };

export interface FakeCloud {
  baseUrl: string;
  /** code → store; one use each. */
  addEnrolmentCode(storeCode: string, code?: string): string;
  orders: Map<string, OrderWire>;
  /** Every POST /v1/sync/orders that reached the handler (after any scripted fault). */
  batches: { orderIds: string[]; versions: number[]; backlog: unknown; at: number }[];
  /** Every request's method and path, in order (with a timestamp from Date.now()). */
  requests: { method: string; path: string; at: number; status: number | 'dropped' | 'hang' }[];
  /** Faults applied to the next matching requests, in order. */
  queueFault(fault: FakeFault, match?: (method: string, path: string) => boolean): void;
  /** Every batch containing this order fails with `status` (a poison order the cloud chokes on). */
  chokeOn(orderId: string, status: number): void;
  /** The cloud answers `rejected` for this order (a retry cannot help). */
  rejectOrder(orderId: string, code?: string): void;
  /** Leave this order out of the per-order results. */
  omitResult(orderId: string): void;
  revoke(terminalId: string): void;
  relay(terminalId: string, event: Omit<RelayedEvent, 'id' | 'receivedAt'>): RelayedEvent;
  terminals: Map<string, { secret: string; storeCode: string; terminalCode: string; revoked: boolean }>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const err = (code: string, en: string) => ({ error: { code, zh: en, en } });

export async function startFakeCloud(options: { now?: () => number } = {}): Promise<FakeCloud> {
  const now = options.now ?? Date.now;
  const codes = new Map<string, string>();
  const terminals: FakeCloud['terminals'] = new Map();
  const orders = new Map<string, OrderWire>();
  const batches: FakeCloud['batches'] = [];
  const requests: FakeCloud['requests'] = [];
  const faults: { fault: FakeFault; match: (method: string, path: string) => boolean }[] = [];
  const chokes = new Map<string, number>();
  const rejects = new Map<string, string>();
  const omitted = new Set<string>();
  const events = new Map<string, RelayedEvent[]>();
  const nonces = new Set<string>();
  const hanging = new Set<ServerResponse>();
  let eventSeq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const entry: FakeCloud['requests'][number] = { method, path, at: Date.now(), status: 0 };
    requests.push(entry);
    const index = faults.findIndex((f) => f.match(method, path));
    const fault = index >= 0 ? faults.splice(index, 1)[0]!.fault : undefined;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      send(res, status, payload, headers);
    };
    if (fault?.kind === 'status') {
      reply(fault.status, fault.body ?? err(`HTTP_${fault.status}`, 'scripted'), fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      return;
    }
    if (fault?.kind === 'hang') {
      entry.status = 'hang';
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }

    if (method === 'POST' && path === '/v1/enrol') {
      const parsed = enrolRequest.safeParse(JSON.parse(body || '{}'));
      if (!parsed.success) return reply(400, err('BAD_REQUEST', 'bad enrolment'));
      const storeCode = codes.get(parsed.data.code);
      if (!storeCode) return reply(403, err('ENROLMENT_CODE_INVALID', 'unknown or used code'));
      codes.delete(parsed.data.code);
      const terminalId = `term_${randomBytes(6).toString('hex')}`;
      const secret = randomBytes(32).toString('base64url');
      terminals.set(terminalId, { secret, storeCode, terminalCode: parsed.data.terminalCode, revoked: false });
      return reply(200, { terminalId, storeId: `store_${storeCode}`, storeCode, terminalCode: parsed.data.terminalCode, secret });
    }

    // Everything else is signed.
    const terminalId = String(req.headers[SIGNATURE_HEADERS.terminal] ?? '');
    const timestamp = String(req.headers[SIGNATURE_HEADERS.timestamp] ?? '');
    const nonce = String(req.headers[SIGNATURE_HEADERS.nonce] ?? '');
    const signature = String(req.headers[SIGNATURE_HEADERS.signature] ?? '');
    const terminal = terminals.get(terminalId);
    if (!terminal || !verifyRequestSignature(terminal.secret, { method, path: url, timestamp, nonce, body }, signature)) {
      return reply(401, err('SIGNATURE_INVALID', 'bad signature'));
    }
    if (Math.abs(now() - Number(timestamp)) > SIGNATURE_WINDOW_MS) return reply(401, err('SIGNATURE_EXPIRED', 'stale timestamp'));
    if (nonces.has(nonce)) return reply(401, err('NONCE_REUSED', 'replay'));
    nonces.add(nonce);
    if (terminal.revoked) return reply(403, err('TERMINAL_REVOKED', 'terminal revoked'));

    if (method === 'GET' && path === '/v1/sync/events') {
      const after = Number(new URLSearchParams(url.split('?')[1] ?? '').get('after') ?? '0');
      const list = (events.get(terminalId) ?? []).filter((e) => Number(e.id) > after);
      return reply(200, { events: list, cursor: String(list.length ? Number(list.at(-1)!.id) : after) });
    }
    if (method === 'POST' && path === '/v1/sync/orders') {
      const parsed = ingestRequest.safeParse(JSON.parse(body || '{}'));
      if (!parsed.success) return reply(400, err('BAD_REQUEST', parsed.error.issues[0]?.message ?? 'bad batch'));
      const ids = parsed.data.orders.map((o) => (o as { id?: string }).id ?? '');
      for (const id of ids) {
        const status = chokes.get(id);
        if (status) return reply(status, err(`HTTP_${status}`, `choked on ${id}`));
      }
      batches.push({ orderIds: ids, versions: parsed.data.orders.map((o) => (o as { version?: number }).version ?? 0), backlog: parsed.data.backlog, at: Date.now() });
      const results: IngestResult[] = [];
      parsed.data.orders.forEach((raw, index) => {
        const order = orderWire.safeParse(raw);
        if (!order.success) {
          results.push({ orderId: (raw as { id?: string }).id ?? null, index, version: null, status: 'rejected', reason: { code: 'ORDER_INVALID', zh: '订单无效', en: order.error.issues[0]?.message ?? 'invalid' } });
          return;
        }
        const o = order.data;
        if (omitted.has(o.id)) return;
        const rejectCode = rejects.get(o.id);
        if (rejectCode) {
          results.push({ orderId: o.id, index, version: o.version, status: 'rejected', reason: { code: rejectCode, zh: '门店不符', en: 'store mismatch' } });
          return;
        }
        const stored = orders.get(o.id);
        const status = !stored ? 'accepted' : stored.version === o.version ? 'duplicate' : stored.version > o.version ? 'stale' : 'accepted';
        if (status === 'accepted') orders.set(o.id, o);
        results.push({ orderId: o.id, index, version: o.version, status });
      });
      if (fault?.kind === 'drop-after-commit') {
        entry.status = 'dropped';
        res.socket?.destroy();
        return;
      }
      return reply(200, { serverTime: new Date(now()).toISOString(), results });
    }
    return reply(404, err('NOT_FOUND', 'no such route'));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => send(res, 500, err('INTERNAL', String(error))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    orders,
    batches,
    requests,
    terminals,
    addEnrolmentCode(storeCode, code = randomBytes(6).toString('hex').toUpperCase()) {
      codes.set(code, storeCode);
      return code;
    },
    queueFault(fault, match = () => true) {
      faults.push({ fault, match });
    },
    chokeOn(orderId, status) {
      chokes.set(orderId, status);
    },
    rejectOrder(orderId, code = 'STORE_MISMATCH') {
      rejects.set(orderId, code);
    },
    omitResult(orderId) {
      omitted.add(orderId);
    },
    revoke(terminalId) {
      const terminal = terminals.get(terminalId);
      if (terminal) terminal.revoked = true;
    },
    relay(terminalId, event) {
      const full: RelayedEvent = { ...event, id: String(++eventSeq), receivedAt: new Date(now()).toISOString() };
      events.set(terminalId, [...(events.get(terminalId) ?? []), full]);
      return full;
    },
    close: async () => {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
