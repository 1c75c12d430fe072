/**
 * The policy examples in docs/admin.md are files an admin copies as they are: each JSON block
 * must parse, name every key once (JSON.parse keeps the last of two without a word, so a
 * repeated key would silently mean something else), and hold only settings Inflow accepts.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Settings } from '../../../src/protocol/settings';

const ADMIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/admin.md');

function jsonBlocks(markdown: string): { code: string; line: number }[] {
  const blocks: { code: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```json\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ code: body.join('\n'), line: start });
  }
  return blocks;
}

/** Keys named twice in one object, as "path.key". Expects text that JSON.parse accepts. */
function repeatedKeys(json: string): string[] {
  const repeated: string[] = [];
  // One frame per open object or array: the keys seen so far (objects) and the path.
  const stack: { keys: Set<string> | null; path: string }[] = [];
  let lastString: string | null = null;
  let key: string | null = null;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      lastString = JSON.parse(json.slice(i, j + 1)) as string;
      i = j;
    } else if (c === ':') {
      const top = stack.at(-1)!;
      key = lastString!;
      if (top.keys!.has(key)) repeated.push(`${top.path}.${key}`);
      top.keys!.add(key);
    } else if (c === '{' || c === '[') {
      const parent = stack.at(-1);
      const path = parent ? `${parent.path}.${parent.keys ? key : '[]'}` : '';
      stack.push({ keys: c === '{' ? new Set() : null, path });
    } else if (c === '}' || c === ']') {
      stack.pop();
    }
  }
  return repeated;
}

/** The settings objects under 3rdparty (Chrome's "extensions", Firefox's "Extensions"). */
function extensionSettings(policy: unknown): unknown[] {
  const root = policy as Record<string, Record<string, Record<string, unknown>>>;
  const third = (root.policies as typeof root | undefined)?.['3rdparty'] ?? root['3rdparty'];
  if (!third) return [];
  return Object.values(third.extensions ?? third.Extensions ?? {});
}

describe('repeatedKeys', () => {
  it('finds a key named twice in the same object only', () => {
    expect(repeatedKeys('{"a": 1, "b": {"a": 2, "c": "a:"}, "d": [{"a": 1}, {"a": 2}]}')).toEqual(
      [],
    );
    expect(repeatedKeys('{"a": {"x": 1, "y": "\\"", "x": 2}, "a": 3}')).toEqual(['.a.x', '.a']);
  });
});

describe('JSON examples in docs/admin.md', () => {
  const blocks = jsonBlocks(readFileSync(ADMIN, 'utf8'));

  it('has the policy examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks)('the block at line $line parses and names each key once', ({ code }) => {
    expect(() => JSON.parse(code)).not.toThrow();
    expect(repeatedKeys(code)).toEqual([]);
  });

  it.each(blocks)('the settings in the block at line $line are all valid', ({ code }) => {
    for (const settings of extensionSettings(JSON.parse(code))) {
      const parsed = Settings.partial().strict().safeParse(settings);
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
  });
});
