import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../../electron/api/contract';
import { api } from '../../api/session';
import { Field, OutcomeNotice, Segmented, useAction } from './shared';

type Kind = 'none' | 'system' | 'network';
type Paper = 58 | 80;
type PrinterSetting = NonNullable<ApiInput<'printer.test'>['printer']>;

interface Form {
  kind: Kind;
  host: string;
  port: string;
  paperWidth: Paper;
  deviceName: string;
}

const DEFAULT_FORM: Form = { kind: 'none', host: '', port: '9100', paperWidth: 80, deviceName: '' };
const HOST = /^[A-Za-z0-9.:[\]_-]{1,255}$/;

function fromSetting(value: unknown): Form {
  if (!value || typeof value !== 'object') return DEFAULT_FORM;
  const v = value as Partial<Record<keyof Form, unknown>>;
  const kind: Kind = v.kind === 'network' || v.kind === 'system' ? v.kind : 'none';
  return {
    kind,
    host: typeof v.host === 'string' ? v.host : '',
    port: typeof v.port === 'number' ? String(v.port) : '9100',
    paperWidth: v.paperWidth === 58 ? 58 : 80,
    deviceName: typeof v.deviceName === 'string' ? v.deviceName : '',
  };
}

/** The setting as the core validates it, or an i18n key naming what is wrong. */
function toSetting(form: Form): { value: PrinterSetting } | { problem: string } {
  if (form.kind === 'network') {
    const host = form.host.trim();
    if (!HOST.test(host)) return { problem: 'manager.printer.hostInvalid' };
    const port = /^\d{1,5}$/.test(form.port.trim()) ? Number.parseInt(form.port.trim(), 10) : Number.NaN;
    if (!(port >= 1 && port <= 65_535)) return { problem: 'manager.printer.portInvalid' };
    return { value: { kind: 'network', host, port, paperWidth: form.paperWidth } };
  }
  if (form.kind === 'system') {
    const deviceName = form.deviceName.trim();
    return { value: { kind: 'system', paperWidth: form.paperWidth, ...(deviceName ? { deviceName } : {}) } };
  }
  return { value: { kind: 'none', paperWidth: form.paperWidth } };
}

