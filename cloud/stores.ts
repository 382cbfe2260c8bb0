/** Stores and their payment-provider settings (the keys the cloud verifies notifications with). */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { CloudDatabase, Queryable } from './db';
import { CloudHttpError } from './errors';
import { newId } from './ids';
import type { AlipayStoreConfig } from './notify/alipay';
import type { WechatStoreConfig } from './notify/wechat';
import type { SecretBox } from './secrets';

const code = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);

export const createStoreBody = z
  .object({
    code,
    name: z.string().min(1).max(100),
    timezone: z.string().min(1).max(64).default('Asia/Shanghai'),
  })
  .strict();

const pem = z.string().min(40).max(20_000);
export const providersBody = z
  .object({
    wechat: z
      .object({
        mchid: z.string().regex(/^\d{6,32}$/),
        appid: z.string().min(1).max(64),
        /** 32 ASCII characters; sealed at rest, never echoed or logged. */
        apiV3Key: z.string().regex(/^[\x21-\x7e]{32}$/, '32 printable ASCII characters'),
        platformPublicKeyId: z.string().regex(/^PUB_KEY_ID_[A-Za-z0-9]+$/).optional(),
        platformPublicKeyPem: pem.optional(),
        platformCertificates: z.record(z.string().regex(/^[0-9A-Fa-f]{1,64}$/), pem).optional(),
      })
      .strict()
      .optional(),
    alipay: z
      .object({
        appId: z.string().regex(/^\d{8,32}$/),
        sellerId: z.string().regex(/^2088\d{12}$/).optional(),
        alipayPublicKey: z.string().min(40).max(20_000),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ProvidersBody = z.infer<typeof providersBody>;

export interface StoreRow {
  id: string;
  code: string;
  name: string;
  timezone: string;
}

export async function createStore(db: Queryable, body: z.infer<typeof createStoreBody>, nowIso: string): Promise<StoreRow> {
  if (!isTimezone(body.timezone)) throw new CloudHttpError('BAD_REQUEST', { zh: `未知时区 ${body.timezone}`, en: `unknown timezone ${body.timezone}` });
  const rows = await db.query<StoreRow>(
    `INSERT INTO stores (id, code, name, timezone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (code) DO NOTHING RETURNING id, code, name, timezone`,
    [newId('sto'), body.code, body.name, body.timezone, nowIso],
  );
  if (!rows[0]) throw new CloudHttpError('STORE_EXISTS');
  return rows[0];
}

function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export async function storeByCode(db: Queryable, storeCode: string): Promise<StoreRow> {
  const rows = await db.query<StoreRow>('SELECT id, code, name, timezone FROM stores WHERE code = $1', [storeCode]);
  if (!rows[0]) throw new CloudHttpError('STORE_NOT_FOUND');
  return rows[0];
}

function invalid(en: string, zh: string): never {
  throw new CloudHttpError('PROVIDER_CONFIG_INVALID', { en, zh });
}

/** Checks that every key parses and that a WeChat store has at least one way to verify. */
function checkKeys(body: ProvidersBody): { certificates: Record<string, string> } {
  const certificates: Record<string, string> = {};
  if (body.wechat) {
    const w = body.wechat;
    if (Boolean(w.platformPublicKeyId) !== Boolean(w.platformPublicKeyPem)) invalid('platformPublicKeyId and platformPublicKeyPem go together', '平台公钥 ID 与公钥须同时提供');
    if (!w.platformPublicKeyPem && Object.keys(w.platformCertificates ?? {}).length === 0) {
      invalid('give the WeChat Pay public key (id + PEM) or platform certificates', '请提供微信支付公钥（ID 与 PEM）或平台证书');
    }
    if (w.platformPublicKeyPem) {
      try {
        createPublicKey(w.platformPublicKeyPem);
      } catch {
        invalid('platformPublicKeyPem is not a public key', '平台公钥格式错误');
      }
    }
    for (const [serial, certificatePem] of Object.entries(w.platformCertificates ?? {})) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(certificatePem);
      } catch {
        return invalid(`certificate ${serial} is not an X.509 certificate`, `证书 ${serial} 格式错误`);
      }
      const actual = certificate.serialNumber.toUpperCase().replace(/^0+/, '');
      if (actual !== serial.toUpperCase().replace(/^0+/, '')) invalid(`certificate under ${serial} has serial ${certificate.serialNumber}`, `证书序列号与 ${serial} 不符`);
      certificates[serial.toUpperCase()] = certificatePem;
    }
  }
  if (body.alipay) {
    try {
      createPublicKey(toPem(body.alipay.alipayPublicKey));
    } catch {
      invalid('alipayPublicKey is not a public key', '支付宝公钥格式错误');
    }
  }
  return { certificates };
}

/** Alipay's console hands out the key as bare base64; accept that or a PEM. */
export function toPem(key: string): string {
  const trimmed = key.trim();
  if (trimmed.startsWith('-----BEGIN')) return trimmed;
  const body = trimmed.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
}

export interface ProvidersView {
  storeCode: string;
  wechat: { mchid: string; appid: string; apiV3Key: 'set'; platformPublicKeyId: string | null; certificateSerials: string[] } | null;
  alipay: { appId: string; sellerId: string | null } | null;
}

export async function setProviders(db: CloudDatabase, box: SecretBox, storeCode: string, body: ProvidersBody, nowIso: string): Promise<ProvidersView> {
  const store = await storeByCode(db, storeCode);
  const { certificates } = checkKeys(body);
  if (body.wechat) {
    const { apiV3Key, ...rest } = body.wechat;
    const config: WechatStoreConfig = { ...rest, platformCertificates: certificates };
    await db.query('UPDATE stores SET wechat_config = $2::jsonb, wechat_api_v3_key_sealed = $3, updated_at = $4 WHERE id = $1', [
      store.id,
      JSON.stringify(config),
      box.seal(apiV3Key),
      nowIso,
    ]);
  }
  if (body.alipay) {
    const config: AlipayStoreConfig = { ...body.alipay, alipayPublicKey: toPem(body.alipay.alipayPublicKey) };
    await db.query('UPDATE stores SET alipay_config = $2::jsonb, updated_at = $3 WHERE id = $1', [store.id, JSON.stringify(config), nowIso]);
  }
  return providersView(db, store);
}

export async function providersView(db: Queryable, store: StoreRow): Promise<ProvidersView> {
  const rows = await db.query<{ wechat_config: WechatStoreConfig | null; alipay_config: AlipayStoreConfig | null }>(
    'SELECT wechat_config, alipay_config FROM stores WHERE id = $1',
    [store.id],
  );
  const w = rows[0]?.wechat_config ?? null;
  const a = rows[0]?.alipay_config ?? null;
  return {
    storeCode: store.code,
    wechat: w
      ? { mchid: w.mchid, appid: w.appid, apiV3Key: 'set', platformPublicKeyId: w.platformPublicKeyId ?? null, certificateSerials: Object.keys(w.platformCertificates ?? {}) }
      : null,
    alipay: a ? { appId: a.appId, sellerId: a.sellerId ?? null } : null,
  };
}
