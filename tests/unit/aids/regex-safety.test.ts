import { describe, expect, it } from 'vitest';
import { nestedRepetition } from '../../../src/aids/regex-safety';

describe('nestedRepetition', () => {
  it('finds a repeated group that repeats inside, however deep', () => {
    for (const p of [
      '^(a+)+$',
      '(a*)*',
      '^(\\w+\\s?)*$',
      '((ab)+c?)+',
      '(?:x|y+)*z',
      '^((a+))*$',
      '(\\d+){2,}',
      '(a+){1,50}',
      '^([a-z0-9]+[._-]?)+@',
    ]) {
      expect(nestedRepetition(p), p).toMatch(/^nested repetition/);
    }
    expect(nestedRepetition('^x(a+)+$')).toBe('nested repetition "(a+)+" at character 3');
  });

  it('accepts single repetition, bounded nesting and what only looks nested', () => {
    for (const p of [
      '^[^\\s@]+@[^\\s@]+\\.[^\\s@]{2,}$',
      '^\\d{5}(-\\d{4})?$',
      '(ab)+',
      '(a+b)?',
      '(\\d+,){2}',
      '[(a+)]+',
      '\\(a+\\)+',
      '\\Q(a+)\\E+',
      '^[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}$',
      '(?P<area>\\d{3})-\\d+',
    ]) {
      expect(nestedRepetition(p), p).toBeNull();
    }
  });
});
