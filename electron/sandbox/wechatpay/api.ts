/**
 * The WeChat Pay v3 endpoints the till uses, as the sandbox answers them: routing, request validation
 * (PARAM_ERROR with WeChat's detail shape), and the mapping from TradeBook results to wire replies.
 */
import { z } from 'zod';
import type { WechatSandboxBehaviour } from './behaviour';
import type { BillDesk } from './bills';
import { outcomeForAuthCode, WECHAT_AUTH_CODE, type CodepayOutcome } from './codepayScripts';
import type { SandboxOperation } from './faults';
import { refundJson, transactionJson, type ErrorReply, type RefundState, type TradeBook } from './trades';

export interface Reply {
  status: number;
  json?: unknown;
  /** Raw bytes (bill files); never signed. */
  file?: Buffer;
}

export interface ApiRequest {
  method: string;
  url: URL;
  body: Buffer;
  /** The merchant id from the verified Authorization header. */
  mchid: string;
}

export interface ApiContext {
  book: TradeBook;
  bills: BillDesk;
  behaviour: () => WechatSandboxBehaviour;
  appid: string;
  mchid: string;
  baseUrl: () => string;
  codepayScripts: ReadonlyMap<string, CodepayOutcome>;
  refundScripts: ReadonlyMap<string, { finalStatus?: RefundState; notEnough?: boolean }>;
}

export interface Route {
  op: SandboxOperation;
  params: Record<string, string>;
}

const ROUTES: Array<{ method: string; pattern: RegExp; op: SandboxOperation; names: string[] }> = [
  { method: 'POST', pattern: /^\/v3\/pay\/transactions\/native$/, op: 'native', names: [] },
  { method: 'POST', pattern: /^\/v3\/pay\/transactions\/codepay$/, op: 'codepay', names: [] },
  { method: 'GET', pattern: /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/, op: 'query', names: ['outTradeNo'] },
  { method: 'POST', pattern: /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/, op: 'close', names: ['outTradeNo'] },
  { method: 'POST', pattern: /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/reverse$/, op: 'reverse', names: ['outTradeNo'] },
  { method: 'POST', pattern: /^\/v3\/refund\/domestic\/refunds$/, op: 'refund', names: [] },
  { method: 'GET', pattern: /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/, op: 'refund-query', names: ['outRefundNo'] },
  { method: 'GET', pattern: /^\/v3\/bill\/tradebill$/, op: 'tradebill', names: [] },
  { method: 'GET', pattern: /^\/v3\/billdownload\/file$/, op: 'bill-download', names: [] },
];

export function routeApi(method: string, pathname: string): Route | undefined {
  for (const route of ROUTES) {
    const match = route.method === method ? route.pattern.exec(pathname) : null;
    if (!match) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, index) => {
      params[name] = decodeURIComponent(match[index + 1] ?? '');
    });
    return { op: route.op, params };
  }
  return undefined;
}

export const errorReply = (error: ErrorReply): Reply => ({
  status: error.status,
  json: { code: error.code, message: error.message, ...(error.detail === undefined ? {} : { detail: error.detail }) },
});

const OUT_TRADE_NO = /^[0-9A-Za-z_\-*|]{6,32}$/;
const amountSchema = z.object({ total: z.number().int().min(1), currency: z.literal('CNY').optional() });

const nativeSchema = z.object({
  appid: z.string().min(1),
  mchid: z.string().min(1),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(OUT_TRADE_NO),
  time_expire: z.string().optional(),
  attach: z.string().max(128).optional(),
  notify_url: z.url(),
  amount: amountSchema,
  scene_info: z.object({ payer_client_ip: z.string().min(1) }).loose().optional(),
});

const codepaySchema = z.object({
  appid: z.string().min(1),
  mchid: z.string().min(1),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(OUT_TRADE_NO),
  attach: z.string().max(128).optional(),
  payer: z.object({ auth_code: z.string().min(1) }),
  amount: amountSchema,
  scene_info: z.object({}).loose(),
});

const closeSchema = z.object({ mchid: z.string().min(1) });
const reverseSchema = z.object({ appid: z.string().min(1), mchid: z.string().min(1) });

const refundSchema = z.object({
  out_trade_no: z.string().regex(OUT_TRADE_NO),
  out_refund_no: z.string().regex(/^[0-9A-Za-z_\-|*@]{1,64}$/),
  reason: z.string().max(80).optional(),
  notify_url: z.url().optional(),
  funds_account: z.string().optional(),
  amount: z.object({ refund: z.number().int().min(1), total: z.number().int().min(1), currency: z.literal('CNY') }),
});

function paramError(field: string, issue: string, location: 'body' | 'query' | 'path' = 'body'): Reply {
  return errorReply({ status: 400, code: 'PARAM_ERROR', message: `参数错误：${field} ${issue}`, detail: { field, issue, location } });
}

function parseBody<T>(schema: z.ZodType<T>, body: Buffer): { ok: true; value: T } | { ok: false; reply: Reply } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reply: paramError('body', '不是合法的 JSON') };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reply: paramError(issue?.path.join('.') || 'body', issue?.message ?? 'invalid') };
}

/** The merchant in the body must be the one that signed, and the app must belong to it. */
function checkMerchant(ctx: ApiContext, request: ApiRequest, mchid: string, appid?: string): Reply | undefined {
  if (mchid !== request.mchid) return paramError('mchid', '与请求头中的商户号不一致');
  if (appid !== undefined && appid !== ctx.appid) return errorReply({ status: 400, code: 'APPID_MCHID_NOT_MATCH', message: 'appid和mch_id不匹配' });
  return undefined;
}

