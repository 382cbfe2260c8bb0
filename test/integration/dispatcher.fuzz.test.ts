import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHOD_NAMES } from '../../electron/api/contract';
import { ERROR_MESSAGES } from '../../electron/api/errors';
import { startTestCore, PINS, type TestCore } from '../support/core';

/**
 * Thousands of random payloads through the real dispatcher, as any transport could send them:
 * the answer is always a result or a typed error whose code is in the catalogue (never INTERNAL,
 * which would mean an uncaught exception), and the store stays consistent.
 */
let t: TestCore;
const tokens: string[] = [];
const internals: unknown[] = [];

beforeAll(async () => {
  t = await startTestCore();
  tokens.push(await t.login('cashier', PINS.cashier), await t.login('manager', PINS.manager), await t.login('owner', PINS.owner));
});
afterAll(async () => t.cleanup());

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const oddScalars = fc.oneof(
  fc.constantFrom(-1, 0, 1, 1.5, -0, Number.MAX_SAFE_INTEGER, 1e21, NaN, Infinity, '', ' ', '0', '¥12.34', '😀', '\u0000', 'null', '__proto__'),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);
const plausibleInput = fc.dictionary(
  fc.constantFrom('code', 'query', 'limit', 'lineId', 'quantity', 'discount', 'approval', 'orderId', 'tenderedFen', 'amountFen', 'reason', 'key', 'value', 'username', 'pin', 'productId', 'coupon', 'unitPriceFen', 'date', 'state', 'csv', 'userId', 'active', 'role', 'displayName', '__proto__', 'constructor'),
  fc.oneof(oddScalars, jsonValue),
  { maxKeys: 5 },
);

describe('dispatcher fuzz', () => {
  it('answers every random payload with a result or a typed, catalogued error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...API_METHOD_NAMES), fc.string({ maxLength: 30 })),
        fc.oneof(plausibleInput, jsonValue, fc.constant(undefined)),
        fc.oneof(fc.constantFrom(...tokens), fc.constant(undefined), fc.string({ maxLength: 50 })),
        async (method, input, token) => {
          // Logging out would end the fuzzing sessions; everything else is fair game.
          if (method === 'session.logout') return;
          const response = await t.core.dispatcher.dispatch({ method, input, token });
          expect(typeof response.ok).toBe('boolean');
          if (!response.ok) {
            expect(Object.keys(ERROR_MESSAGES)).toContain(response.error.code);
            expect(response.error.message.zh.length).toBeGreaterThan(0);
            expect(response.error.message.en.length).toBeGreaterThan(0);
            if (response.error.code === 'INTERNAL') internals.push({ method, input, response });
          }
          JSON.stringify(response); // must be serialisable for IPC/HTTP
        },
      ),
      { numRuns: 3000, seed: 20261123 },
    );
    expect(internals).toEqual([]);
    expect(t.core.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(t.core.db.pragma('foreign_key_check')).toEqual([]);
  }, 120_000);

  it('survives hostile transports: non-string method names and non-object inputs', async () => {
    for (const method of [undefined, null, 42, {}, [], 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const response = await t.core.dispatcher.dispatch({ method: method as string, input: null, token: tokens[0] });
      expect(response.ok).toBe(false);
    }
  });
});
