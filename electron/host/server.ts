import { randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Core } from '../core/createCore';
import { API_METHOD_NAMES } from '../api/contract';

export interface HostOptions {
  core: Core;
  host?: string;
  port?: number;
  /** Per-run secret; generated when absent. Every API call must carry it. */
  hostToken?: string;
}

export interface RunningHost {
  app: FastifyInstance;
  url: string;
  hostToken: string;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The browser host: the same core and dispatcher as the Electron shell, over HTTP on loopback.
 * A per-run token (in the URL the launcher prints, then a header) keeps other local processes and
 * web pages out; the session token inside the request body's envelope is checked by the dispatcher.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const hostToken = options.hostToken ?? randomBytes(24).toString('base64url');
  // Reject what the schema does not allow instead of silently stripping or coercing it.
  const app = Fastify({ logger: false, bodyLimit: 70 * 1024 * 1024, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });

  app.addHook('onRequest', async (request, reply) => {
    // No framing, no sniffing, no referrer leaks of the token.
    reply.header('X-Frame-Options', 'DENY').header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer');
    if (request.url.startsWith('/api/')) {
      const presented = request.headers['x-till-host-token'];
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

  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, methods: { type: 'number' } } } } } }, async () => ({
    ok: true,
    methods: API_METHOD_NAMES.length,
  }));

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return { app, url: address, hostToken, close: () => app.close() };
}
