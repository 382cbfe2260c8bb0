import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { Core } from '../core/createCore';
import { API_METHOD_NAMES } from '../api/contract';
import { SPA_ROUTES } from '../api/spaRoutes';

export interface HostOptions {
  core: Core;
  host?: string;
  port?: number;
  /** Per-run secret; generated when absent. Every API call and event stream must carry it. */
  hostToken?: string;
  /** The built renderer (vite build output); served at / when present. */
  rendererDir?: string;
  /** Extra facts the renderer needs at start-up (e.g. sandbox URLs in demo mode). */
  bootInfo?: () => Record<string, unknown>;
}

export interface RunningHost {
  app: FastifyInstance;
  url: string;
  hostToken: string;
  close(): Promise<void>;
}

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Loopback names only: a DNS-rebound hostname pointing at 127.0.0.1 is refused. */
function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === '127.0.0.1' || name === 'localhost' || name === '::1';
}

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-till-host-token'];
  if (typeof header === 'string') return header;
  // Browsers cannot set headers on a WebSocket; the event stream takes the token in the query.
  const query = request.query as { token?: unknown } | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

/**
 * The browser host: the same core and dispatcher as the Electron shell, over HTTP and a
 * WebSocket on loopback. A per-run token (injected into the page it serves, then sent as a header)
 * keeps other local web pages out; the Host header check stops DNS rebinding; the session token in
 * `Authorization` is checked by the dispatcher like any IPC call.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const hostToken = options.hostToken ?? randomBytes(24).toString('base64url');
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const hasRenderer = existsSync(rendererDir) && existsSync(`${rendererDir}/index.html`);
  // Reject what the schema does not allow instead of silently stripping or coercing it.
  const app = Fastify({ logger: false, bodyLimit: 70 * 1024 * 1024, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
  await app.register(fastifyWebsocket);

  app.addHook('onRequest', async (request, reply) => {
    reply
      .header('X-Frame-Options', 'DENY')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Cross-Origin-Opener-Policy', 'same-origin')
      .header(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      );
    if (!isLoopbackHost(request.headers.host)) {
      return reply.code(421).send({ ok: false, error: { code: 'FORBIDDEN', message: { zh: '仅限本机访问', en: 'Loopback access only' } } });
    }
    if (request.url.startsWith('/api/') || request.url.startsWith('/events')) {
      const presented = presentedToken(request);
      if (typeof presented !== 'string' || !sameSecret(presented, hostToken)) {
        return reply.code(401).send({ ok: false, error: { code: 'NOT_LOGGED_IN', message: { zh: '主机令牌无效', en: 'Invalid host token' } } });
      }
    }
  });

  app.post<{ Params: { method: string }; Body: { input?: unknown } }>(
    '/api/:method',
    {
      schema: {
        params: { type: 'object', properties: { method: { type: 'string', maxLength: 100 } }, required: ['method'] },
        body: { type: 'object', properties: { input: {} }, additionalProperties: false },
      },
    },
    async (request) => {
      const authorization = request.headers.authorization;
      const token = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      return options.core.dispatcher.dispatch({ method: request.params.method, input: request.body?.input, token });
    },
  );

  // Core events (cart, order, payment and refund progress, sync, printer) to every screen.
  app.get('/events', { websocket: true, schema: { querystring: { type: 'object', properties: { token: { type: 'string', maxLength: 200 } } } } }, (socket) => {
    const off = options.core.events.onAny((name, payload) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ event: name, payload }));
    });
    socket.on('close', off);
    socket.on('error', off);
  });

  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, methods: { type: 'number' }, renderer: { type: 'boolean' } } } } } }, async () => ({
    ok: true,
    methods: API_METHOD_NAMES.length,
    renderer: hasRenderer,
  }));

  if (hasRenderer) {
    const indexHtml = readFileSync(`${rendererDir}/index.html`, 'utf8');
    const page = () =>
      indexHtml.replace(
        '</head>',
        `<meta name="till-host-token" content="${hostToken}"><meta name="till-boot" content="${Buffer.from(JSON.stringify(options.bootInfo?.() ?? {})).toString('base64')}"></head>`,
      );
    await app.register(fastifyStatic, { root: rendererDir, index: false, wildcard: false });
    // The single-page app: every screen path gets index.html with this run's token.
    for (const path of SPA_ROUTES) {
      app.get(path, async (_request, reply) => reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page()));
    }
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><meta charset="utf-8"><title>Till</title><p>Till core is running. The renderer is not built: run <code>npm run build:renderer</code>.</p>'),
    );
  }

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return { app, url: address, hostToken, close: () => app.close() };
}
