import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiOutput } from '../../../../electron/api/contract';
import { api, useSession } from '../../api/session';
import { Dialog } from '../../components/Dialog';
import { Badge, Field, OutcomeNotice, Segmented, useAction } from './shared';

type Provider = 'wechat' | 'alipay';
type Status = ApiOutput<'payments.status'>;
type TestResult = ApiOutput<'payments.testConnection'>;
type Mode = 'sandbox' | 'live';
type SettingsObject = Record<string, unknown>;

interface FieldSpec {
  /** Dotted path inside the provider's settings object. */
  path: string;
  kind?: 'text' | 'multiline';
  placeholder?: string;
  optional?: boolean;
  /** Hint under the field instead of "Optional". */
  hint?: string;
}

/** The non-secret settings the form edits; other keys already in the setting are kept as they are. */
const FIELDS: Record<Provider, FieldSpec[]> = {
  wechat: [
    { path: 'appid', placeholder: 'wx1234567890abcdef' },
    { path: 'mchid', placeholder: '1900000001' },
    { path: 'merchantSerial', placeholder: '5157F09EFDC096DE15EBE81A47057A72' },
    { path: 'wechatpayPublicKey.id', placeholder: 'PUB_KEY_ID_0114232134912410000000000000' },
    { path: 'wechatpayPublicKey.pem', kind: 'multiline', placeholder: '-----BEGIN PUBLIC KEY-----' },
    { path: 'notifyUrl', placeholder: 'https://pay.example.com/notify/wechat' },
    { path: 'merchantPrivateKeyPath', optional: true, hint: 'manager.providers.keyFileHint', placeholder: '/etc/till/apiclient_key.pem' },
    { path: 'baseUrl', optional: true, placeholder: 'https://api.mch.weixin.qq.com' },
  ],
  alipay: [
    { path: 'appId', placeholder: '2021000000000000' },
    { path: 'alipayPublicKey', kind: 'multiline', placeholder: '-----BEGIN PUBLIC KEY-----' },
    { path: 'sellerId', optional: true, placeholder: '2088000000000000' },
    { path: 'notifyUrl', placeholder: 'https://pay.example.com/notify/alipay' },
    { path: 'appPrivateKey', optional: true, hint: 'manager.providers.keyFileHint', placeholder: '/etc/till/alipay_app_private_key.pem' },
    { path: 'gateway', optional: true, placeholder: 'https://openapi.alipay.com/gateway.do' },
  ],
};

const SECRETS: Record<Provider, { name: 'wechat.merchantPrivateKey' | 'wechat.apiV3Key' | 'alipay.appPrivateKey'; multiline: boolean }[]> = {
  wechat: [
    { name: 'wechat.merchantPrivateKey', multiline: true },
    { name: 'wechat.apiV3Key', multiline: false },
  ],
  alipay: [{ name: 'alipay.appPrivateKey', multiline: true }],
};

function read(object: SettingsObject | null, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (!current || typeof current !== 'object') return '';
    current = (current as SettingsObject)[part];
  }
  return typeof current === 'string' ? current : typeof current === 'number' ? String(current) : '';
}

function write(object: SettingsObject, path: string, value: string): void {
  const parts = path.split('.');
  const last = parts.pop()!;
  let current = object;
  for (const part of parts) {
    const next = current[part];
    if (!next || typeof next !== 'object') {
      if (value === '') return;
      current[part] = {};
    }
    current = current[part] as SettingsObject;
  }
  if (value === '') delete current[last];
  else current[last] = value;
}

/** Looks like key material rather than a path: a PEM private key or a long bare base64 blob. */
function looksLikePrivateKey(value: string): boolean {
  return value.includes('PRIVATE KEY') || (value.length >= 200 && /^[A-Za-z0-9+/=\s]+$/.test(value));
}

