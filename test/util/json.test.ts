import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/util/json.js';

describe('parseJson', () => {
  it('parses any JSON value', () => {
    expect(parseJson('{"a":[1,2]}', 'x.json')).toEqual({ a: [1, 2] });
    expect(parseJson(' 3 ', 'x.json')).toBe(3);
    expect(parseJson('null', 'x.json')).toBeNull();
  });
  it('names where the text came from and keeps the parser error as cause', () => {
    let caught: unknown;
    try {
      parseJson('{"a":', 'runs/a.json:7');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toMatch(/^runs\/a\.json:7: not valid JSON \(.+\)$/);
    expect((caught as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
