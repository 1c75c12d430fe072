// @vitest-environment happy-dom
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authoringAid,
  button,
  byLabel,
  CHECKLIST,
  click,
  fakeDeps,
  mount,
  type,
} from './editor-helpers';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.innerHTML = '';
});

/** Serious and critical axe violations, one readable line each. */
async function serious(): Promise<string[]> {
  const results = await axe.run(document.body, {
    // happy-dom does not lay out or paint: contrast is checked in the browser tests.
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function open(aid = authoringAid()) {
  const view = await mount({ aidKey: aid.key, isNew: false, deps: fakeDeps(aid) });
  cleanup = view.unmount;
}

describe('Editor accessibility (axe)', () => {
  it('a checklist with problems, reports and history has no serious violations', async () => {
    await open(
      authoringAid({
        history: [
          { rev: 1, publishedAt: 1, packVersion: '1.0.1', note: 'published', aid: CHECKLIST },
        ],
        reports: [
          {
            stepId: 'find-account',
            type: 'target_missing',
            count: 2,
            lastAt: Date.now(),
            lastUrl: 'https://portal.example.com/support/new',
            failedSignals: ['css', 'label'],
          },
        ],
      }),
    );
    await type(byLabel('Title'), '');
    const select = byLabel<HTMLSelectElement>('Step 1: done when');
    select.value = 'matches';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await click(button('Show changes in version 1'));
    expect(await serious()).toEqual([]);
  });

  it('a read-only tip and the JSON view have no serious violations', async () => {
    await open(
      authoringAid({
        editable: false,
        readOnlyReason: 'Read-only.',
        published: {
          id: 'email',
          kind: 'tip',
          title: 'Email',
          match: { urls: ['https://crm.example.com/*'] },
          target: { label: 'Email' },
          text: 'Spell it back.',
        },
      }),
    );
    expect(await serious()).toEqual([]);
    await click(button('JSON'));
    expect(await serious()).toEqual([]);
  });

  it('field checks with a condition, and a walkthrough’s pages, with problems, have no serious violations', async () => {
    await open(
      authoringAid({
        key: 'my-aids/contact-checks',
        published: {
          id: 'contact-checks',
          kind: 'checks',
          title: 'Contact checks',
          match: { urls: ['https://crm.example.com/*'] },
          keywords: ['phone', 'x'.repeat(61)],
          checks: [
            {
              id: 'phone',
              field: { label: 'Phone' },
              rule: { type: 'required' },
              message: 'Enter their phone number.',
              when: { field: {}, rule: { type: 'oneOf', values: ['Phone'] } },
            },
          ],
        },
      }),
    );
    expect(document.getElementById('aid-checks-0-when')).not.toBeNull();
    expect(await serious()).toEqual([]);
    cleanup?.();
    await open(
      authoringAid({
        key: 'my-aids/walk',
        published: {
          id: 'walk',
          kind: 'walkthrough',
          title: 'Walk',
          match: { urls: ['https://portal.example.com/*'] },
          steps: [{ id: 'a', text: 'A', urls: ['portal.example.com/'] }],
        },
      }),
    );
    expect(byLabel('Step 1: pages it is on').getAttribute('aria-invalid')).toBe('true');
    expect(await serious()).toEqual([]);
  });

  it('the new aid form has no serious violations', async () => {
    const view = await mount({ aidKey: null, isNew: true, deps: fakeDeps(authoringAid()) });
    cleanup = view.unmount;
    await click(button('Create draft'));
    expect(await serious()).toEqual([]);
  });
});
