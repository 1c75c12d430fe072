// @vitest-environment happy-dom
/**
 * The compact panel shows each checklist's next open step: the view marks that step (the
 * panel's stylesheet hides the others), and the mark moves on as steps are done or skipped.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, expect, it, vi } from 'vitest';
import type { ChecklistAid } from '../../../src/aids/schema';
import { ChecklistController } from '../../../src/overlay/kinds/checklist';
import type { SessionEnv } from '../../../src/overlay/kinds/types';

const aid: ChecklistAid = {
  id: 'new-contact',
  kind: 'checklist',
  title: 'New contact',
  match: { urls: ['https://crm.example.com/*'] },
  steps: [
    { id: 'identity', text: 'Confirm the identity' },
    { id: 'email', text: 'Enter the email' },
    { id: 'save', text: 'Save the contact' },
  ],
};

let root: HTMLElement | null = null;

afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
});

it('marks the first open step as the next one, and moves the mark on', () => {
  root = document.createElement('div');
  document.body.append(root);
  const env = {
    url: 'https://crm.example.com/contacts/new',
    signal: new AbortController().signal,
    settled: true,
    reloaded: false,
    resolve: () => ({ element: null, foundBy: null, failed: [], ambiguous: false }),
    reportTarget: vi.fn(),
    record: vi.fn(),
    announce: vi.fn(),
    render: () => act(() => render(c.views().panel ?? null, root!)),
    resetProgress: vi.fn(),
    host: () => null,
  } as unknown as SessionEnv;
  const c = new ChecklistController(
    { key: 'crm/new-contact', packId: 'crm', packVersion: '1.0.0', aid, progress: null },
    env,
  );
  c.update();
  const next = () =>
    [...root!.querySelectorAll('.step.is-next')].map((li) => li.textContent?.slice(0, 12));
  env.render();
  expect(next()).toEqual(['Confirm the ']);
  c.toggle('identity', true);
  expect(next()).toEqual(['Enter the em']);
  c.skip('email', '');
  expect(next()).toEqual(['Save the con']);
  c.toggle('save', true);
  expect(next()).toEqual([]);
  expect(root.textContent).toContain('Checklist complete');
});
