import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiOutput } from '../../../../electron/api/contract';
import { api, useSession } from '../../api/session';
import { Dialog } from '../../components/Dialog';
import { Badge, Field, OutcomeNotice, Segmented, useAction } from './shared';

type User = ApiOutput<'users.list'>[number];
type Role = User['role'];

const USERNAME = /^[a-zA-Z0-9_.-]{2,32}$/;
const PIN = /^\d{4,8}$/;

function PinInputs({ pin, confirm, onPin, onConfirm, autoFocus }: { pin: string; confirm: string; onPin: (v: string) => void; onConfirm: (v: string) => void; autoFocus?: boolean }) {
  const { t } = useTranslation();
  const digits = (value: string) => value.replace(/\D/g, '').slice(0, 8);
  return (
    <div className="mgr-row">
      <Field label={t('manager.users.pin')} hint={t('manager.users.pinHint')}>
        <input
          className="mgr-input pin-field"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          autoFocus={autoFocus}
          value={pin}
          data-testid="user-form-pin"
          onChange={(e) => onPin(digits(e.target.value))}
        />
      </Field>
      <Field label={t('manager.users.pinConfirm')}>
        <input
          className="mgr-input pin-field"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          value={confirm}
          data-testid="user-form-pin-confirm"
          onChange={(e) => onConfirm(digits(e.target.value))}
        />
      </Field>
    </div>
  );
}

