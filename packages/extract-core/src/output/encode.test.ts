import { describe, expect, it } from 'vitest';
import { encodeNumber } from './encode.js';

describe('GPES-I-Numeric-Type encoding (§5.3)', () => {
  it('writes integers and decimals without exponent or trailing zeros', () => {
    expect(encodeNumber(0)).toBe('0');
    expect(encodeNumber(-0)).toBe('0');
    expect(encodeNumber(48)).toBe('48');
    expect(encodeNumber(7.5)).toBe('7.5');
    expect(encodeNumber(-12.25)).toBe('-12.25');
    expect(encodeNumber(1e-7)).toBe('0');
    expect(encodeNumber(1.5e9)).toBe('1500000000');
  });

  it('rounds to 4 decimal places, halves away from zero, on the decimal representation', () => {
    expect(encodeNumber(1.23455)).toBe('1.2346');
    expect(encodeNumber(-1.23455)).toBe('-1.2346');
    expect(encodeNumber(1.23454)).toBe('1.2345');
    expect(encodeNumber(0.00005)).toBe('0.0001');
    expect(encodeNumber(-0.00004)).toBe('0');
    expect(encodeNumber(9.99995)).toBe('10');
    expect(encodeNumber(2.675)).toBe('2.675');
  });

  it('refuses values that do not fit 10 integer digits, and non-finite values', () => {
    expect(encodeNumber(9999999999.9999)).toBe('9999999999.9999');
    expect(encodeNumber(9999999999.99995)).toBeNull();
    expect(encodeNumber(12345678901)).toBeNull();
    expect(encodeNumber(1e21)).toBeNull();
    expect(encodeNumber(Number.NaN)).toBeNull();
    expect(encodeNumber(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
