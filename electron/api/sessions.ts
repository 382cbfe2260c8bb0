import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { clearFailedPins, getUserById, getUserByUsername, lockUser, recordFailedPin, type Role, type UserRow } from '../../db/stores/users';
import { appendAudit } from '../../db/stores/audit';
import { hashPin, verifyPin } from '../../db/pinHash';
import { TillError } from './errors';

export type { Role };

export const ROLE_RANK: Readonly<Record<Role, number>> = { cashier: 1, manager: 2, owner: 3 };
const ROLE_ZH: Readonly<Record<Role, string>> = { cashier: '收银员', manager: '店长', owner: '店主' };

export function hasRole(actual: Role, required: Role): boolean {
  return ROLE_RANK[actual] >= ROLE_RANK[required];
}

export function forbidden(required: Role): TillError {
  return new TillError('FORBIDDEN', { role: required, roleZh: ROLE_ZH[required] });
}

export interface Session {
  token: string;
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  terminalId: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionPolicy {
  maxAttempts(): number;
  lockoutMinutes(): number;
  idleMinutes(): number;
}

export interface Credentials {
  username: string;
  pin: string;
}

/**
 * Log-in by PIN, lockout after repeated wrong PINs (persisted, so restarting the app does not
 * reset the count), manager approval by PIN, and in-memory sessions with an idle timeout.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  /** Hash checked for unknown users so a wrong username costs the same time as a wrong PIN. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly db: Database,
    private readonly policy: SessionPolicy,
    private readonly terminalId: () => string,
    private readonly clock: () => number = Date.now,
  ) {
    this.decoyHash = hashPin(randomBytes(8).toString('hex'));
  }

  private iso(ms = this.clock()): string {
    return new Date(ms).toISOString();
  }

  /** Checks a user's PIN with lockout bookkeeping; the shared path of login and approvals. */
  async checkPin(credentials: Credentials, purpose: 'login' | 'approval'): Promise<UserRow> {
    const user = getUserByUsername(this.db, credentials.username);
    if (!user) {
      await verifyPin(credentials.pin, await this.decoyHash);
      throw new TillError(purpose === 'login' ? 'WRONG_PIN' : 'APPROVAL_INVALID', { remaining: this.policy.maxAttempts() });
    }
    const now = this.clock();
    if (user.locked_until && Date.parse(user.locked_until) > now) {
      throw new TillError('USER_LOCKED', { until: user.locked_until });
    }
    if (!user.active) throw new TillError('USER_INACTIVE');
    const ok = await verifyPin(credentials.pin, user.pin_hash);
    if (!ok) {
      const attempts = this.db.transaction(() => {
        const count = recordFailedPin(this.db, user.id, null, this.iso(now));
        if (count >= this.policy.maxAttempts()) {
          const until = this.iso(now + this.policy.lockoutMinutes() * 60_000);
          lockUser(this.db, user.id, until, this.iso(now));
          appendAudit(this.db, { at: this.iso(now), terminalId: this.terminalId(), userId: user.id, action: 'user.locked', details: { purpose, attempts: count } });
          // The count restarts after the lock so the next window gets the full number of tries.
          this.db.prepare('UPDATE users SET failed_attempts = 0 WHERE id = ?').run(user.id);
          return { locked: until, count };
        }
        return { locked: null, count };
      })();
      if (attempts.locked) throw new TillError('USER_LOCKED', { until: attempts.locked });
      throw new TillError(purpose === 'login' ? 'WRONG_PIN' : 'APPROVAL_INVALID', {
        remaining: this.policy.maxAttempts() - attempts.count,
      });
    }
    clearFailedPins(this.db, user.id, this.iso(now));
    return user;
  }

  async login(credentials: Credentials): Promise<Session> {
    const user = await this.checkPin(credentials, 'login');
    const now = this.clock();
    const session: Session = {
      token: randomBytes(32).toString('base64url'),
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      role: user.role,
      terminalId: this.terminalId(),
      createdAt: now,
      lastSeenAt: now,
    };
    this.sessions.set(session.token, session);
    appendAudit(this.db, { at: this.iso(now), terminalId: session.terminalId, userId: user.id, action: 'user.login' });
    return session;
  }

  logout(token: string): void {
    const session = this.sessions.get(token);
    if (!session) return;
    this.sessions.delete(token);
    appendAudit(this.db, { at: this.iso(), terminalId: session.terminalId, userId: session.userId, action: 'user.logout' });
  }

  /** Resolves a token to a live session, refreshing its idle timer; expired sessions are dropped. */
  resolve(token: string | undefined): Session {
    if (!token) throw new TillError('NOT_LOGGED_IN');
    const session = this.sessions.get(token);
    if (!session) throw new TillError('NOT_LOGGED_IN');
    const now = this.clock();
    if (now - session.lastSeenAt > this.policy.idleMinutes() * 60_000) {
      this.sessions.delete(token);
      throw new TillError('SESSION_EXPIRED');
    }
    // A user disabled or demoted by a manager loses access at their next call.
    const user = getUserById(this.db, session.userId);
    if (!user || !user.active) {
      this.sessions.delete(token);
      throw new TillError('SESSION_EXPIRED');
    }
    session.role = user.role;
    session.lastSeenAt = now;
    return session;
  }

  /** A manager (or owner) types their PIN at the cashier's till to approve one action. */
  async approve(credentials: Credentials | undefined, required: Role = 'manager'): Promise<UserRow> {
    if (!credentials) throw new TillError('APPROVAL_REQUIRED');
    const user = await this.checkPin(credentials, 'approval');
    if (!hasRole(user.role, required)) throw new TillError('APPROVAL_INVALID', { remaining: this.policy.maxAttempts() });
    return user;
  }

  activeSessions(): Session[] {
    return [...this.sessions.values()];
  }
}
