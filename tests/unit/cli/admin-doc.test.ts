/**
 * docs/admin.md stays true to the settings contract: every policy example sets every setting
 * with a value the extension accepts, the settings table lists exactly the real keys, and the
 * guide's links and Markdown follow the rules of the other guides.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Settings } from '../../../src/protocol/settings';

const text = readFileSync(new URL('../../../docs/admin.md', import.meta.url), 'utf8');
const KEYS = Object.keys(Settings.shape).sort();

function codeBlocks(lang: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)) if (m[1] === lang) out.push(m[2]!);
  return out;
}

/** The settings object inside a policy example: under 3rdparty, extensions, the extension id. */
function settingsIn(policy: Record<string, unknown>): unknown {
  const root = (policy.policies ?? policy) as Record<string, Record<string, unknown>>;
  const third = root['3rdparty']!;
  const byId = (third.extensions ?? third.Extensions) as Record<string, unknown>;
  return Object.values(byId)[0];
}

describe('docs/admin.md', () => {
  const policies = codeBlocks('json')
    .map((code) => JSON.parse(code) as Record<string, unknown>)
    .filter((json) => JSON.stringify(json).includes('"3rdparty"'));

  it('has a Linux and a Firefox policy example', () => {
    expect(policies).toHaveLength(2);
  });

  it.each(policies.map((p, i) => [i, p] as const))(
    'policy example %i sets every setting to an accepted value',
    (_i, policy) => {
      const settings = settingsIn(policy);
      expect(Settings.safeParse(settings).success).toBe(true);
      expect(Object.keys(settings as object).sort()).toEqual(KEYS);
    },
  );

  it('the registry and plist examples name every setting', () => {
    const [registry] = codeBlocks('text').filter((c) => c.startsWith('Windows Registry Editor'));
    const [plist] = codeBlocks('xml');
    for (const key of KEYS) {
      expect(registry, key).toContain(`"${key}"=`);
      expect(plist, key).toContain(`<key>${key}</key>`);
    }
  });

  it('the settings table lists exactly the settings', () => {
    const section = text.split('## The settings')[1]!.split('\n## ')[0]!;
    const rows = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!);
    expect(rows.sort()).toEqual(KEYS);
  });

  it('links only to headings that exist, and has no HTML outside code', () => {
    const prose = text.replace(/^```[\s\S]*?^```\s*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
    const slug = (h: string) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-');
    const anchors = new Set(
      [...text.matchAll(/^#{1,6} +(.+)$/gm)].map((m) => slug(m[1]!.replace(/`/g, ''))),
    );
    const links = [...prose.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
    expect(prose.match(/<\/?[a-z][a-z0-9-]*[\s>/]/gi) ?? []).toEqual([]);
  });
});