function ProviderCard({
  provider,
  status,
  settings,
  isOwner,
  onChanged,
}: {
  provider: Provider;
  status: Status | null;
  settings: SettingsObject | null;
  isOwner: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const save = useAction();
  const test = useAction();
  const secret = useAction();
  const [form, setForm] = useState<Record<string, string>>({});
  const [secretValues, setSecretValues] = useState<Record<string, string>>({});
  const [testResult, setTestResult] = useState<TestResult | null>(null);

  // Reset the form only when the stored value really changed (a refresh after another card's save keeps edits).
  const stored = JSON.stringify(settings);
  useEffect(() => {
    const current = JSON.parse(stored) as SettingsObject | null;
    setForm(Object.fromEntries(FIELDS[provider].map((field) => [field.path, read(current, field.path)])));
  }, [provider, stored]);

  const dirty = FIELDS[provider].some((field) => (form[field.path] ?? '') !== read(settings, field.path));
  const state = status?.[provider];

  const submit = async () => {
    const keyPath = provider === 'wechat' ? 'merchantPrivateKeyPath' : 'appPrivateKey';
    if (looksLikePrivateKey(form[keyPath] ?? '')) {
      return save.setOutcome({ kind: 'error', text: t('manager.providers.keyNotHere') });
    }
    const next: SettingsObject = structuredClone(settings ?? {});
    for (const field of FIELDS[provider]) write(next, field.path, (form[field.path] ?? '').trim());
    // The public key is either inline (pem) or a file (path), never both.
    if (provider === 'wechat' && read(next, 'wechatpayPublicKey.pem')) write(next, 'wechatpayPublicKey.path', '');
    const key = next.wechatpayPublicKey;
    if (key && typeof key === 'object' && Object.keys(key).length === 0) delete next.wechatpayPublicKey;
    const value = Object.keys(next).length === 0 ? null : next;
    const saved = await save.run(
      () => api['settings.set']({ key: `payments.${provider}`, value }),
      () => t('manager.providers.saved'),
    );
    if (saved) await onChanged();
  };

  const runTest = async () => {
    setTestResult(null);
    const result = await test.run(() => api['payments.testConnection']({ provider }));
    if (result) setTestResult(result);
  };

  const storeSecret = async (name: string) => {
    const value = secretValues[name] ?? '';
    if (!value.trim()) return secret.setOutcome({ kind: 'error', text: t('manager.providers.secretEmpty') });
    const done = await secret.run(
      () => api['secrets.set']({ name: name as 'wechat.apiV3Key', value: value.trim() }),
      () => t('manager.providers.secretSaved', { name: t(`manager.providers.secretNames.${name.replace('.', '_')}`) }),
    );
    // The value leaves the screen either way: it is never kept, shown or sent again.
    setSecretValues((current) => ({ ...current, [name]: '' }));
    if (done) await onChanged();
  };

  return (
    <article className={`mgr-card mgr-provider mgr-provider--${provider}`} data-testid={`provider-${provider}`}>
      <header className="mgr-provider-head">
        <h3>{t(`manager.providers.name.${provider}`)}</h3>
        {state ? (
          state.configured ? (
            <Badge tone="ok">{state.sandbox ? t('manager.providers.configuredSandbox') : t('manager.providers.configured')}</Badge>
          ) : (
            <Badge tone="warn">{t('manager.providers.notConfigured')}</Badge>
          )
        ) : null}
        {state?.merchantId && <span className="mgr-muted mgr-mono">{t('manager.providers.merchant', { id: state.merchantId })}</span>}
        <span className="mgr-spacer" />
        <button type="button" className="btn btn--primary" disabled={test.busy} data-testid={`provider-test-${provider}`} onClick={() => void runTest()}>
          {test.busy ? t('manager.providers.testing') : t('manager.providers.test')}
        </button>
      </header>

      {testResult && !test.busy && (
        <div className="notice notice--ok" role="status" data-testid={`provider-test-result-${provider}`}>
          <span className="notice-text">
            {t('manager.providers.testOk', { ms: testResult.latencyMs, host: testResult.host, code: testResult.providerCode })}{' '}
            {testResult.signature === 'verified' ? t('manager.providers.signatureVerified') : t('manager.providers.signatureUnsigned')}
            {testResult.sandbox && <> {t('manager.providers.testSandbox')}</>}
          </span>
        </div>
      )}
      <OutcomeNotice outcome={test.outcome} onClose={() => test.setOutcome(null)} testId={`provider-test-error-${provider}`} />

      <form
        className="mgr-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="mgr-grid">
          {FIELDS[provider].map((field) => {
            const id = `${provider}-${field.path}`;
            const label = t(`manager.providers.fields.${provider}.${field.path.replace('.', '_')}`);
            const hint = field.hint ? t(field.hint) : field.optional ? t('manager.common.optional') : undefined;
            return field.kind === 'multiline' ? (
              <Field key={field.path} label={label} hint={hint} wide>
                <textarea
                  id={id}
                  className="mgr-input mgr-textarea mgr-mono"
                  rows={4}
                  spellCheck={false}
                  placeholder={field.placeholder}
                  value={form[field.path] ?? ''}
                  data-testid={`provider-field-${id}`}
                  onChange={(e) => setForm((current) => ({ ...current, [field.path]: e.target.value }))}
                />
              </Field>
            ) : (
              <Field key={field.path} label={label} hint={hint}>
                <input
                  id={id}
                  className="mgr-input mgr-mono"
                  spellCheck={false}
                  autoComplete="off"
                  placeholder={field.placeholder}
                  value={form[field.path] ?? ''}
                  data-testid={`provider-field-${id}`}
                  onChange={(e) => setForm((current) => ({ ...current, [field.path]: e.target.value }))}
                />
              </Field>
            );
          })}
        </div>
        <OutcomeNotice outcome={save.outcome} onClose={() => save.setOutcome(null)} testId={`provider-save-message-${provider}`} />
        <div className="mgr-buttons">
          <button type="submit" className="btn btn--primary" disabled={save.busy || !dirty} data-testid={`provider-save-${provider}`}>
            {save.busy ? t('common.working') : t('manager.common.save')}
          </button>
          {dirty && <span className="mgr-muted">{t('manager.common.unsaved')}</span>}
        </div>
      </form>

      <div className="mgr-secrets">
        <h4>{t('manager.providers.secretsTitle')}</h4>
        <p className="mgr-muted">{isOwner ? t('manager.providers.secretsLead') : t('manager.providers.secretsOwnerOnly')}</p>
        {SECRETS[provider].map(({ name, multiline }) => {
          const set = status?.secrets[name];
          const label = t(`manager.providers.secretNames.${name.replace('.', '_')}`);
          return (
            <div key={name} className="mgr-secret" data-testid={`secret-${name}`}>
              <div className="mgr-secret-head">
                <strong>{label}</strong>
                {set === undefined ? (
                  <Badge tone="muted">{t('manager.providers.vaultUnavailable')}</Badge>
                ) : set ? (
                  <Badge tone="ok">{t('manager.providers.secretSet')}</Badge>
                ) : (
                  <Badge tone="warn">{t('manager.providers.secretNotSet')}</Badge>
                )}
              </div>
              {isOwner && (
                <div className="mgr-secret-input">
                  {multiline ? (
                    <textarea
                      className="mgr-input mgr-textarea mgr-masked mgr-mono"
                      rows={3}
                      spellCheck={false}
                      autoComplete="off"
                      placeholder={t('manager.providers.secretPlaceholderPem')}
                      aria-label={label}
                      value={secretValues[name] ?? ''}
                      data-testid={`secret-input-${name}`}
                      onChange={(e) => setSecretValues((current) => ({ ...current, [name]: e.target.value }))}
                    />
                  ) : (
                    <input
                      className="mgr-input mgr-mono"
                      type="password"
                      autoComplete="new-password"
                      spellCheck={false}
                      placeholder={t('manager.providers.secretPlaceholder')}
                      aria-label={label}
                      value={secretValues[name] ?? ''}
                      data-testid={`secret-input-${name}`}
                      onChange={(e) => setSecretValues((current) => ({ ...current, [name]: e.target.value }))}
                    />
                  )}
                  <button type="button" className="btn" disabled={secret.busy || !(secretValues[name] ?? '').trim()} data-testid={`secret-save-${name}`} onClick={() => void storeSecret(name)}>
                    {set ? t('manager.providers.secretReplace') : t('manager.providers.secretStore')}
                  </button>
                </div>
              )}
            </div>
          );
        })}
        <OutcomeNotice outcome={secret.outcome} onClose={() => secret.setOutcome(null)} testId={`secret-message-${provider}`} />
      </div>
    </article>
  );
}

/** Payment providers: mode, non-secret settings, write-only keys, and "Test connection". */
export function ProvidersTab() {
  const { t } = useTranslation();
  const session = useSession();
  const load = useAction();
  const modeAction = useAction();
  const [status, setStatus] = useState<Status | null>(null);
  const [settings, setSettings] = useState<SettingsObject | null>(null);
  const [confirmMode, setConfirmMode] = useState<Mode | null>(null);

  const refresh = useCallback(async () => {
    const [nextStatus, nextSettings] = (await load.run(() => Promise.all([api['payments.status']({}), api['settings.get']({})]))) ?? [];
    if (nextStatus) setStatus(nextStatus);
    if (nextSettings) setSettings(nextSettings);
  }, [load.run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const mode: Mode = settings?.['payments.mode'] === 'live' ? 'live' : 'sandbox';
  const providerSettings = (provider: Provider) => {
    const value = settings?.[`payments.${provider}`];
    return value && typeof value === 'object' ? (value as SettingsObject) : null;
  };

  const changeMode = async (next: Mode) => {
    setConfirmMode(null);
    const saved = await modeAction.run(
      () => api['settings.set']({ key: 'payments.mode', value: next }),
      () => t('manager.providers.modeSaved', { mode: t(`manager.providers.mode.${next}`) }),
    );
    if (saved) await refresh();
  };

  return (
    <section className="mgr-panel" aria-labelledby="mgr-providers-title">
      <div className="mgr-panel-head">
        <div>
          <h2 id="mgr-providers-title">{t('manager.providers.title')}</h2>
          <p className="mgr-lead">{t('manager.providers.lead')}</p>
        </div>
        <button type="button" className="btn" disabled={load.busy} onClick={() => void refresh()} data-testid="providers-refresh">
          {t('manager.common.refresh')}
        </button>
      </div>
      <OutcomeNotice outcome={load.outcome} onClose={() => load.setOutcome(null)} />

      <div className="mgr-card mgr-mode">
        <div>
          <h3>{t('manager.providers.modeTitle')}</h3>
          <p className="mgr-muted">{t('manager.providers.modeLead')}</p>
        </div>
        <Segmented<Mode>
          label={t('manager.providers.modeTitle')}
          value={mode}
          testIdPrefix="payments-mode"
          onChange={(next) => next !== mode && setConfirmMode(next)}
          options={[
            { value: 'sandbox', label: t('manager.providers.mode.sandbox') },
            { value: 'live', label: t('manager.providers.mode.live') },
          ]}
        />
        <OutcomeNotice outcome={modeAction.outcome} onClose={() => modeAction.setOutcome(null)} testId="payments-mode-message" />
      </div>

      <div className="mgr-providers">
        {(['wechat', 'alipay'] as const).map((provider) => (
          <ProviderCard key={provider} provider={provider} status={status} settings={providerSettings(provider)} isOwner={session?.user.role === 'owner'} onChanged={refresh} />
        ))}
      </div>

      {confirmMode && (
        <Dialog title={t('manager.providers.modeConfirmTitle', { mode: t(`manager.providers.mode.${confirmMode}`) })} onClose={() => setConfirmMode(null)}>
          <p className="dialog-note">{t(confirmMode === 'live' ? 'manager.providers.modeConfirmLive' : 'manager.providers.modeConfirmSandbox')}</p>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => setConfirmMode(null)}>
              {t('common.cancel')}
            </button>
            <button type="button" className={confirmMode === 'live' ? 'btn btn--danger' : 'btn btn--primary'} autoFocus data-testid="payments-mode-confirm" onClick={() => void changeMode(confirmMode)}>
              {t('manager.providers.modeSwitch', { mode: t(`manager.providers.mode.${confirmMode}`) })}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
