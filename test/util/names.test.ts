import { describe, expect, it } from 'vitest';
import { checkName, isOneOf, nameList, unknownName } from '../../src/util/names.js';

describe('nameList', () => {
  it('keeps the order and is frozen', () => {
    const names = nameList('b', 'a', 'c');
    expect(names).toEqual(['b', 'a', 'c']);
    expect(Object.isFrozen(names)).toBe(true);
  });
});

describe('isOneOf', () => {
  const names = nameList('kl', 'mse');
  it('accepts listed names only, case-sensitively', () => {
    expect(isOneOf(names, 'kl')).toBe(true);
    expect(isOneOf(names, 'KL')).toBe(false);
    expect(isOneOf(names, 'kl ')).toBe(false);
    expect(isOneOf(names, '')).toBe(false);
    // Inherited array members are not names.
    expect(isOneOf(names, 'length')).toBe(false);
  });
});

describe('unknownName', () => {
  it('names what, the given value and the allowed ones', () => {
    expect(unknownName('loss', 'kld', ['kl', 'mse']).message).toBe(
      'unknown loss "kld"; allowed: kl, mse',
    );
  });
  it('puts `where` first', () => {
    expect(unknownName('backend', 'gpu', ['wasm', 'cpu'], 'KALELAB_BACKEND').message).toBe(
      'KALELAB_BACKEND: unknown backend "gpu"; allowed: wasm, cpu',
    );
  });
});

describe('checkName', () => {
  it('returns a listed name and throws the unknownName error for any other', () => {
    const engines = nameList('auto', 'tfjs');
    expect(checkName('engine', 'tfjs', engines, '--engine')).toBe('tfjs');
    expect(() => checkName('engine', 'TFJS', engines, '--engine')).toThrow(
      '--engine: unknown engine "TFJS"; allowed: auto, tfjs',
    );
  });
});
