/**
 * The Alipay sandbox server: node:http on loopback (so we control every byte the client sees).
 *
 *   POST|GET /gateway.do                the OpenAPI v2 gateway (params from the query string AND the form body)
 *   GET      /downloadBillFile.resource bill archives behind bill_download_url (token, ~30 s)
 *   /__sandbox/…                        control routes (control.ts), CORS open
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type AlipayConfigInput } from '../../payments/alipay/config';
import { type AlipaySandboxBehaviourPatch } from './behaviour';
import { runControl, type AlipaySandboxControl, type Reply } from './control';
import { AlipaySandboxEngine } from './engine';
import { OPERATION_BY_METHOD, type FaultSpec } from './faults';
import { alipayClientConfigFor, generateAlipaySandboxKeys, type AlipaySandboxKeys, type ClientConfigOptions } from './keys';
import { failure, METHODS, type Body } from './methods';
import { checkRequest, mergeParams } from './request';
import { responseKeyOf, signedEnvelope } from './signing';

export interface AlipaySandboxOptions {
  /** Key material; generated (with `appId`/`sellerId` if given) when absent. */
  keys?: AlipaySandboxKeys;
  appId?: string;
  sellerId?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The sandbox's wall clock, epoch ms; share it with the client in tests that move time. */
  now?: () => number;
  behaviour?: AlipaySandboxBehaviourPatch;
  /** Deliver every notification here instead of the notify_url in the requests. */
  notifyUrl?: string;
}

