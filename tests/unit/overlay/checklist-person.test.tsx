// @vitest-environment happy-dom
/**
 * The checklist's controls act on a person's input only: a script's click on a step, its
 * Skip button or the skip form records nothing, and a skip reason is what the person typed.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChecklistAid } from '../../../src/aids/schema';
import { type ChecklistController, checklistKind } from '../../../src/overlay/kinds/checklist';
import type { SessionEnv } from '../../../src/overlay/kinds/types';
import { personClick, personType } from './person-events';

const aid: ChecklistAid = {
  id: 'close-call',
  kind: 'checklist',
  title: 'Close the call',
  match: { urls: ['https://crm.example.com/*'] },
  steps: [
    { id: 'read', text: 'Read the closing statement' },
    { id: 'survey', text: 'Offer the survey' },
  ],
};

let root: HTMLElement;
let c: ChecklistController;
let record: ReturnType<typeof vi.fn>;

beforeEach(() => {
  root = document.body.appendChild(document.createElement('div'));
  record = vi.fn();
  const draw = () => act(() => render(c.views().panel ?? null, root));
  const env = {
    url: 'https://crm.example.com/calls',
    signal: new AbortController().signal,
    settled: true,
    reloaded: false,
    resolve: () => ({ element: null, foundBy: null, failed: [], ambiguous: false }),
    reportTarget: vi.fn(),
    record,
    announce: vi.fn(),
    render: () => queueMicrotask(draw),
    resetProgress: vi.fn(),
    leaveRun: vi.fn(),
    host: () => null,
  };
  c = checklistKind.create(
    { key: 'crm/close-call', packId: 'crm', packVersion: '1.0.0', aid, progress: null },
    env as unknown as SessionEnv,
  ) as ChecklistController;
  c.update();
  draw();
  // aid_shown: the checklist is on the page, whoever looks.
  record.mockClear();
});

afterEach(() => {
  render(null, root);
  root.remove();
});

const box = () => root.querySelector<HTMLInputElement>('input[type=checkbox]')!;
const button = (name: string) =>
  [...root.querySelectorAll('button')].find(
    (b) => b.getAttribute('aria-label') === name || b.textContent?.trim() === name,
  )!;
const reason = () => root.querySelector<HTMLInputElement>('form input[type=text]');
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const stepEvents = () => record.mock.calls.map(([e]) => `${e.type} ${e.stepId}`);

describe('checklist controls', () => {
  it('a script’s click neither ticks a step nor changes its box; a person’s does', async () => {
    act(() => box().click());
    await settle();
    expect(box().checked).toBe(false);
    expect(record).not.toHaveBeenCalled();
    act(() => personClick(box()));
    await settle();
    expect(box().checked).toBe(true);
    expect(stepEvents()).toEqual(['step_done read']);
    act(() => box().click());
    await settle();
    expect(box().checked).toBe(true);
    expect(stepEvents()).toEqual(['step_done read']);
  });

  it('skips only when a person asks, with the reason the person typed', async () => {
    act(() => button('Skip: Offer the survey').click());
    expect(reason()).toBeNull();
    act(() => personClick(button('Skip: Offer the survey')));
    expect(reason()).not.toBeNull();
    act(() => personType(reason()!, 'customer in a hurry'));
    act(() => button('Skip step').click());
    act(() => root.querySelector('form')!.requestSubmit());
    await settle();
    expect(record).not.toHaveBeenCalled();
    // A reason a script set silently is not sent: the person's comes back.
    reason()!.value = 'supervisor approved';
    act(() => personClick(button('Skip step')));
    await settle();
    expect(record).not.toHaveBeenCalled();
    expect(reason()!.value).toBe('customer in a hurry');
    act(() => personClick(button('Skip step')));
    await settle();
    expect(record).toHaveBeenCalledWith({
      type: 'step_skipped',
      aidKey: 'crm/close-call',
      stepId: 'survey',
      reason: 'customer in a hurry',
    });
    act(() => button('Undo skip').click());
    await settle();
    expect(stepEvents()).toEqual(['step_skipped survey']);
    act(() => personClick(button('Undo skip')));
    await settle();
    expect(stepEvents()).toEqual(['step_skipped survey', 'step_undone survey']);
  });
});
