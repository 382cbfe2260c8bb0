import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { API, type ApiMethodName, type ApiOutput, type ApiResult } from './contract';
import { HANDLERS, type HandlerContext } from './handlers';
import { TillError, isTillError } from './errors';
import { forbidden, hasRole, type Session } from './sessions';
import type { Core } from '../core/createCore';
import { NewerDatabaseError } from '../../db/migrate';

export interface DispatchRequest {
  method: string;
  input: unknown;
  /** Session token; absent for log-in. */
  token?: string | undefined;
}

export type Logger = (entry: { level: 'error' | 'warn'; ref: string; method: string; message: string; stack?: string }) => void;

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
}

function isMethodName(name: string): name is ApiMethodName {
  return Object.hasOwn(API, name);
}

/**
 * The single entry point for IPC and the browser host: validates input with the method's schema,
 * resolves the session and checks its role, calls the handler, and turns every failure into a
 * typed error. It never throws, so a bad payload from any transport cannot crash the main process.
 */
export class Dispatcher {
  constructor(
    private readonly core: Core,
    private readonly log: Logger = (entry) => console.error(`[till] ${entry.level} ${entry.ref} ${entry.method}: ${entry.message}`),
  ) {}

  async dispatch(request: DispatchRequest): Promise<ApiResult<unknown>> {
    const methodName = typeof request.method === 'string' ? request.method.slice(0, 100) : String(request.method);
    try {
      const result = await this.run(methodName, request);
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error: this.toApiError(error, methodName).toApiError() };
    }
  }

  /** Typed convenience for in-process callers (tests, benchmarks). Throws TillError. */
  async call<K extends ApiMethodName>(method: K, input: unknown, token?: string): Promise<ApiOutput<K>> {
    const response = await this.dispatch({ method, input, token });
    if (!response.ok) throw Object.assign(new TillError(response.error.code as never, response.error.details), {});
    return response.result as ApiOutput<K>;
  }

  private async run(methodName: string, request: DispatchRequest): Promise<unknown> {
    if (!isMethodName(methodName)) throw new TillError('UNKNOWN_METHOD', { method: methodName });
    const spec = API[methodName];
    let session: Session | null = null;
    // Role first, then input: an anonymous caller learns nothing about a method's schema.
    if (spec.role !== null) {
      session = this.core.sessions.resolve(typeof request.token === 'string' ? request.token : undefined);
      if (!hasRole(session.role, spec.role)) throw forbidden(spec.role);
    }
    const parsed = spec.input.safeParse(request.input ?? {});
    if (!parsed.success) throw new TillError('VALIDATION_FAILED', { summary: summarise(parsed.error), issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message })) });
    const context: HandlerContext = { core: this.core, session };
    const handler = HANDLERS[methodName] as (ctx: HandlerContext, input: unknown) => unknown;
    return await handler(context, parsed.data);
  }

  private toApiError(error: unknown, method: string): TillError {
    if (isTillError(error)) return error;
    if (error instanceof NewerDatabaseError) {
      return new TillError('DATABASE_TOO_NEW', { databaseVersion: error.databaseVersion, appVersion: error.appVersion });
    }
    // Constraint failures raised by the store's triggers and CHECKs mean the input was refused
    // as a whole (the transaction rolled back), not that the app is broken.
    const message = error instanceof Error ? error.message : String(error);
    if (/SQLITE_CONSTRAINT|constraint failed|REFUND_EXCEEDS_PAID/.test(message) || (error as { code?: string })?.code?.startsWith?.('SQLITE_CONSTRAINT')) {
      return new TillError('VALIDATION_FAILED', { summary: message.replace(/^.*?: /, '').slice(0, 200) });
    }
    const ref = randomBytes(4).toString('hex');
    this.log({ level: 'error', ref, method, message, ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
    return new TillError('INTERNAL', { ref });
  }
}
