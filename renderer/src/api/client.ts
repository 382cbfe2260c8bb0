import type { ApiClient, ApiMethodName, ApiResult } from '../../../electron/api/contract';
import type { ApiErrorDto } from '../../../electron/api/dto';

/**
 * The renderer's typed API client, derived from the contract table's types. The transport is
 * the preload bridge in Electron or fetch against the browser host; the client is the same.
 */
export type Transport = (method: ApiMethodName, input: unknown) => Promise<ApiResult<unknown>>;

/** A typed failure: `code` to branch on, `message.zh` / `message.en` to show. */
export class ApiCallError extends Error {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(error: ApiErrorDto) {
    super(error.message.en);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.zh = error.message.zh;
    this.en = error.message.en;
    this.details = error.details;
  }
}

export function createApiClient(transport: Transport): ApiClient {
  return new Proxy({} as ApiClient, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined;
      return async (input: unknown) => {
        const response = await transport(property as ApiMethodName, input);
        if (!response.ok) throw new ApiCallError(response.error);
        return response.result;
      };
    },
  });
}

/** Browser-host transport: POST /api/<method> with the per-run host token and the session token. */
export function httpTransport(options: { baseUrl: string; hostToken: string; sessionToken: () => string | null }): Transport {
  return async (method, input) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-till-host-token': options.hostToken };
    const token = options.sessionToken();
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      const response = await fetch(`${options.baseUrl}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ input: input ?? {} }),
      });
      return (await response.json()) as ApiResult<unknown>;
    } catch {
      return {
        ok: false,
        error: { code: 'HOST_UNREACHABLE', message: { zh: '无法连接收银主机，请检查程序是否在运行', en: 'Cannot reach the till host; is it running?' } },
      };
    }
  };
}
