/**
 * The cloud backend's HTTP surface (Fastify). Every route has a JSON schema (bodies derived from the
 * wire's zod schemas with z.toJSONSchema, then parsed with zod for what JSON Schema cannot say).
 * Stateless: everything lives in PostgreSQL (nonces included), so instances can sit side by side
 * behind a load balancer on one database.
 *
 *   GET  /health
 *   admin (Authorization: Bearer <admin token>)
 *     POST /v1/admin/stores                              {code, name, timezone}
 *     PUT  /v1/admin/stores/:storeCode/providers         {wechat?, alipay?}  (APIv3 key sealed, never echoed)
 *     POST /v1/admin/stores/:storeCode/enrolment-codes   ?ttlMinutes=        → {code, expiresAt}
 *     POST /v1/admin/terminals/:terminalId/revoke
 *     GET  /v1/admin/sales?from=&to=&groupBy=store|terminal|day|tender[&storeCode=]
 *     GET  /v1/admin/sync-health[?storeCode=]
 *     GET  /v1/admin/stores/:storeCode/days/:date         one business day as the till's 日结 (cloud/dayReport.ts)
 *   POST /v1/enrol                                       the one-time code is the credential
 *   terminal (HMAC-signed, wire.ts)
 *     POST /v1/sync/orders
 *     GET  /v1/sync/events?after=&limit=
 *   providers (their signatures)
 *     POST /v1/notify/wechat/:terminalId                 204 / 4xx-5xx {code, message}
 *     POST /v1/notify/alipay/:terminalId                 "success" / "fail"
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  cloudError,
  enrolRequest,
  enrolResponse,
  eventsResponse,
  ingestRequest,
  ingestResponse,
  MAX_ORDERS_PER_BATCH,
  type IngestResponse,
} from '../electron/sync/wire';
import type { CloudDatabase } from './db';
import { CloudHttpError } from './errors';
import { DEFAULT_EVENTS_LIMIT, eventsFor, MAX_EVENTS_LIMIT, notifyTarget, storeNotification } from './events';
import { ingestBatch, type IngestTerminal } from './ingest';
import { migrate } from './migrate';
import { readAlipayNotification, type AlipayStoreConfig } from './notify/alipay';
import { NotificationRefused, type NormalisedNotification } from './notify/types';
import { readWechatNotification, type WechatStoreConfig } from './notify/wechat';
import { salesReport, syncHealth } from './reports';
import { dayReport } from './dayReport';
import { checkSecretKey, keyFromAdminToken, SecretBox } from './secrets';
import { createStore, createStoreBody, providersBody, setProviders } from './stores';
import { authenticateTerminal, createEnrolmentCode, enrol, purgeExpiredNonces, revokeTerminal } from './terminals';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    terminal?: IngestTerminal;
  }
}

export interface BuildCloudAppOptions {
  db: CloudDatabase;
  adminToken: string;
  /** Wall clock (epoch ms); tests move it. */
  now?: () => number;
  /** Fastify/pino logger options; false (default) for silence. */
  logger?: boolean | object;
  /** 32-byte key that seals secrets at rest; default: CLOUD_SECRET_KEY's caller passes it, else derived from adminToken. */
  secretKey?: Buffer;
  /** Apply migrations on start (default true; idempotent, safe with several instances). */
  migrate?: boolean;
  /** Largest accepted sync batch body (default 32 MiB). */
  ingestBodyLimit?: number;
}

/** JSON schema for a Fastify route from a zod schema ($schema dropped; refinements stay in zod). */
function schemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const errorSchema = schemaOf(cloudError, 'output');
const errors = { '4xx': errorSchema, '5xx': errorSchema };
const codeParam = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$' };
const idParam = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
const providerReplySchema = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] };

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
  throw new CloudHttpError('BAD_REQUEST', { zh: where, en: where });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function isDatabaseDown(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300'].includes(code) || code.startsWith('08'));
}

const dateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const salesQuery = z
  .object({
    from: dateString,
    to: dateString,
    groupBy: z.enum(['store', 'terminal', 'day', 'tender']).default('store'),
    storeCode: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
  })
  .strict()
  .refine((q) => !Number.isNaN(Date.parse(q.from)) && !Number.isNaN(Date.parse(q.to)) && q.from <= q.to, { message: 'from and to must be dates with from ≤ to' });

export async function buildCloudApp(options: BuildCloudAppOptions): Promise<FastifyInstance> {
  const { db } = options;
  const now = options.now ?? Date.now;
  if (options.adminToken.length < 16) throw new Error('the admin token must be at least 16 characters');
  const adminDigest = digest(options.adminToken);
  const box = new SecretBox(options.secretKey ?? keyFromAdminToken(options.adminToken));
  if (options.migrate !== false) await migrate(db);
  await checkSecretKey(db, box);

  const logger =
    options.logger === undefined || options.logger === false
      ? false
      : {
          ...(typeof options.logger === 'object' ? options.logger : {}),
          redact: ['req.headers.authorization', 'req.headers["x-till-signature"]', 'req.headers["wechatpay-signature"]'],
        };
  const app = Fastify({
    logger,
    bodyLimit: 1024 * 1024,
    // Extra properties are errors (the zod schemas are strict), not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    return503OnClosing: true,
  });

  // JSON bodies keep their raw bytes: the terminal signature covers exactly what was sent.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(new CloudHttpError('BAD_REQUEST', { zh: '请求体不是 JSON', en: 'the body is not JSON' }), undefined);
    }
  });

  app.setErrorHandler((error: FastifyError | CloudHttpError, request, reply) => {
    if (error instanceof CloudHttpError) {
      if (error.status >= 500) request.log.error({ code: error.reason.code }, error.message);
      return reply.status(error.status).send(error.body());
    }
    if (error.validation) {
      const en = `${error.validationContext ?? 'request'} ${error.validation[0]?.instancePath ?? ''} ${error.validation[0]?.message ?? 'is invalid'}`.trim();
      return reply.status(400).send(new CloudHttpError('BAD_REQUEST', { zh: en, en }).body());
    }
    if (error.statusCode === 413) return reply.status(413).send(new CloudHttpError('PAYLOAD_TOO_LARGE').body());
    if (error.statusCode === 415) return reply.status(415).send(new CloudHttpError('UNSUPPORTED_MEDIA_TYPE').body());
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(new CloudHttpError('BAD_REQUEST', { zh: error.message, en: error.message }).body());
    }
    if (isDatabaseDown(error)) {
      request.log.error({ err: error }, 'database unavailable');
      return reply.status(503).header('retry-after', '5').send(new CloudHttpError('DATABASE_UNAVAILABLE').body());
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(new CloudHttpError('INTERNAL').body());
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send(new CloudHttpError('NOT_FOUND').body()));

  // Nonces past their window are dropped by whichever instance gets there first.
  const purge = setInterval(() => {
    purgeExpiredNonces(db, now()).catch((error: unknown) => app.log.warn({ err: error }, 'nonce purge failed'));
  }, 60_000);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));

  app.get(
    '/health',
    {
      schema: {
        response: {
          200: { type: 'object', properties: { ok: { type: 'boolean' }, db: { type: 'string', enum: ['up', 'down'] } }, required: ['ok', 'db'] },
          503: { type: 'object', properties: { ok: { type: 'boolean' }, db: { type: 'string', enum: ['up', 'down'] } }, required: ['ok', 'db'] },
        },
      },
    },
    async (request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          db.query('SELECT 1'),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('health check timed out')), 2_000);
          }),
        ]);
        return { ok: true, db: 'up' };
      } catch (error) {
        request.log.warn({ err: error }, 'health: database down');
        return reply.status(503).send({ ok: false, db: 'down' });
      } finally {
        clearTimeout(timer);
      }
    },
  );

  // ---- admin ---------------------------------------------------------------------------------
  await app.register(async (admin) => {
    admin.addHook('onRequest', async (request) => {
      const header = request.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
      if (!token || !timingSafeEqual(digest(token), adminDigest)) throw new CloudHttpError('ADMIN_TOKEN_REQUIRED');
    });

    admin.post(
      '/v1/admin/stores',
      {
        schema: {
          body: schemaOf(createStoreBody),
          response: {
            201: {
              type: 'object',
              properties: { id: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' }, timezone: { type: 'string' } },
              required: ['id', 'code', 'name', 'timezone'],
            },
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const body = parseWith(createStoreBody, request.body);
        const store = await createStore(db, body, new Date(now()).toISOString());
        request.log.info({ storeCode: store.code }, 'store created');
        return reply.status(201).send(store);
      },
    );

    admin.put(
      '/v1/admin/stores/:storeCode/providers',
      {
        schema: {
          params: { type: 'object', properties: { storeCode: codeParam }, required: ['storeCode'] },
          body: schemaOf(providersBody),
          response: {
            200: {
              type: 'object',
              properties: {
                storeCode: { type: 'string' },
                wechat: {
                  type: ['object', 'null'],
                  properties: {
                    mchid: { type: 'string' },
                    appid: { type: 'string' },
                    apiV3Key: { type: 'string' },
                    platformPublicKeyId: { type: ['string', 'null'] },
                    certificateSerials: { type: 'array', items: { type: 'string' } },
                  },
                },
                alipay: { type: ['object', 'null'], properties: { appId: { type: 'string' }, sellerId: { type: ['string', 'null'] } } },
              },
              required: ['storeCode', 'wechat', 'alipay'],
            },
            ...errors,
          },
        },
      },
      async (request) => {
        const { storeCode } = request.params as { storeCode: string };
        const body = parseWith(providersBody, request.body);
        const view = await setProviders(db, box, storeCode, body, new Date(now()).toISOString());
        request.log.info({ storeCode, wechat: Boolean(body.wechat), alipay: Boolean(body.alipay) }, 'provider settings updated');
        return view;
      },
    );

    admin.post(
      '/v1/admin/stores/:storeCode/enrolment-codes',
      {
        schema: {
          params: { type: 'object', properties: { storeCode: codeParam }, required: ['storeCode'] },
          querystring: { type: 'object', properties: { ttlMinutes: { type: 'integer', minimum: 1, maximum: 7 * 24 * 60 } }, additionalProperties: false },
          response: {
            201: {
              type: 'object',
              properties: { storeCode: { type: 'string' }, code: { type: 'string' }, expiresAt: { type: 'string' } },
              required: ['storeCode', 'code', 'expiresAt'],
            },
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { storeCode } = request.params as { storeCode: string };
        const { ttlMinutes } = request.query as { ttlMinutes?: number };
        const created = await createEnrolmentCode(db, storeCode, now(), ttlMinutes === undefined ? undefined : ttlMinutes * 60_000);
        request.log.info({ storeCode, expiresAt: created.expiresAt }, 'enrolment code issued');
        return reply.status(201).send({ storeCode, ...created });
      },
    );

    admin.post(
      '/v1/admin/terminals/:terminalId/revoke',
      {
        schema: {
          params: { type: 'object', properties: { terminalId: idParam }, required: ['terminalId'] },
          response: {
            200: { type: 'object', properties: { terminalId: { type: 'string' }, revokedAt: { type: 'string' } }, required: ['terminalId', 'revokedAt'] },
            ...errors,
          },
        },
      },
      async (request) => {
        const { terminalId } = request.params as { terminalId: string };
        const revoked = await revokeTerminal(db, terminalId, now());
        request.log.info({ terminalId }, 'terminal revoked');
        return revoked;
      },
    );

    const salesRow = {
      type: 'object',
      properties: {
        storeCode: { type: 'string' },
        terminalCode: { type: 'string' },
        businessDate: { type: 'string' },
        tender: { type: 'string' },
        orders: { type: 'integer' },
        grossFen: { type: 'integer' },
        discountFen: { type: 'integer' },
        refundFen: { type: 'integer' },
        netFen: { type: 'integer' },
      },
      required: ['orders', 'grossFen', 'discountFen', 'refundFen', 'netFen'],
    };
    admin.get(
      '/v1/admin/sales',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: {
              from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
              to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
              groupBy: { type: 'string', enum: ['store', 'terminal', 'day', 'tender'] },
              storeCode: codeParam,
            },
            required: ['from', 'to'],
            additionalProperties: false,
          },
          response: {
            200: {
              type: 'object',
              properties: {
                from: { type: 'string' },
                to: { type: 'string' },
                groupBy: { type: 'string' },
                storeCode: { type: ['string', 'null'] },
                rows: { type: 'array', items: salesRow },
                totals: salesRow,
              },
              required: ['from', 'to', 'groupBy', 'rows', 'totals'],
            },
            ...errors,
          },
        },
      },
      async (request) => salesReport(db, parseWith(salesQuery, request.query)),
    );

    // One store's business day as the till's 日结 computes it (cloud/dayReport.ts has the definitions).
    const fenTotals = ['grossFen', 'lineDiscountsFen', 'orderDiscountsFen', 'couponsFen', 'roundingFen', 'deliveryFeesFen', 'salesFen', 'taxFen', 'refundsFen',
      'automaticRefundsFen', 'netFen', 'orderCount', 'refundCount', 'averageTicketFen', 'itemsSold'];
    const integerObject = (keys: string[], extra: Record<string, unknown> = {}) => ({
      type: 'object',
      properties: { ...Object.fromEntries(keys.map((k) => [k, { type: 'integer' }])), ...extra },
      required: [...keys, ...Object.keys(extra)],
    });
    admin.get(
      '/v1/admin/stores/:storeCode/days/:date',
      {
        schema: {
          params: {
            type: 'object',
            properties: { storeCode: codeParam, date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
            required: ['storeCode', 'date'],
          },
          response: {
            200: {
              type: 'object',
              properties: {
                storeCode: { type: 'string' },
                storeName: { type: 'string' },
                businessDate: { type: 'string' },
                timeZone: { type: 'string' },
                totals: integerObject(fenTotals),
                tenders: { type: 'array', items: integerObject(['takenFen', 'paymentCount', 'refundedFen', 'refundCount', 'netFen'], { tender: { type: 'string' } }) },
                cashiers: { type: 'array', items: integerObject(['orderCount', 'salesFen', 'refundsFen'], { cashierId: { type: ['string', 'null'] } }) },
                hours: { type: 'array', items: integerObject(['hour', 'orderCount', 'salesFen']) },
                topProducts: {
                  type: 'array',
                  items: integerObject(['quantity', 'netFen'], { sku: { type: 'string' }, name: { type: 'string' }, soldBy: { type: 'string', enum: ['unit', 'weight'] } }),
                },
              },
              required: ['storeCode', 'storeName', 'businessDate', 'timeZone', 'totals', 'tenders', 'cashiers', 'hours', 'topProducts'],
            },
            ...errors,
          },
        },
      },
      async (request) => {
        const { storeCode, date } = request.params as { storeCode: string; date: string };
        const parsed = Date.parse(`${date}T00:00:00Z`);
        if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== date) throw new CloudHttpError('BAD_REQUEST', { zh: `日期无效 ${date}`, en: `not a date: ${date}` });
        return dayReport(db, storeCode, date);
      },
    );

    admin.get(
      '/v1/admin/sync-health',
      {
        schema: {
          querystring: { type: 'object', properties: { storeCode: codeParam }, additionalProperties: false },
          response: {
            200: {
              type: 'object',
              properties: {
                terminals: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      terminalId: { type: 'string' },
                      storeCode: { type: 'string' },
                      terminalCode: { type: 'string' },
                      name: { type: 'string' },
                      enrolledAt: { type: 'string' },
                      revokedAt: { type: ['string', 'null'] },
                      lastSeenAt: { type: ['string', 'null'] },
                      lastIngestAt: { type: ['string', 'null'] },
                      ordersStored: { type: 'integer' },
                      backlog: {
                        type: ['object', 'null'],
                        properties: {
                          pending: { type: 'integer' },
                          dead: { type: 'integer' },
                          oldestPendingAt: { type: ['string', 'null'] },
                          reportedAt: { type: ['string', 'null'] },
                        },
                      },
                      openGapCount: { type: 'integer' },
                      gaps: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: { businessDate: { type: 'string' }, seq: { type: 'integer' }, detectedAt: { type: 'string' } },
                        },
                      },
                    },
                  },
                },
              },
              required: ['terminals'],
            },
            ...errors,
          },
        },
      },
      async (request) => syncHealth(db, (request.query as { storeCode?: string }).storeCode),
    );
  });

  // ---- enrolment -----------------------------------------------------------------------------
  app.post(
    '/v1/enrol',
    { schema: { body: schemaOf(enrolRequest), response: { 200: schemaOf(enrolResponse, 'output'), ...errors } } },
    async (request) => {
      const body = parseWith(enrolRequest, request.body);
      const enrolled = await enrol(db, box, body, now());
      request.log.info({ terminalId: enrolled.terminalId, storeCode: enrolled.storeCode, terminalCode: enrolled.terminalCode }, 'terminal enrolled');
      return enrolled;
    },
  );

  // ---- signed terminal routes ----------------------------------------------------------------
  await app.register(async (terminalScope) => {
    // Before schema validation: an unsigned request learns nothing about what a valid body is.
    terminalScope.addHook('preValidation', async (request) => {
      request.terminal = await authenticateTerminal(
        db,
        box,
        { method: request.method, url: request.url, headers: request.headers, rawBody: request.rawBody ?? Buffer.alloc(0) },
        now(),
      );
    });

    terminalScope.post(
      '/v1/sync/orders',
      {
        bodyLimit: options.ingestBodyLimit ?? 32 * 1024 * 1024,
        schema: { body: schemaOf(ingestRequest), response: { 200: schemaOf(ingestResponse, 'output'), ...errors } },
      },
      async (request): Promise<IngestResponse> => {
        const terminal = request.terminal!;
        const body = parseWith(ingestRequest, request.body);
        if (body.orders.length > MAX_ORDERS_PER_BATCH) throw new CloudHttpError('PAYLOAD_TOO_LARGE');
        const started = performance.now();
        const outcome = await ingestBatch(db, terminal, body.orders, body.backlog, now());
        const counts = { accepted: 0, duplicate: 0, stale: 0, rejected: 0 };
        for (const result of outcome.results) counts[result.status] += 1;
        request.log.info(
          { terminalId: terminal.id, storeCode: terminal.storeCode, terminalCode: terminal.code, ...counts, gapsOpened: outcome.gapsOpened, gapsFilled: outcome.gapsFilled, ms: Math.round(performance.now() - started) },
          'ingest',
        );
        return { serverTime: new Date(now()).toISOString(), results: outcome.results };
      },
    );

    terminalScope.get(
      '/v1/sync/events',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { after: { type: 'string', pattern: '^\\d{1,18}$' }, limit: { type: 'integer', minimum: 1, maximum: MAX_EVENTS_LIMIT } },
            additionalProperties: false,
          },
          response: { 200: schemaOf(eventsResponse, 'output'), ...errors },
        },
      },
      async (request) => {
        const { after, limit } = request.query as { after?: string; limit?: number };
        return eventsFor(db, request.terminal!, after ?? '0', limit ?? DEFAULT_EVENTS_LIMIT);
      },
    );
  });

  // ---- provider notifications ----------------------------------------------------------------
  await app.register(async (notify) => {
    // Raw bytes in, whatever the content type: signatures cover the exact body.
    notify.removeAllContentTypeParsers();
    notify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    const providerOf = (request: FastifyRequest) => (request.url.startsWith('/v1/notify/alipay/') ? 'alipay' : 'wechat');
    const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) => {
      const provider = providerOf(request);
      request.log.warn({ provider, code, status }, `notification refused: ${message}`);
      if (provider === 'alipay') return reply.status(status).type('text/plain; charset=utf-8').send('fail');
      return reply.status(status).send({ code: 'FAIL', message: `${code}: ${message}` });
    };
    notify.setErrorHandler((error: FastifyError | NotificationRefused, request, reply) => {
      if (error instanceof NotificationRefused) return refuse(request, reply, error.status, error.code, error.message);
      if ('validation' in error && error.validation) return refuse(request, reply, 400, 'BAD_REQUEST', error.message);
      if ('statusCode' in error && error.statusCode && error.statusCode < 500) return refuse(request, reply, error.statusCode, 'BAD_REQUEST', error.message);
      request.log.error({ err: error }, 'notification handling failed');
      // 5xx: the provider delivers again later.
      return refuse(request, reply, isDatabaseDown(error) ? 503 : 500, 'SYSTEM_ERROR', 'internal error');
    });

    const accept = async (request: FastifyRequest, read: (target: NonNullable<Awaited<ReturnType<typeof notifyTarget>>>) => NormalisedNotification | undefined) => {
      const { terminalId } = request.params as { terminalId: string };
      const target = await notifyTarget(db, terminalId);
      if (!target) throw new NotificationRefused(404, 'UNKNOWN_TERMINAL', `no terminal ${terminalId}`);
      const notification = read(target);
      if (!notification) {
        request.log.info({ terminalId }, 'notification of an event type the tills do not use: acknowledged, not relayed');
        return;
      }
      const stored = await storeNotification(db, target, notification, now());
      request.log.info(
        { provider: notification.provider, terminalId, outTradeNo: notification.outTradeNo, kind: notification.kind, state: notification.claimedState, eventId: stored.id, duplicate: !stored.inserted },
        'notification stored',
      );
    };

    notify.post(
      '/v1/notify/wechat/:terminalId',
      {
        schema: {
          params: { type: 'object', properties: { terminalId: idParam }, required: ['terminalId'] },
          headers: {
            type: 'object',
            properties: {
              'wechatpay-timestamp': { type: 'string' },
              'wechatpay-nonce': { type: 'string' },
              'wechatpay-signature': { type: 'string' },
              'wechatpay-serial': { type: 'string' },
            },
          },
          response: { 204: { type: 'null' }, '4xx': providerReplySchema, '5xx': providerReplySchema },
        },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        await accept(request, (target) => {
          if (!target.wechatConfig || !target.wechatApiV3KeySealed) throw new NotificationRefused(503, 'NOT_CONFIGURED', 'WeChat Pay is not configured for this store');
          const config = { ...(target.wechatConfig as unknown as WechatStoreConfig), apiV3Key: box.open(target.wechatApiV3KeySealed) };
          return readWechatNotification(request.headers, raw, config, Math.floor(now() / 1000));
        });
        return reply.status(204).send();
      },
    );

    notify.post(
      '/v1/notify/alipay/:terminalId',
      {
        schema: {
          params: { type: 'object', properties: { terminalId: idParam }, required: ['terminalId'] },
          response: { 200: { type: 'string' }, '4xx': { type: 'string' }, '5xx': { type: 'string' } },
        },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
        await accept(request, (target) => {
          if (!target.alipayConfig) throw new NotificationRefused(503, 'NOT_CONFIGURED', 'Alipay is not configured for this store');
          return readAlipayNotification(raw, target.alipayConfig as unknown as AlipayStoreConfig);
        });
        // Exactly these seven bytes, or Alipay sends it again.
        return reply.status(200).type('text/plain; charset=utf-8').send('success');
      },
    );
  });

  return app;
}
