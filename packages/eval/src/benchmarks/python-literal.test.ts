/** Python list literals as pandas writes them into VLMEvalKit TSV cells; expected values by hand. */
import { describe, expect, it } from 'vitest';
import { PythonLiteralError, parsePythonList } from './python-literal.js';

describe('parsePythonList', () => {
  it('reads lists of single- and double-quoted strings', () => {
    expect(parsePythonList("['yes', 'yes', 'no']")).toEqual(['yes', 'yes', 'no']);
    expect(parsePythonList(`["it's", 'say "hi"']`)).toEqual(["it's", 'say "hi"']);
    expect(parsePythonList("[ 'a' ,'b',]")).toEqual(['a', 'b']);
    expect(parsePythonList('[]')).toEqual([]);
  });

  it('decodes escapes like Python', () => {
    expect(parsePythonList(String.raw`['it\'s']`)).toEqual(["it's"]);
    expect(parsePythonList(String.raw`['a\\b']`)).toEqual(['a\\b']); // one backslash
    expect(parsePythonList(String.raw`['\x41\u00e9\n\t\101\U0001F600']`)).toEqual(['Aé\n\tA😀']);
    expect(parsePythonList(String.raw`['a\qb']`)).toEqual(['a\\qb']); // unknown escape keeps '\'
    expect(parsePythonList(String.raw`[u'x', r'\d+']`)).toEqual(['x', '\\d+']);
  });

  it('keeps numbers as their text', () => {
    expect(parsePythonList('[1, 2.5, -3e2]')).toEqual(['1', '2.5', '-3e2']);
  });

  it('returns null for text that is not a list', () => {
    expect(parsePythonList('yes')).toBeNull();
    expect(parsePythonList("'yes'")).toBeNull();
  });

  it('rejects malformed lists', () => {
    expect(() => parsePythonList("['a'")).toThrow(PythonLiteralError);
    expect(() => parsePythonList("['a' 'b']")).toThrow(/expected ',' or '\]'/);
    expect(() => parsePythonList("['a]")).toThrow(/not closed/);
    expect(() => parsePythonList("['a'] x")).toThrow(/after the list/);
    expect(() => parsePythonList(String.raw`['\x4']`)).toThrow(/truncated/);
    expect(() => parsePythonList('[None]')).toThrow(/string or a number/);
  });
});
