import { describe, expect, it } from 'vitest';
import { ukLocalDateTime } from '../index.js';

const at = (iso: string) => ukLocalDateTime(new Date(iso));

describe('ukLocalDateTime', () => {
  it('is GMT in winter and BST in summer', () => {
    expect(at('2026-01-15T12:34:56Z')).toBe('2026-01-15T12:34:56');
    expect(at('2026-07-15T12:34:56Z')).toBe('2026-07-15T13:34:56');
  });

  it('springs forward at 01:00 UTC on the last Sunday of March (01:00 local → 02:00)', () => {
    expect(at('2026-03-29T00:59:59Z')).toBe('2026-03-29T00:59:59');
    expect(at('2026-03-29T01:00:00Z')).toBe('2026-03-29T02:00:00');
    expect(at('2025-03-30T00:59:59Z')).toBe('2025-03-30T00:59:59');
    expect(at('2025-03-30T01:00:00Z')).toBe('2025-03-30T02:00:00');
  });

  it('falls back at 01:00 UTC on the last Sunday of October (01:59:59 BST → 01:00:00 GMT)', () => {
    expect(at('2026-10-25T00:00:00Z')).toBe('2026-10-25T01:00:00');
    expect(at('2026-10-25T00:59:59Z')).toBe('2026-10-25T01:59:59');
    expect(at('2026-10-25T01:00:00Z')).toBe('2026-10-25T01:00:00');
    expect(at('2026-10-25T01:59:59Z')).toBe('2026-10-25T01:59:59');
    expect(at('2026-10-25T02:00:00Z')).toBe('2026-10-25T02:00:00');
  });

  it('crosses midnight and the year boundary in local time', () => {
    expect(at('2026-06-30T23:30:00Z')).toBe('2026-07-01T00:30:00');
    expect(at('2026-12-31T23:59:59Z')).toBe('2026-12-31T23:59:59');
    expect(at('2027-01-01T00:00:00Z')).toBe('2027-01-01T00:00:00');
  });

  it('matches the GPES-I date-time form and defaults to now', () => {
    const before = ukLocalDateTime();
    expect(before).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('refuses an invalid Date', () => {
    expect(() => ukLocalDateTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
