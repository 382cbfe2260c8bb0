import { z } from 'zod';
import type { Database } from 'better-sqlite3';
import { readAllSettings, writeSetting } from '../../db/stores/settings';
import { TillError } from '../api/errors';
import { weighedBarcodeRulesSchema, DEFAULT_WEIGHED_BARCODE_RULES } from '../checkout/barcode';

/** Keys that hold key material: they belong in the encrypted vault, never in plain settings. */
const SECRET_FIELDS = ['merchantPrivateKeyPem', 'apiV3Key', 'appPrivateKeyPem'];
const providerSettingsSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => SECRET_FIELDS.every((field) => !(field in value)), 'secrets go in the vault (secrets.set), not in settings')
  .refine(
    (value) => typeof value.appPrivateKey !== 'string' || !value.appPrivateKey.includes('PRIVATE KEY'),
    'give appPrivateKey as a file path here, or store the key with secrets.set',
  );

/**
 * Every setting the terminal knows, with its schema and default, in one table. Values are stored
 * as JSON in the settings table and validated on the way in and on the way out, so a hand-edited
 * or corrupted value falls back to the default instead of crashing a sale.
 */
export const SETTINGS_SCHEMA = {
  'checkout.roundingRule': z.enum(['none', 'drop_fen', 'drop_jiao']).default('none'),
  /** Discretionary discounts above this share of the subtotal need a manager's PIN (basis points). */
  'checkout.discountCapBp': z.number().int().min(0).max(10_000).default(1_000),
  /** Hour (store time) at which a new business day starts; 4 keeps a late-night shop's 01:30 sale on yesterday. */
  'store.businessDayStartHour': z.number().int().min(0).max(23).default(0),
  'security.pinMaxAttempts': z.number().int().min(3).max(10).default(5),
  'security.lockoutMinutes': z.number().int().min(1).max(24 * 60).default(5),
  'security.sessionIdleMinutes': z.number().int().min(5).max(24 * 60).default(12 * 60),
  'catalog.weighedBarcodeRules': weighedBarcodeRulesSchema.default(DEFAULT_WEIGHED_BARCODE_RULES),
  /** Where receipts go: 'network' = ESC/POS over TCP 9100, 'system' = the OS printer (Electron), 'none' = screen/PDF only. */
  'printing.receiptPrinter': z
    .object({
      kind: z.enum(['none', 'network', 'system']),
      host: z.string().max(255).optional(),
      port: z.number().int().min(1).max(65_535).optional(),
      paperWidth: z.union([z.literal(58), z.literal(80)]),
      deviceName: z.string().max(200).optional(),
    })
    .default({ kind: 'none', paperWidth: 80 }),
  /** 'sandbox' runs the local protocol simulators (demo); 'live' uses the configured providers. */
  'payments.mode': z.enum(['sandbox', 'live']).default('sandbox'),
  /** Non-secret WeChat Pay settings (appid, mchid, merchantSerial, public key or certificates, notifyUrl, key paths). */
  'payments.wechat': providerSettingsSchema.nullable().default(null),
  /** Non-secret Alipay settings (appId, alipayPublicKey, gateway, sellerId, notifyUrl, or appPrivateKey as a file path). */
  'payments.alipay': providerSettingsSchema.nullable().default(null),
  /** Background sync: the cloud's base URL (https://…); empty = sync off. Set by sync.enrol. */
  'sync.cloudUrl': z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(500)]).default(''),
  /** How often the worker looks at the outbox when it has nothing to do (a sale also nudges it). */
  'sync.intervalMs': z.number().int().min(100).max(3_600_000).default(10_000),
  /** How often relayed provider notifications are fetched from the cloud. */
  'sync.eventsIntervalMs': z.number().int().min(100).max(3_600_000).default(5_000),
  /** One request's time limit. */
  'sync.requestTimeoutMs': z.number().int().min(100).max(600_000).default(30_000),
  /** Orders per batch (the wire allows at most 500). */
  'sync.maxBatchOrders': z.number().int().min(1).max(500).default(500),
  /** Backoff after a failure: a random wait in [0, min(cap, base·2^(failures−1))] (full jitter). */
  'sync.backoffBaseMs': z.number().int().min(1).max(3_600_000).default(1_000),
  'sync.backoffCapMs': z.number().int().min(1).max(24 * 3_600_000).default(5 * 60_000),
} as const;

export type SettingKey = keyof typeof SETTINGS_SCHEMA;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS_SCHEMA)[K]>;
export type SettingsSnapshot = { [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS_SCHEMA) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS_SCHEMA, key);
}

export class Settings {
  private cache: SettingsSnapshot;

  constructor(private readonly db: Database) {
    this.cache = this.load();
  }

  private load(): SettingsSnapshot {
    const raw = readAllSettings(this.db);
    const snapshot: Record<string, unknown> = {};
    for (const key of SETTING_KEYS) {
      const parsed = SETTINGS_SCHEMA[key].safeParse(raw[key]);
      snapshot[key] = parsed.success ? parsed.data : SETTINGS_SCHEMA[key].parse(undefined);
    }
    return snapshot as SettingsSnapshot;
  }

  get<K extends SettingKey>(key: K): SettingValue<K> {
    return this.cache[key];
  }

  all(): SettingsSnapshot {
    return { ...this.cache };
  }

  /** Validates and stores; the caller audits (it knows who). Must run inside the caller's transaction if any. */
  set<K extends SettingKey>(key: K, value: unknown, now: string): SettingValue<K> {
    const parsed = SETTINGS_SCHEMA[key].safeParse(value);
    if (!parsed.success) throw new TillError('SETTING_INVALID', { key, issues: parsed.error.issues.map((i) => i.message) });
    writeSetting(this.db, key, parsed.data, now);
    this.cache = { ...this.cache, [key]: parsed.data };
    return parsed.data as SettingValue<K>;
  }
}
