// @vitest-environment happy-dom
/**
 * Runs on the page (docs/authoring.md, "Runs"): the panel says when a new run started because
 * the last one was left unfinished, and the checklist tells the background when the person
 * leaves its pages with the run unfinished, never when they move between its own pages.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChecklistAid } from '../../../src/aids/schema';
import type { ChecklistController } from '../../../src/overlay/kinds/checklist';
import { checklistKind } from '../../../src/overlay/kinds/checklist';
import type { SessionEnv } from '../../../src/overlay/kinds/types';
import { PageSession } from '../../../src/overlay/session';
import type { Ui } from '../../../src/overlay/ui';
import type { ActiveAid, Progress } from '../../../src/protocol/messages';
import { fakeEnv } from './fake-env';
import { allKinds } from './fake-ui';

const FORM = 'https://crm.example.com/contacts/new';
const NOTICE = 'New run: the last one was left unfinished';

const aid: ChecklistAid = {
  id: 'new-contact',
  kind: 'checklist',
  title: 'New contact',
  match: { urls: ['https://crm.example.com/contacts/new{/*}?'] },
  steps: [
    { id: 'name', text: 'Enter the name' },
    { id: 'email', text: 'Enter the email' },
    {
      id: 'save',
      text: 'Save',
      done: { type: 'url', pattern: 'https://crm.example.com/contacts/:id(\\d+)' },
    },
  ],
};

const ticked = (...ids: string[]): Progress => ({
  aidKey: 'crm/new-contact',
  steps: Object.fromEntries(ids.map((id) => [id, { state: 'done', how: 'manual', at: 1 }])),
  startedAt: 1,
  updatedAt: 1,
});

let root: HTMLElement | null = null;

afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
});

function create(active: Partial<Omit<ActiveAid, 'aid'>> = {}) {
  const env = fakeEnv(FORM);
  const c = checklistKind.create(
    { key: 'crm/new-contact', packId: 'crm', packVersion: '1.0.0', aid, progress: null, ...active },
    env as unknown as SessionEnv,
  ) as ChecklistController;
  c.update();
  return { c, env };
}

function panelText(c: ChecklistController): string {
  root ??= document.body.appendChild(document.createElement('div'));
  act(() => render(c.views().panel ?? null, root!));
  return root.textContent ?? '';
}

describe('the panel of a new run', () => {
  it('says the last run was left unfinished, politely, with nothing ticked', () => {
    const { c, env } = create({ runAbandoned: true });
    expect(panelText(c)).toContain(NOTICE);
    expect(env.announce).toHaveBeenCalledWith(NOTICE);
    expect(c.status()).toMatchObject({ done: 0, skipped: 0 });
    expect(panelText(c)).toContain('0 of 3 done');
    // Starting again by hand is a run of the person's own: the line goes.
    c.restart();
    expect(panelText(c)).not.toContain(NOTICE);
  });

  it('says nothing when a run goes on, and shows its ticks', () => {
    const { c, env } = create({ progress: ticked('name') });
    expect(panelText(c)).not.toContain(NOTICE);
    expect(env.announce).not.toHaveBeenCalled();
    expect(c.status().done).toBe(1);
  });
});

describe('leaving', () => {
  it('to a page where the checklist does not apply leaves the run', () => {
    const { c, env } = create({ progress: ticked('name') });
    expect(c.leave('https://crm.example.com/contacts')).toBeNull();
    expect(env.leaveRun).toHaveBeenCalledWith('crm/new-contact');
  });

  it('to another of its pages does not', () => {
    const { c, env } = create({ progress: ticked('name') });
    c.leave(`${FORM}/address?customer=42`);
    expect(env.leaveRun).not.toHaveBeenCalled();
  });

  it('with nothing ticked, there is no run to leave', () => {
    const { c, env } = create();
    c.leave('https://crm.example.com/contacts');
    expect(env.leaveRun).not.toHaveBeenCalled();
  });

  it('saving completes the checklist on the way out: a finished run is not left', () => {
    const { c, env } = create({ progress: ticked('name', 'email') });
    expect(c.leave('https://crm.example.com/contacts/42')).toBe('Checklist complete: New contact');
    expect(env.leaveRun).not.toHaveBeenCalled();
  });

  it('when the page unloads to an unknown place, leaves without completing anything', () => {
    const { c, env } = create({ progress: ticked('name', 'email') });
    expect(c.leave('', true)).toBeNull();
    expect(env.leaveRun).toHaveBeenCalledWith('crm/new-contact');
    // No step_done nor checklist_completed half-sent from a page that goes away.
    expect(env.record.mock.calls.map(([e]) => e.type)).toEqual(['aid_shown']);
  });

  it('when the page unloads to one of its pages (a reload, a link), does not leave', () => {
    const { c, env } = create({ progress: ticked('name') });
    c.leave(FORM, true);
    expect(env.leaveRun).not.toHaveBeenCalled();
  });
});

describe('the page session', () => {
  const ui = {
    render: vi.fn(),
    host: () => null,
    avoid: vi.fn(),
    arrange: vi.fn(),
    notice: vi.fn(),
    clear: vi.fn(),
  } as unknown as Ui;

  it('tells the background the time a run was left, never for a draft in preview', async () => {
    const leaveRun = vi.fn();
    const active = (key: string, preview: boolean): ActiveAid => ({
      key,
      packId: 'crm',
      packVersion: '1.0.0',
      aid,
      progress: { ...ticked('name'), aidKey: key },
      ...(preview ? { preview } : {}),
    });
    const session = new PageSession({
      url: FORM,
      aids: [active('crm/new-contact', false), active('my-aids/draft', true)],
      reloaded: false,
      ui,
      record: vi.fn(),
      resetProgress: vi.fn(),
      leaveRun,
      onBatch: vi.fn(),
      kinds: allKinds,
    });
    session.start();
    const before = Date.now();
    session.leave('https://crm.example.com/contacts');
    session.dispose();
    expect(leaveRun).toHaveBeenCalledTimes(1);
    expect(leaveRun.mock.calls[0]![0]).toBe('crm/new-contact');
    expect(leaveRun.mock.calls[0]![1]).toBeGreaterThanOrEqual(before);
  });
});
