import { describe, expect, it } from 'vitest';
import { formatCell, formatNumber } from '../../src/report/format.js';

describe('formatNumber', () => {
  it('groups integers and rounds the rest to `digits` decimals', () => {
    expect(formatNumber(1234567, 3)).toBe('1,234,567');
    expect(formatNumber(0, 3)).toBe('0');
    expect(formatNumber(0.41234, 3)).toBe('0.412');
    expect(formatNumber(41.2, 2)).toBe('41.20');
    expect(formatNumber(-2.25, 1)).toBe('-2.3');
  });
  it('uses exponent form for tiny and huge magnitudes, and names non-finite values', () => {
    expect(formatNumber(0.00012, 3)).toBe('1.20e-4');
    expect(formatNumber(1.5e12 + 0.5, 3)).toBe('1.50e+12');
    expect(formatNumber(1.5e12, 3)).toBe('1,500,000,000,000'); // integers are grouped, never cut
    expect(formatNumber(NaN, 3)).toBe('NaN');
    expect(formatNumber(Infinity, 3)).toBe('∞');
    expect(formatNumber(-Infinity, 3)).toBe('−∞');
  });
  it('formats other values as short text', () => {
    const f = { digits: 3, maxChars: 10 };
    expect(formatCell(null, f)).toEqual({ text: '', kind: 'null' });
    expect(formatCell(true, f).text).toBe('true');
    expect(formatCell(new Float32Array(768), f).text).toBe('Float32Array(768)');
    expect(formatCell({ a: 1 }, f).text).toBe('{"a":1}');
    expect(formatCell('abcdefghijklmnop', f)).toEqual({
      text: 'abcdefghi…',
      full: 'abcdefghijklmnop',
      kind: 'text',
    });
  });
});