export interface AlipaySandbox extends AlipaySandboxControl {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** http://127.0.0.1:<port>/gateway.do — what the client's `gateway` must be. */
  gatewayUrl: string;
  keys: AlipaySandboxKeys;
  /** A client config pointing at this sandbox with matching keys. */
  clientConfig(options?: Omit<ClientConfigOptions, 'gateway'>): AlipayConfigInput;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS' };

function sendControl(response: ServerResponse, reply: Reply): void {
  const body = reply.json === undefined ? '' : JSON.stringify(reply.json);
  response.writeHead(reply.status, { ...CORS, ...(body ? { 'Content-Type': 'application/json; charset=utf-8' } : {}) });
  response.end(body);
}

/** Gateway answers: HTTP 200, text/html like the real gateway, signed over the raw inner JSON. */
function sendEnvelope(response: ServerResponse, engine: AlipaySandboxEngine, responseKey: string, body: Body, tamper = false): void {
  if (response.destroyed || response.writableEnded) return;
  response.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8' });
  response.end(signedEnvelope(responseKey, body, engine.alipayPrivateKey, { tamper }));
}

function wait(engine: AlipaySandboxEngine, ms: number): Promise<void> {
  return new Promise((resolve) => engine.schedule(ms, resolve));
}

interface FaultScene {
  engine: AlipaySandboxEngine;
  request: IncomingMessage;
  response: ServerResponse;
  /** Carries out the request. */
  run: () => void;
  /** Sends the real answer. */
  answer: () => void;
  /** Sends a signed gateway error instead. */
  error: (body: Body) => void;
}

/** Plays an injected fault around the real handling of a request. */
async function playFault(fault: FaultSpec, { engine, request, response, run, answer, error }: FaultScene): Promise<void> {
  switch (fault.kind) {
    case 'hang-up':
      if (fault.applied) run();
      request.socket.destroy();
      return;
    case 'delay':
      if (fault.applied) run();
      await wait(engine, fault.delayMs);
      if (fault.applied) answer();
      else request.socket.destroy(); // held past the client's patience, then dropped without acting
      return;
    case 'http-error':
      if (fault.applied) run();
      response.writeHead(fault.httpStatus, { 'Content-Type': 'text/html' });
      response.end(`<html><body><h1>${fault.httpStatus}</h1>upstream error</body></html>`);
      return;
    case 'service-unavailable':
      if (fault.applied) run();
      error(failure('20000', 'isp.unknow-error', '系统繁忙'));
      return;
    case 'system-error':
      if (fault.applied) run();
      error(failure('40004', 'ACQ.SYSTEM_ERROR', '系统错误'));
      return;
    case 'bad-signature':
      run();
      answer();
      return;
  }
}

async function handleGateway(engine: AlipaySandboxEngine, request: IncomingMessage, response: ServerResponse, url: URL, rawBody: Buffer): Promise<void> {
  const contentType = request.headers['content-type'] ?? '';
  const form = contentType === '' || contentType.includes('application/x-www-form-urlencoded') ? new URLSearchParams(rawBody.toString('utf8')) : new URLSearchParams();
  const params = mergeParams(url.searchParams, form);
  if (params === 'conflict') {
    sendEnvelope(response, engine, 'error_response', failure('40002', 'isv.invalid-parameter', '参数在 URL 与表单中取值不一致'));
    return;
  }
  const checked = checkRequest(params, {
    appId: engine.keys.appId,
    appPublicKey: engine.appPublicKey,
    now: engine.now(),
    maxSkewSeconds: engine.behaviour().requestMaxSkewSeconds,
  });
  if (!checked.ok) {
    sendEnvelope(response, engine, checked.responseKey, checked.body);
    return;
  }
  const { method, biz, notifyUrl } = checked;
  const responseKey = responseKeyOf(method);
  const handler = METHODS[method]!;
  let result: Body | undefined;
  const run = () => {
    result = handler(engine.methodContext(), biz, notifyUrl);
  };
  const fault = engine.takeFault(OPERATION_BY_METHOD[method as keyof typeof OPERATION_BY_METHOD]);
  if (!fault) {
    run();
    sendEnvelope(response, engine, responseKey, result!);
    return;
  }
  await playFault(fault, {
    engine,
    request,
    response,
    run,
    answer: () => sendEnvelope(response, engine, responseKey, result!, fault.kind === 'bad-signature'),
    error: (body) => sendEnvelope(response, engine, responseKey, body),
  });
}

async function handleBillDownload(engine: AlipaySandboxEngine, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const send = () => {
    const bill = engine.billDownload(url.searchParams.get('token') ?? '');
    if (!bill) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('bill download url expired or invalid');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${bill.fileName}"` });
    response.end(Buffer.from(bill.zip));
  };
  const fault = engine.takeFault('bill-download');
  if (!fault) return send();
  // The file host is not the gateway: its "errors" are plain HTTP 500s.
  await playFault(fault, {
    engine,
    request,
    response,
    run: () => undefined,
    answer: send,
    error: () => {
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end('error');
    },
  });
}

export async function startAlipaySandbox(options: AlipaySandboxOptions = {}): Promise<AlipaySandbox> {
  const keys =
    options.keys ??
    (await generateAlipaySandboxKeys({ ...(options.appId ? { appId: options.appId } : {}), ...(options.sellerId ? { sellerId: options.sellerId } : {}) }));
  const engine = new AlipaySandboxEngine({
    keys,
    now: options.now ?? Date.now,
    ...(options.behaviour ? { behaviour: options.behaviour } : {}),
    ...(options.notifyUrl ? { notifyUrl: options.notifyUrl } : {}),
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
    const body = await readBody(request);
    if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) {
      if (method === 'OPTIONS') return sendControl(response, { status: 204 });
      return sendControl(response, runControl(method, url.pathname, body, engine));
    }
    if (url.pathname === '/gateway.do') return handleGateway(engine, request, response, url, body);
    if (url.pathname === '/downloadBillFile.resource') return handleBillDownload(engine, request, response, url);
    sendControl(response, { status: 404, json: { code: 'NOT_FOUND', message: `no route ${method} ${url.pathname}` } });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        sendControl(response, { status: 500, json: { code: 'SANDBOX_ERROR', message: error instanceof Error ? error.message : 'sandbox error' } });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const baseUrl = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  engine.setBaseUrl(baseUrl);
  const gatewayUrl = `${baseUrl}/gateway.do`;

  return {
    baseUrl,
    gatewayUrl,
    keys,
    clientConfig: (config = {}) => alipayClientConfigFor(keys, { ...config, gateway: gatewayUrl }),
    scanAndPay: (outTradeNo, payOptions) => engine.scanAndPay(outTradeNo, payOptions),
    scan: (outTradeNo) => engine.scan(outTradeNo),
    script: (authCode, outcome) => engine.script(authCode, outcome),
    authCode: (outcome) => engine.authCode(outcome),
    injectFault: (spec) => engine.injectFault(spec),
    faults: () => engine.faults(),
    clearFaults: () => engine.clearFaults(),
    configure: (patch) => engine.configure(patch),
    behaviour: () => engine.behaviour(),
    trades: () => engine.trades(),
    trade: (outTradeNo) => engine.trade(outTradeNo),
    refunds: () => engine.refunds(),
    notifications: () => engine.notifications(),
    settle: () => engine.settle(),
    reset: () => engine.reset(),
    injectBillFault: (fault) => engine.injectBillFault(fault),
    billFaults: () => engine.billFaults(),
    clearBillFaults: () => engine.clearBillFaults(),
    close: async () => {
      engine.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