function userPayingReply(ctx: ApiContext, json: Record<string, unknown>): Reply {
  if (ctx.behaviour().userPayingShape === '200') return { status: 200, json: { ...json, trade_state: 'USERPAYING' } };
  return { status: 202, json: { code: 'USERPAYING', message: '需要用户输入支付密码' } };
}

export function runApi(route: Route, request: ApiRequest, ctx: ApiContext): Reply {
  const behaviour = ctx.behaviour();
  const { book } = ctx;
  switch (route.op) {
    case 'native': {
      const parsed = parseBody(nativeSchema, request.body);
      if (!parsed.ok) return parsed.reply;
      const body = parsed.value;
      const mismatch = checkMerchant(ctx, request, body.mchid, body.appid);
      if (mismatch) return mismatch;
      const result = book.createNative(
        {
          appid: body.appid,
          mchid: body.mchid,
          description: body.description,
          outTradeNo: body.out_trade_no,
          totalFen: body.amount.total,
          notifyUrl: body.notify_url,
          ...(body.time_expire === undefined ? {} : { timeExpire: body.time_expire }),
          ...(body.attach === undefined ? {} : { attach: body.attach }),
        },
        behaviour,
      );
      return result.ok ? { status: 200, json: { code_url: result.value.codeUrl } } : errorReply(result.error);
    }
    case 'codepay': {
      const parsed = parseBody(codepaySchema, request.body);
      if (!parsed.ok) return parsed.reply;
      const body = parsed.value;
      const mismatch = checkMerchant(ctx, request, body.mchid, body.appid);
      if (mismatch) return mismatch;
      const authCode = body.payer.auth_code;
      if (!WECHAT_AUTH_CODE.test(authCode)) return errorReply({ status: 400, code: 'AUTH_CODE_INVALID', message: '付款码无效，请重新扫码' });
      const reply = book.codepay(
        {
          appid: body.appid,
          mchid: body.mchid,
          description: body.description,
          outTradeNo: body.out_trade_no,
          totalFen: body.amount.total,
          authCode,
          ...(body.attach === undefined ? {} : { attach: body.attach }),
        },
        outcomeForAuthCode(authCode, ctx.codepayScripts),
        behaviour,
      );
      if (reply.kind === 'error') return errorReply(reply.error);
      const json = transactionJson(book, reply.trade);
      return reply.kind === 'userpaying' ? userPayingReply(ctx, json) : { status: 200, json };
    }
    case 'query': {
      const mchid = request.url.searchParams.get('mchid');
      if (mchid === null) return paramError('mchid', '缺少参数', 'query');
      const mismatch = checkMerchant(ctx, request, mchid);
      if (mismatch) return mismatch;
      const result = book.query(route.params.outTradeNo ?? '', behaviour);
      if (!result.ok) return errorReply(result.error);
      return { status: 200, json: transactionJson(book, result.value, book.hidesPayment(result.value, behaviour)) };
    }
    case 'close': {
      const parsed = parseBody(closeSchema, request.body);
      if (!parsed.ok) return parsed.reply;
      const mismatch = checkMerchant(ctx, request, parsed.value.mchid);
      if (mismatch) return mismatch;
      const result = book.close(route.params.outTradeNo ?? '', behaviour);
      return result.ok ? { status: 204 } : errorReply(result.error);
    }
    case 'reverse': {
      const parsed = parseBody(reverseSchema, request.body);
      if (!parsed.ok) return parsed.reply;
      const mismatch = checkMerchant(ctx, request, parsed.value.mchid, parsed.value.appid);
      if (mismatch) return mismatch;
      const result = book.reverse(route.params.outTradeNo ?? '', behaviour);
      if (!result.ok) return errorReply(result.error);
      const { trade, recall } = result.value;
      return { status: 200, json: { appid: trade.appid, mchid: trade.mchid, out_trade_no: trade.outTradeNo, ...(recall ? { recall: 'Y' } : {}) } };
    }
    case 'refund': {
      const parsed = parseBody(refundSchema, request.body);
      if (!parsed.ok) return parsed.reply;
      const body = parsed.value;
      const result = book.refund(
        {
          outTradeNo: body.out_trade_no,
          outRefundNo: body.out_refund_no,
          refundFen: body.amount.refund,
          totalFen: body.amount.total,
          ...(body.reason === undefined ? {} : { reason: body.reason }),
          ...(body.notify_url === undefined ? {} : { notifyUrl: body.notify_url }),
        },
        behaviour,
        ctx.refundScripts.get(body.out_refund_no) ?? {},
      );
      return result.ok ? { status: 200, json: refundJson(result.value) } : errorReply(result.error);
    }
    case 'refund-query': {
      const result = book.queryRefund(route.params.outRefundNo ?? '');
      return result.ok ? { status: 200, json: refundJson(result.value) } : errorReply(result.error);
    }
    case 'tradebill': {
      const billDate = request.url.searchParams.get('bill_date');
      if (billDate === null) return paramError('bill_date', '缺少参数', 'query');
      const result = ctx.bills.request(
        { billDate, billType: request.url.searchParams.get('bill_type') ?? 'ALL', tarType: request.url.searchParams.get('tar_type') },
        { trades: book.all(), refunds: book.refunds(), merchant: { appid: ctx.appid, mchid: ctx.mchid } },
        { availability: behaviour.billAvailability, ttlMs: behaviour.billUrlTtlMs },
      );
      if (!result.ok) return errorReply(result);
      return {
        status: 200,
        json: { hash_type: result.hashType, hash_value: result.hashValue, download_url: `${ctx.baseUrl()}/v3/billdownload/file?token=${result.token}` },
      };
    }
    case 'bill-download': {
      const result = ctx.bills.download(request.url.searchParams.get('token'));
      return result.ok ? { status: 200, file: result.bytes } : errorReply(result);
    }
  }
}
