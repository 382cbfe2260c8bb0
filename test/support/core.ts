import { createCore, type Core } from '../../electron/core/createCore';
import type { ApiMethodName, ApiResult } from '../../electron/api/contract';
import { getUserByUsername } from '../../db/stores/users';
import { tempDir } from './tempDb';

export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
}

/** A controllable wall clock, starting at a fixed instant (2026-11-23 09:00 Beijing time). */
export function testClock(start = Date.parse('2026-11-23T01:00:00.000Z')): TestClock {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms), set: (ms) => (current = ms) };
}

export interface TestCore {
  core: Core;
  file: string;
  clock: TestClock;
  call: (method: ApiMethodName | string, input?: unknown, token?: string) => Promise<ApiResult<unknown>>;
  ok: <T = unknown>(method: ApiMethodName, input?: unknown, token?: string) => Promise<T>;
  login: (username: string, pin: string) => Promise<string>;
  reopen: () => Promise<TestCore>;
  cleanup: () => Promise<void>;
}

/**
 * Opens a shift (the drawer) on the demo terminal as the demo manager, with `floatFen` counted,
 * unless one is already open: no sale goes through without one. Returns the open shift's id.
 */
export function openDemoShift(core: Core, floatFen = 0): string {
  const terminalId = core.identity().terminalId;
  const open = core.shifts.current(terminalId);
  if (open) return open.id;
  const manager = getUserByUsername(core.db, 'manager');
  if (!manager) throw new Error('the demo manager is missing');
  return core.shifts.open({ userId: manager.id, terminalId, managerId: manager.id, approverId: null }, { totalFen: floatFen }).shiftId;
}

/**
 * A real core on a fresh SQLite file with the demo store, users and catalog. By default a shift is
 * open on the demo terminal (float 0, opened by the demo manager) so tests can sell; `shift: false`
 * starts without one (the till refuses sales until a manager opens a shift).
 */
export async function startTestCore(
  options: { clock?: TestClock; file?: string; cleanup?: () => void; extra?: Partial<Parameters<typeof createCore>[0]>; shift?: boolean } = {},
): Promise<TestCore> {
  const clock = options.clock ?? testClock();
  let file = options.file;
  let cleanupDir = options.cleanup ?? (() => {});
  if (!file) {
    const dir = tempDir();
    file = dir.file('till.sqlite');
    cleanupDir = dir.cleanup;
  }
  const core = await createCore({ dbFile: file, demo: true, clock: clock.now, logger: () => {}, ...options.extra });
  if (options.shift !== false) openDemoShift(core);
  const call = (method: string, input: unknown = {}, token?: string) => core.dispatcher.dispatch({ method, input, token });
  const ok = async <T,>(method: ApiMethodName, input: unknown = {}, token?: string): Promise<T> => {
    const response = await call(method, input, token);
    if (!response.ok) throw new Error(`${method} failed: ${response.error.code} ${response.error.message.en}`);
    return response.result as T;
  };
  const testCore: TestCore = {
    core,
    file,
    clock,
    call,
    ok,
    login: async (username, pin) => (await ok<{ token: string }>('session.login', { username, pin })).token,
    reopen: async () => {
      await core.close();
      return startTestCore({ clock, file: file!, cleanup: cleanupDir, ...(options.extra ? { extra: options.extra } : {}), ...(options.shift === false ? { shift: false } : {}) });
    },
    cleanup: async () => {
      try {
        await core.close();
      } catch {
        /* already closed */
      }
      cleanupDir();
    },
  };
  return testCore;
}

export const PINS = { owner: '8888', manager: '6666', cashier: '1234' } as const;
