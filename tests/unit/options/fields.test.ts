/**
 * The words of the settings form: a person reading them learns what each authoring switch
 * does, and nothing describes a released feature as still to come.
 */
import { describe, expect, it } from 'vitest';
import { FIELDS, GROUPS } from '../../../src/options/fields';

const texts = [
  ...GROUPS.flatMap((g) => [g.legend, g.help ?? '']),
  ...Object.values(FIELDS).flatMap((f) => [f.label, f.help ?? '']),
];

describe('settings fields', () => {
  it('never speak of a feature as not released', () => {
    for (const text of texts)
      expect(text).not.toMatch(/not (yet )?released|released yet|coming soon/i);
  });

  it('explain each authoring setting', () => {
    expect(GROUPS.find((g) => g.id === 'authoring')?.help).toMatch(/Aids tab/);
    const authoring = Object.values(FIELDS).filter((f) => f.group === 'authoring');
    expect(authoring.length).toBeGreaterThan(0);
    for (const f of authoring) expect(f.help, f.label).toBeTruthy();
  });
});
