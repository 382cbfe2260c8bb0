import { describe, expect, it } from 'vitest';
import { ORDER_STATES, ORDER_TRANSITIONS, assertTransition, canTransition } from '../../../electron/checkout/orderStates';
import { TillError } from '../../../electron/api/errors';

describe('order state table', () => {
  it('covers exactly the states of the schema', () => {
    expect([...ORDER_STATES].sort()).toEqual(
      ['cancelled', 'completed', 'in_progress', 'paid', 'partially_refunded', 'paying', 'pending_payment', 'refunded'].sort(),
    );
  });

  it('makes cancelled and refunded terminal', () => {
    expect(ORDER_TRANSITIONS.cancelled).toEqual([]);
    expect(ORDER_TRANSITIONS.refunded).toEqual([]);
  });

  it('never lets a paid order be cancelled (money taken must be refunded instead)', () => {
    for (const from of ['paid', 'in_progress', 'completed', 'partially_refunded'] as const) {
      expect(canTransition(from, 'cancelled')).toBe(false);
    }
  });

  it('throws a typed bilingual error for every illegal pair and nothing for legal ones', () => {
    for (const from of ORDER_STATES) {
      for (const to of ORDER_STATES) {
        if (ORDER_TRANSITIONS[from].includes(to)) {
          expect(() => assertTransition(from, to)).not.toThrow();
        } else {
          try {
            assertTransition(from, to);
            expect.fail(`${from} → ${to} should be illegal`);
          } catch (error) {
            expect(error).toBeInstanceOf(TillError);
            const typed = error as TillError;
            expect(typed.code).toBe('ILLEGAL_TRANSITION');
            expect(typed.messages.en).toContain(from);
            expect(typed.messages.zh).toMatch(/订单状态不允许此操作/);
          }
        }
      }
    }
  });
});
