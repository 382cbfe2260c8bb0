import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TillError } from '../../../electron/api/errors';
import {
  DEFAULT_WEIGHED_BARCODE_RULES,
  ean13CheckDigit,
  gtinCheckDigit,
  isValidGtin,
  makeWeighedBarcode,
  normaliseScannerInput,
  parseWeighedBarcode,
  upcEanTwin,
  weighedBarcodeRulesSchema,
  withCheckDigit,
  type WeighedBarcodeRule,
} from '../../../electron/checkout/barcode';

const digits = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

function errorOf(fn: () => unknown): TillError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TillError) return error;
    throw error;
  }
  throw new Error('expected a TillError');
}

describe('GTIN check digits', () => {
  it.each([
    // Textbook examples (EAN-13 4006381333931, UPC-A 036000291452, EAN-8 96385074), then two by hand.
    ['400638133393', 1],
    ['03600029145', 2],
    ['9638507', 4],
    ['1001234567890', 2],
    ['690123456789', 2],
  ])('check digit of %s is %i', (body, check) => {
    expect(gtinCheckDigit(body)).toBe(check);
    expect(isValidGtin(`${body}${check}`)).toBe(true);
  });

  it('ean13CheckDigit insists on 12 digits', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1);
    expect(() => ean13CheckDigit('40063813339')).toThrow(RangeError);
    expect(() => gtinCheckDigit('12a')).toThrow(RangeError);
  });

  it('any 12 digits plus their computed check digit validate', () => {
    fc.assert(
      fc.property(digits(12), (body) => {
        expect(isValidGtin(`${body}${ean13CheckDigit(body)}`)).toBe(true);
      }),
    );
  });

  it('any single-digit change of a valid EAN-13 fails', () => {
    fc.assert(
      fc.property(digits(12), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 9 }), (body, position, delta) => {
        const code = withCheckDigit(body);
        const changed = (Number(code[position]) + delta) % 10;
        const mutated = `${code.slice(0, position)}${changed}${code.slice(position + 1)}`;
        expect(isValidGtin(mutated)).toBe(false);
      }),
    );
  });

  it('also validates EAN-8, UPC-A and GTIN-14 lengths, and nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 11, 13), (length) => {
        const body = '1'.repeat(length);
        expect(isValidGtin(withCheckDigit(body))).toBe(true);
      }),
    );
    expect(isValidGtin(withCheckDigit('12345678901234'.slice(0, 9)))).toBe(false); // 10 digits
    expect(isValidGtin('')).toBe(false);
    expect(isValidGtin('690123456789X')).toBe(false);
    expect(isValidGtin('６９０１２３４５６７８９２')).toBe(false); // full-width: normalise first
  });

  it('knows a UPC-A and its EAN-13 spelling as twins', () => {
    expect(upcEanTwin('036000291452')).toBe('0036000291452');
    expect(upcEanTwin('0036000291452')).toBe('036000291452');
    expect(upcEanTwin('6901234567892')).toBeNull();
    expect(upcEanTwin('12345678')).toBeNull();
  });
});

describe('normaliseScannerInput', () => {
  it.each([
    ['6901234567892\r\n', '6901234567892'],
    ['\t 6901234567892 \n', '6901234567892'],
    ['\u0002690123\u001d4567892\u0003', '6901234567892'],
    ['６９０１２３４５６７８９２', '6901234567892'], // IME in full-width mode
    [']E06901234567892', '6901234567892'], // AIM symbology identifier
    [']C1ABC-123', ']C1ABC-123'], // not followed by digits only: left alone
    ['SKU-001\r', 'SKU-001'],
  ])('%j → %j', (raw, clean) => {
    expect(normaliseScannerInput(raw)).toBe(clean);
  });
});

describe('weighed and priced scale labels', () => {
  const rules = DEFAULT_WEIGHED_BARCODE_RULES;

  it('reads a price label (default 20–27): PLU and total in fen', () => {
    // 2 2 | 0 1 2 3 4 | 0 1 2 5 0 | check
    const code = withCheckDigit('220123401250');
    expect(parseWeighedBarcode(code, rules)).toEqual({ plu: '01234', kind: 'price', priceFen: 1250 });
  });

  it('reads a weight label (default 28–29): PLU and grams', () => {
    const code = withCheckDigit('281000100735');
    expect(code).toBe('2810001007353'); // the example in docs/catalog-csv.md
    expect(parseWeighedBarcode(code, rules)).toEqual({ plu: '10001', kind: 'weight', grams: 735 });
  });

  it('ignores codes no rule claims', () => {
    expect(parseWeighedBarcode(withCheckDigit('690123456789'), rules)).toBeNull();
    expect(parseWeighedBarcode('2812345', rules)).toBeNull(); // not 13 digits
    expect(parseWeighedBarcode('28100010073X', rules)).toBeNull();
  });

  it('a wrong check digit on a claimed label is BARCODE_INVALID, not a miss', () => {
    const good = withCheckDigit('281000100735');
    const bad = `${good.slice(0, 12)}${(Number(good[12]) + 1) % 10}`;
    expect(errorOf(() => parseWeighedBarcode(bad, rules)).code).toBe('BARCODE_INVALID');
  });

  it('follows custom rules: a 4-digit PLU and a 6-digit weight after prefix 2', () => {
    const custom: WeighedBarcodeRule[] = [{ prefixes: ['2'], pluStart: 1, pluLength: 4, valueStart: 6, valueLength: 6, valueKind: 'weight' }];
    expect(weighedBarcodeRulesSchema.safeParse(custom).success).toBe(true);
    const code = makeWeighedBarcode(custom[0]!, '2', 42, 12_345);
    expect(code).toBe(withCheckDigit('200420012345'));
    expect(parseWeighedBarcode(code, custom)).toEqual({ plu: '0042', kind: 'weight', grams: 12_345 });
    expect(parseWeighedBarcode(code, [])).toBeNull();
  });

  it('makeWeighedBarcode round-trips through parseWeighedBarcode', () => {
    fc.assert(
      fc.property(fc.constantFrom(...rules), fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99_999 }), (rule, plu, value) => {
        const prefix = rule.prefixes[plu % rule.prefixes.length]!;
        const label = parseWeighedBarcode(makeWeighedBarcode(rule, prefix, plu, value), rules);
        expect(label?.plu).toBe(String(plu).padStart(5, '0'));
        expect(label?.kind === 'price' ? label.priceFen : label?.grams).toBe(value);
      }),
    );
  });

  it('the settings schema accepts the defaults and refuses broken layouts', () => {
    expect(weighedBarcodeRulesSchema.parse(DEFAULT_WEIGHED_BARCODE_RULES)).toEqual(DEFAULT_WEIGHED_BARCODE_RULES);
    const base: WeighedBarcodeRule = { prefixes: ['28'], pluStart: 2, pluLength: 5, valueStart: 7, valueLength: 5, valueKind: 'weight' };
    const refused: unknown[] = [
      [{ ...base, valueLength: 6 }], // runs into the check digit
      [{ ...base, valueStart: 5 }], // overlaps the PLU
      [{ ...base, pluStart: 1 }], // overlaps the prefix
      [{ ...base, prefixes: [] }],
      [{ ...base, prefixes: ['2x'] }],
      [{ ...base, valueKind: 'volume' }],
      [{ ...base, extra: true }],
      [base, { ...base, prefixes: ['2'] }], // '2' and '28' claim the same labels
    ];
    for (const rules of refused) expect(weighedBarcodeRulesSchema.safeParse(rules).success).toBe(false);
  });
});
