/**
 * The guides in docs/ stay true to the code: every JSON example in the authoring guide is
 * valid (whole packs and aids pass both validators), links inside a guide point at headings
 * that exist, and the Markdown is plain (no HTML outside code).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, SCHEMA_ID } from '../../../scripts/gen-schema';
import { Aid, Audience, Match, Target } from '../../../src/aids/schema';
import { aidContentProblems, formatProblems, parsePack } from '../../../src/aids/validate';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs');
const GUIDES = ['authoring.md', 'architecture.md'];

const read = (name: string) => readFileSync(resolve(DOCS, name), 'utf8');

/** Fenced code blocks, with their info string. */
function codeBlocks(markdown: string): { lang: string; code: string; line: number }[] {
  const blocks: { lang: string; code: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/** The text outside fenced blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```\s*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

describe.each(GUIDES)('docs/%s', (name) => {
  const text = read(name);

  it('links only to headings that exist', () => {
    const anchors = new Set(
      [...text.matchAll(/^#{1,6} +(.+)$/gm)].map((m) => slug(m[1]!.replace(/`/g, ''))),
    );
    const links = [...prose(text).matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });

  it('is plain Markdown: no HTML outside code', () => {
    expect(prose(text).match(/<\/?[a-z][a-z0-9-]*[\s>/]/gi) ?? []).toEqual([]);
  });

  it('closes every code block', () => {
    expect((text.match(/^```/gm) ?? []).length % 2).toBe(0);
  });
});

describe('JSON examples in docs/authoring.md', () => {
  const ajv = new Ajv2020({ allErrors: true });
  ajv.addSchema(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  const blocks = codeBlocks(read('authoring.md')).filter((b) => b.lang === 'json');

  it('exist', () => {
    expect(blocks.length).toBeGreaterThan(3);
  });

  it.each(blocks.map((b) => [b.line, b.code] as const))(
    'the block at line %i is valid',
    (_line, code) => {
      const json = JSON.parse(code) as Record<string, unknown>;
      if ('format' in json) {
        const result = parsePack(json);
        expect(result.ok, result.ok ? '' : formatProblems(result.problems)).toBe(true);
        expect(ajv.validate(SCHEMA_ID, json), ajv.errorsText()).toBe(true);
      } else if ('kind' in json) {
        const aid = Aid.parse(json);
        expect(formatProblems(aidContentProblems(aid, []))).toBe('');
        expect(ajv.validate(`${SCHEMA_ID}#/$defs/Aid`, json), ajv.errorsText()).toBe(true);
      } else if ('urls' in json) {
        Match.parse(json);
      } else if ('roles' in json || 'teams' in json || 'locales' in json) {
        Audience.parse(json);
      } else {
        Target.parse(json);
      }
    },
  );
});