/** Receipt printer: none / system / network ESC/POS, paper width, drawer, and "Test print". */
export function PrinterTab() {
  const { t } = useTranslation();
  const load = useAction();
  const save = useAction();
  const test = useAction();
  const [stored, setStored] = useState<Form | null>(null);
  const [form, setForm] = useState<Form>(DEFAULT_FORM);
  const [openDrawer, setOpenDrawer] = useState(false);

  const refresh = useCallback(async () => {
    const settings = await load.run(() => api['settings.get']({}));
    if (settings) {
      const current = fromSetting(settings['printing.receiptPrinter']);
      setStored(current);
      setForm(current);
    }
  }, [load.run]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const dirty = stored !== null && JSON.stringify(stored) !== JSON.stringify(form);
  const update = (patch: Partial<Form>) => setForm((current) => ({ ...current, ...patch }));

  const submit = async () => {
    const setting = toSetting(form);
    if ('problem' in setting) return save.setOutcome({ kind: 'error', text: t(setting.problem) });
    const saved = await save.run(
      () => api['settings.set']({ key: 'printing.receiptPrinter', value: setting.value }),
      () => t('manager.printer.saved'),
    );
    if (saved) {
      const current = fromSetting(saved['printing.receiptPrinter']);
      setStored(current);
      setForm(current);
    }
  };

  const runTest = async () => {
    const setting = toSetting(form);
    if ('problem' in setting) return test.setOutcome({ kind: 'error', text: t(setting.problem) });
    await test.run(
      () => api['printer.test']({ ...(dirty ? { printer: setting.value } : {}), openDrawer }),
      (result) =>
        result.printer === 'network'
          ? t('manager.printer.testSentNetwork', { address: result.address ?? '', bytes: result.bytes ?? 0, ms: result.elapsedMs }) +
            (result.drawerKicked ? ` ${t('manager.printer.testDrawer')}` : '')
          : t('manager.printer.testSentSystem'),
    );
  };

  return (
    <section className="mgr-panel" aria-labelledby="mgr-printer-title">
      <div className="mgr-panel-head">
        <div>
          <h2 id="mgr-printer-title">{t('manager.printer.title')}</h2>
          <p className="mgr-lead">{t('manager.printer.lead')}</p>
        </div>
      </div>
      <OutcomeNotice outcome={load.outcome} onClose={() => load.setOutcome(null)} />

      <form
        className="mgr-card mgr-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="mgr-row mgr-row--top">
          <Field label={t('manager.printer.kind')} grow>
            <Segmented<Kind>
              label={t('manager.printer.kind')}
              value={form.kind}
              onChange={(kind) => update({ kind })}
              testIdPrefix="printer-kind"
              options={[
                { value: 'none', label: t('manager.printer.kinds.none') },
                { value: 'network', label: t('manager.printer.kinds.network') },
                { value: 'system', label: t('manager.printer.kinds.system') },
              ]}
            />
          </Field>
          <Field label={t('manager.printer.paper')}>
            <Segmented<Paper>
              label={t('manager.printer.paper')}
              value={form.paperWidth}
              onChange={(paperWidth) => update({ paperWidth })}
              testIdPrefix="printer-paper"
              options={[
                { value: 58, label: t('manager.printer.paper58') },
                { value: 80, label: t('manager.printer.paper80') },
              ]}
            />
          </Field>
        </div>
        <p className="mgr-muted mgr-kind-help">{t(`manager.printer.kindHelp.${form.kind}`)}</p>

        {form.kind === 'network' && (
          <div className="mgr-row">
            <Field label={t('manager.printer.host')} hint={t('manager.printer.hostHint')}>
              <input
                className="mgr-input mgr-mono"
                value={form.host}
                placeholder="192.168.1.50"
                autoComplete="off"
                spellCheck={false}
                data-testid="printer-host"
                onChange={(e) => update({ host: e.target.value })}
              />
            </Field>
            <Field label={t('manager.printer.port')} hint={t('manager.printer.portHint')}>
              <input
                className="mgr-input mgr-mono mgr-input--short"
                value={form.port}
                inputMode="numeric"
                data-testid="printer-port"
                onChange={(e) => update({ port: e.target.value.replace(/\D/g, '').slice(0, 5) })}
              />
            </Field>
          </div>
        )}
        {form.kind === 'system' && (
          <Field label={t('manager.printer.deviceName')} hint={t('manager.printer.deviceNameHint')}>
            <input className="mgr-input" value={form.deviceName} maxLength={200} data-testid="printer-device" onChange={(e) => update({ deviceName: e.target.value })} />
          </Field>
        )}

        <div className="mgr-drawer">
          <h3>{t('manager.printer.drawerTitle')}</h3>
          <p className="mgr-muted">{t('manager.printer.drawerLead')}</p>
          <label className="mgr-check">
            <input type="checkbox" checked={openDrawer} disabled={form.kind !== 'network'} data-testid="printer-drawer" onChange={(e) => setOpenDrawer(e.target.checked)} />
            <span>{t('manager.printer.drawerTest')}</span>
          </label>
        </div>

        <div className="mgr-buttons">
          <button type="submit" className="btn btn--primary btn--big" disabled={save.busy || !dirty} data-testid="printer-save">
            {save.busy ? t('common.working') : t('manager.common.save')}
          </button>
          <button type="button" className="btn btn--big" disabled={test.busy || form.kind === 'none'} data-testid="printer-test" onClick={() => void runTest()}>
            {test.busy ? t('manager.printer.testing') : t('manager.printer.test')}
          </button>
          {dirty && <span className="mgr-muted">{t('manager.printer.unsavedTest')}</span>}
        </div>
        <OutcomeNotice outcome={save.outcome} onClose={() => save.setOutcome(null)} testId="printer-save-message" />
        <OutcomeNotice outcome={test.outcome} onClose={() => test.setOutcome(null)} testId="printer-test-message" />
      </form>
    </section>
  );
}
