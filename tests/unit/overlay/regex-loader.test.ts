/**
 * The page side loads the regular-expression engine on demand: only for `matches` rules it
 * evaluates itself, and once per frame.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testPattern } from '../../../src/aids/regex';
import { hasRegexEngine, installRegexEngine } from '../../../src/aids/regex-slot';
import type { ChecklistAid, Completion } from '../../../src/aids/schema';
import { loadRegexEngine, usesRegex } from '../../../src/overlay/regex-loader';
import type { ActiveAid } from '../../../src/protocol/messages';

const active = (...rules: Completion[]): ActiveAid => {
  const aid: ChecklistAid = {
    id: 'c',
    kind: 'checklist',
    title: 'C',
    match: { urls: ['https://crm.test/*'] },
    steps: rules.map((done, i) => ({ id: `s${i}`, text: 'Step', done })),
  };
  return { key: 'p/c', packId: 'p', packVersion: '1.0.0', aid, progress: null };
};

describe('usesRegex', () => {
  it('is true only for a matches rule whose field is in this frame', () => {
    const field = { css: '#zip' };
    expect(usesRegex([active({ type: 'filled', target: field })])).toBe(false);
    expect(usesRegex([active({ type: 'url', pattern: 'https://crm.test/*' })])).toBe(false);
    expect(usesRegex([active({ type: 'matches', target: field, pattern: '^\\d{5}$' })])).toBe(true);
    // Evaluated by the frame it names, which loads the engine for itself.
    const framed = { ...field, frame: { url: 'https://lookup.test/*' } };
    expect(usesRegex([active({ type: 'matches', target: framed, pattern: '^\\d{5}$' })])).toBe(
      false,
    );
  });
});

describe('loadRegexEngine', () => {
  afterEach(() => installRegexEngine(undefined));

  it('asks once per frame, and again only after a failure', async () => {
    const failing = vi.fn(async () => {
      throw new Error('no answer');
    });
    expect(await loadRegexEngine(failing)).toBe(false);
    expect(hasRegexEngine()).toBe(false);

    // The background injects the engine, then answers.
    const ask = vi.fn(async () => {
      installRegexEngine({ test: testPattern });
      return { ok: true };
    });
    const [a, b] = await Promise.all([loadRegexEngine(ask), loadRegexEngine(ask)]);
    expect([a, b]).toEqual([true, true]);
    expect(await loadRegexEngine(ask)).toBe(true);
    expect(ask).toHaveBeenCalledTimes(1);
  });
});
