/**
 * The page side loads the regular-expression engine on demand: the first time a value that
 * is not blank is to be tested on a pattern, and once per frame.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testPattern } from '../../../src/aids/regex';
import {
  hasRegexEngine,
  installRegexEngine,
  patternMatches,
  patternVerdict,
  whenRegexWanted,
} from '../../../src/aids/regex-slot';
import { wantRegexEngine } from '../../../src/overlay/regex-loader';

describe('the engine slot', () => {
  afterEach(() => {
    installRegexEngine(undefined);
    whenRegexWanted(undefined);
  });

  it('asks for the engine only when a value that is not blank is to be tested', () => {
    const wanted = vi.fn();
    whenRegexWanted(wanted);
    // A blank field matches no pattern, whatever the pattern: nothing to load.
    expect(patternMatches('^\\s*$', '')).toBe(false);
    expect(patternMatches('.*', '   ')).toBe(false);
    expect(wanted).not.toHaveBeenCalled();
    // A value to test: unknown until the engine is here, which is asked for.
    expect(patternVerdict('^\\d{5}$', '12345')).toBe(null);
    expect(patternMatches('^\\d{5}$', '12345')).toBe(false);
    expect(wanted).toHaveBeenCalledTimes(2);
  });

  it('answers from the engine once it is installed, without asking', () => {
    const wanted = vi.fn();
    whenRegexWanted(wanted);
    installRegexEngine({ test: testPattern });
    expect(patternVerdict('^\\d{5}$', '12345')).toBe(true);
    expect(patternMatches('^\\d{5}$', '1234')).toBe(false);
    expect(patternMatches('(?i)^park\\s+row$', 'Park Row')).toBe(true);
    expect(wanted).not.toHaveBeenCalled();
  });

  it('says false when the engine throws', () => {
    installRegexEngine({
      test: () => {
        throw new Error('broken');
      },
    });
    expect(patternVerdict('a', 'a')).toBe(false);
  });
});

describe('wantRegexEngine', () => {
  afterEach(() => installRegexEngine(undefined));

  it('asks once per frame however many values want it, and again only after a failure', async () => {
    const loaded = vi.fn();
    const failing = vi.fn(async () => {
      throw new Error('no answer');
    });
    expect(await wantRegexEngine(failing, loaded)).toBe(false);
    expect(hasRegexEngine()).toBe(false);
    expect(loaded).not.toHaveBeenCalled();

    // The background injects the engine, then answers.
    const ask = vi.fn(async () => {
      installRegexEngine({ test: testPattern });
      return { ok: true };
    });
    const first = wantRegexEngine(ask, loaded);
    // Values that want it while it is on its way start nothing more.
    expect(wantRegexEngine(ask, loaded)).toBe(null);
    expect(await first).toBe(true);
    expect(loaded).toHaveBeenCalledTimes(1);
    // Once here, nothing is asked for and nothing is called back.
    expect(wantRegexEngine(ask, loaded)).toBe(null);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(loaded).toHaveBeenCalledTimes(1);
  });
});