function CreateUserDialog({
  canCreateOwner,
  existing,
  onClose,
  onCreated,
}: {
  canCreateOwner: boolean;
  existing: readonly User[];
  onClose: () => void;
  onCreated: (user: User) => void;
}) {
  const { t } = useTranslation();
  const { busy, outcome, setOutcome, run } = useAction();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('cashier');
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');

  const submit = async () => {
    if (!USERNAME.test(username.trim())) return setOutcome({ kind: 'error', text: t('manager.users.usernameInvalid') });
    // The store refuses a duplicate too, but only as a generic constraint failure: say it plainly first.
    if (existing.some((u) => u.username.toLowerCase() === username.trim().toLowerCase())) {
      return setOutcome({ kind: 'error', text: t('manager.users.usernameTaken', { username: username.trim() }) });
    }
    if (!displayName.trim()) return setOutcome({ kind: 'error', text: t('manager.users.displayNameMissing') });
    if (!PIN.test(pin)) return setOutcome({ kind: 'error', text: t('manager.users.pinInvalid') });
    if (pin !== confirm) return setOutcome({ kind: 'error', text: t('manager.users.pinMismatch') });
    const created = await run(() => api['users.create']({ username: username.trim(), displayName: displayName.trim(), role, pin }));
    if (created) onCreated(created);
  };

  return (
    <Dialog title={t('manager.users.createTitle')} onClose={onClose} wide>
      <form
        className="mgr-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="mgr-row">
          <Field label={t('manager.users.username')} hint={t('manager.users.usernameHint')}>
            <input
              className="mgr-input"
              autoFocus
              autoCapitalize="off"
              autoComplete="off"
              spellCheck={false}
              value={username}
              data-testid="user-form-username"
              onChange={(e) => setUsername(e.target.value)}
            />
          </Field>
          <Field label={t('manager.users.displayName')}>
            <input className="mgr-input" value={displayName} maxLength={64} data-testid="user-form-display-name" onChange={(e) => setDisplayName(e.target.value)} />
          </Field>
        </div>
        <Field label={t('manager.users.role')}>
          <Segmented<Role>
            label={t('manager.users.role')}
            value={role}
            onChange={setRole}
            testIdPrefix="user-form-role"
            options={[
              { value: 'cashier', label: t('manager.roles.cashier') },
              { value: 'manager', label: t('manager.roles.manager') },
              { value: 'owner', label: t('manager.roles.owner'), disabled: !canCreateOwner },
            ]}
          />
        </Field>
        <PinInputs pin={pin} confirm={confirm} onPin={setPin} onConfirm={setConfirm} />
        <OutcomeNotice outcome={outcome} onClose={() => setOutcome(null)} testId="user-form-message" />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="user-form-submit">
            {busy ? t('common.working') : t('manager.users.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function SetPinDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { busy, outcome, setOutcome, run } = useAction();
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const submit = async () => {
    if (!PIN.test(pin)) return setOutcome({ kind: 'error', text: t('manager.users.pinInvalid') });
    if (pin !== confirm) return setOutcome({ kind: 'error', text: t('manager.users.pinMismatch') });
    const done = await run(() => api['users.setPin']({ userId: user.id, pin }));
    if (done) onDone();
  };
  return (
    <Dialog title={t('manager.users.pinTitle', { name: user.displayName })} onClose={onClose}>
      <form
        className="mgr-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="dialog-note">{t('manager.users.pinNote', { username: user.username })}</p>
        <PinInputs pin={pin} confirm={confirm} onPin={setPin} onConfirm={setConfirm} autoFocus />
        <OutcomeNotice outcome={outcome} onClose={() => setOutcome(null)} testId="user-pin-message" />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="user-pin-submit">
            {busy ? t('common.working') : t('manager.users.savePin')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Users and PINs: list, create, change a PIN, enable/disable. */
export function UsersTab() {
  const { t } = useTranslation();
  const session = useSession();
  const { busy, outcome, setOutcome, run } = useAction();
  const [users, setUsers] = useState<User[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [pinFor, setPinFor] = useState<User | null>(null);

  const load = useCallback(async () => {
    const list = await run(() => api['users.list']({}));
    if (list) setUsers(list);
  }, [run]);

  useEffect(() => {
    void load();
  }, [load]);

  const isOwner = session?.user.role === 'owner';
  const toggle = async (user: User) => {
    const next = !user.active;
    const done = await run(
      () => api['users.setActive']({ userId: user.id, active: next }),
      () => t(next ? 'manager.users.enabled' : 'manager.users.disabled', { name: user.displayName }),
    );
    if (done) {
      const list = await api['users.list']({}).catch(() => null);
      if (list) setUsers(list);
    }
  };

  return (
    <section className="mgr-panel" aria-labelledby="mgr-users-title">
      <div className="mgr-panel-head">
        <div>
          <h2 id="mgr-users-title">{t('manager.users.title')}</h2>
          <p className="mgr-lead">{t('manager.users.lead')}</p>
        </div>
        <button type="button" className="btn btn--primary" data-testid="user-create" onClick={() => setCreating(true)}>
          + {t('manager.users.create')}
        </button>
      </div>
      <OutcomeNotice outcome={outcome} onClose={() => setOutcome(null)} testId="users-message" />
      {users === null ? (
        <p className="mgr-empty">{outcome?.kind === 'error' ? t('manager.common.loadFailed') : t('common.working')}</p>
      ) : (
        <div className="mgr-table-wrap">
          <table className="mgr-table" data-testid="users-table">
            <thead>
              <tr>
                <th>{t('manager.users.displayName')}</th>
                <th>{t('manager.users.username')}</th>
                <th>{t('manager.users.role')}</th>
                <th>{t('manager.users.status')}</th>
                <th className="mgr-actions-col">{t('manager.common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => {
                const protectedOwner = user.role === 'owner' && !isOwner;
                const self = user.id === session?.user.id;
                return (
                  <tr key={user.id} data-testid={`user-row-${user.username}`} className={user.active ? '' : 'mgr-row--off'}>
                    <td className="mgr-strong">
                      {user.displayName}
                      {self && <span className="mgr-you">{t('manager.users.you')}</span>}
                    </td>
                    <td className="mgr-mono">{user.username}</td>
                    <td>
                      <Badge tone={user.role === 'cashier' ? 'muted' : 'info'}>{t(`manager.roles.${user.role}`)}</Badge>
                    </td>
                    <td>
                      {!user.active ? (
                        <Badge tone="bad">{t('manager.users.statusDisabled')}</Badge>
                      ) : user.locked ? (
                        <Badge tone="warn">{t('manager.users.statusLocked')}</Badge>
                      ) : (
                        <Badge tone="ok">{t('manager.users.statusActive')}</Badge>
                      )}
                    </td>
                    <td className="mgr-actions-col">
                      <div className="mgr-actions">
                        <button
                          type="button"
                          className="btn"
                          disabled={protectedOwner}
                          title={protectedOwner ? t('manager.users.ownerOnly') : undefined}
                          data-testid={`user-pin-${user.username}`}
                          onClick={() => setPinFor(user)}
                        >
                          {t('manager.users.changePin')}
                        </button>
                        <button
                          type="button"
                          className={user.active ? 'btn btn--danger-outline' : 'btn'}
                          disabled={busy || protectedOwner || (self && user.active)}
                          title={protectedOwner ? t('manager.users.ownerOnly') : self ? t('manager.users.notSelf') : undefined}
                          data-testid={`user-toggle-${user.username}`}
                          onClick={() => void toggle(user)}
                        >
                          {user.active ? t('manager.users.disable') : t('manager.users.enable')}
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateUserDialog
          canCreateOwner={isOwner}
          existing={users ?? []}
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            setOutcome({ kind: 'ok', text: t('manager.users.created', { name: user.displayName, username: user.username }) });
            void api['users.list']({}).then(setUsers, () => undefined);
          }}
        />
      )}
      {pinFor && (
        <SetPinDialog
          user={pinFor}
          onClose={() => setPinFor(null)}
          onDone={() => {
            setOutcome({ kind: 'ok', text: t('manager.users.pinChanged', { name: pinFor.displayName }) });
            setPinFor(null);
          }}
        />
      )}
    </section>
  );
}
