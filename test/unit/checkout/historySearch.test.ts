import { describe, expect, it } from 'vitest';
import { interpretHistoryQuery } from '../../../electron/checkout/historySearch';

describe('history search box → criteria', () => {
  it('a full order number is an exact lookup on any day (and still searches the day by its ending)', () => {
    const q = interpretHistoryQuery(' S001-T01-20261123-0012 ');
    expect(q.orderNo).toBe('S001-T01-20261123-0012');
    expect(q.criteria.orderNoPattern).toBe('%S001-T01-20261123-0012%');
    expect(q.criteria.seq).toBeUndefined();
  });

  it('digits are a sequence number, a number ending, an amount prefix in yuan and a product text at once', () => {
    const q = interpretHistoryQuery('12');
    expect(q.orderNo).toBeNull();
    expect(q.criteria).toEqual({ text: '12', seq: 12, orderNoPattern: '%12', totalFen: { from: 1200, to: 1299 } });
  });

  it('yuan amounts narrow as they are typed, in integer fen', () => {
    expect(interpretHistoryQuery('12.').criteria.totalFen).toEqual({ from: 1200, to: 1299 });
    expect(interpretHistoryQuery('12.5').criteria.totalFen).toEqual({ from: 1250, to: 1259 });
    expect(interpretHistoryQuery('12.50').criteria.totalFen).toEqual({ from: 1250, to: 1250 });
    expect(interpretHistoryQuery('¥0.07').criteria.totalFen).toEqual({ from: 7, to: 7 });
    expect(interpretHistoryQuery('￥1234.99').criteria.totalFen).toEqual({ from: 123_499, to: 123_499 });
    // 0.1 + 0.2 style traps: never a float
    expect(interpretHistoryQuery('0.29').criteria.totalFen).toEqual({ from: 29, to: 29 });
    expect(interpretHistoryQuery('12.345').criteria.totalFen).toBeUndefined();
    expect(interpretHistoryQuery('1,200').criteria.totalFen).toBeUndefined();
  });

  it('letters are also pinyin / initials prefixes; wildcards are matched literally', () => {
    expect(interpretHistoryQuery('KKKL').criteria).toEqual({ text: 'KKKL', pinyinPrefix: 'kkkl' });
    expect(interpretHistoryQuery('可乐').criteria).toEqual({ text: '可乐' });
    expect(interpretHistoryQuery('50%_off').criteria).toEqual({ text: '50%_off' });
    expect(interpretHistoryQuery('a-b').criteria.orderNoPattern).toBe('%a-b%');
    expect(interpretHistoryQuery('1%-2').criteria.orderNoPattern).toBe('%1\\%-2%');
  });
});
