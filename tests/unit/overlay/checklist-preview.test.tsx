// @vitest-environment happy-dom
/**
 * A checklist shown as an author's preview says so, and says how a target was found when
 * one of its signals failed; the same checklist shown to staff says neither.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChecklistAid } from '../../../src/aids/schema';
import type { Resolution } from '../../../src/aids/target';
import { checklistKind } from '../../../src/overlay/kinds/checklist';
import type { SessionEnv } from '../../../src/overlay/kinds/types';

const aid: ChecklistAid = {
  id: 'address',
  kind: 'checklist',
  title: 'Update a billing address',
  match: { urls: ['https://portal.example.com/*'] },
  steps: [
    { id: 'street', text: 'Enter the new street', target: { css: '#street', label: 'Street' } },
  ],
};

let root: HTMLElement | null = null;

afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
});

function show(preview: boolean, resolution: Partial<Resolution>): string {
  const field = document.createElement('input');
  const env = {
    url: 'https://portal.example.com/billing',
    signal: new AbortController().signal,
    settled: true,
    reloaded: false,
    resolve: () => ({ element: field, foundBy: null, failed: [], ambiguous: false, ...resolution }),
    reportTarget: vi.fn(),
    record: vi.fn(),
    announce: vi.fn(),
    render: vi.fn(),
    resetProgress: vi.fn(),
    host: () => null,
  } as unknown as SessionEnv;
  const c = checklistKind.create(
    {
      key: 'my-aids/address',
      packId: 'my-aids',
      packVersion: 'draft',
      aid,
      progress: null,
      preview,
    },
    env,
  );
  c.update({ events: [] });
  root = document.createElement('div');
  document.body.append(root);
  act(() => render(c.views().panel ?? null, root!));
  return root.textContent ?? '';
}

describe('checklist preview', () => {
  it('marks the draft and says which signal found a target whose CSS failed', () => {
    const text = show(true, { foundBy: 'label', failed: ['css'] } as Partial<Resolution>);
    expect(text).toContain('Preview of a draft: not published');
    expect(text).toContain('Preview: found by label; css failed');
  });

  it('says nothing of signals when every signal matched', () => {
    const text = show(true, { foundBy: 'css', failed: [] } as Partial<Resolution>);
    expect(text).toContain('Preview of a draft: not published');
    expect(text).not.toContain('found by');
  });

  it('shows staff neither note', () => {
    const text = show(false, { foundBy: 'label', failed: ['css'] } as Partial<Resolution>);
    expect(text).not.toContain('Preview');
    expect(text).not.toContain('found by');
  });
});
