// @vitest-environment happy-dom
/**
 * Each aid kind is a chunk that a frame loads when its aids need it: asked once, asked again
 * after a failure, never for a kind this build has no chunk for; a session shows an aid of a
 * kind once its chunk has run, and the other aids in the meantime.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChecklistAid, TipAid } from '../../../src/aids/schema';
import { checklistKind } from '../../../src/overlay/kinds/checklist';
import { createKindLoader } from '../../../src/overlay/kinds/index';
import { closeKindSlot, registerKind, uiRuntime } from '../../../src/overlay/kinds/slot';
import { tipKind } from '../../../src/overlay/kinds/tip';
import { PageSession } from '../../../src/overlay/session';
import type { ActiveAid, EventInput } from '../../../src/protocol/messages';
import { fakeUi } from './fake-ui';

afterEach(() => {
  closeKindSlot();
  document.body.innerHTML = '';
});

/** What the background does on page.loadChunk: the chunk runs and registers its kind. */
const injects = () =>
  vi.fn(async (chunk: string) => {
    registerKind(chunk === 'tip' ? tipKind : checklistKind);
    return { ok: true };
  });

describe('the kind loader', () => {
  it('asks once for a chunk, however many sessions want it', async () => {
    const ask = injects();
    const kinds = createKindLoader(ask);
    expect(kinds.module('tip')).toBeUndefined();
    const answers = await Promise.all([kinds.load('tip'), kinds.load('tip')]);
    expect(answers).toEqual([true, true]);
    expect(await kinds.load('tip')).toBe(true);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith('tip');
    expect(kinds.module('tip')).toBe(tipKind);
    // Only the chunk asked for is here.
    expect(kinds.module('checklist')).toBeUndefined();
  });

  it('asks again after a load that failed, or that did not register the kind', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ask = vi.fn(async (_chunk: string): Promise<unknown> => {
      throw new Error('Frame with ID 4 was removed.');
    });
    const kinds = createKindLoader(ask);
    expect(await kinds.load('checklist')).toBe(false);
    ask.mockResolvedValueOnce({ ok: true }); // answered, but nothing registered
    expect(await kinds.load('checklist')).toBe(false);
    ask.mockImplementationOnce(injects());
    expect(await kinds.load('checklist')).toBe(true);
    expect(ask).toHaveBeenCalledTimes(3);
    expect(kinds.module('checklist')).toBe(checklistKind);
  });

  it("is done once the chunk registered its kind, before the background's answer", async () => {
    let answer = (_: unknown) => {};
    // The chunk ran in the frame; the answer to page.loadChunk has not come yet.
    const ask = vi.fn((chunk: string) => {
      registerKind(chunk === 'tip' ? tipKind : checklistKind);
      return new Promise((resolve) => {
        answer = resolve;
      });
    });
    const kinds = createKindLoader(ask);
    expect(await kinds.load('tip')).toBe(true);
    expect(kinds.module('tip')).toBe(tipKind);
    answer({ ok: true });
    expect(await kinds.load('tip')).toBe(true);
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it('refuses a kind this build has no chunk for, without asking', async () => {
    const ask = injects();
    const kinds = createKindLoader(ask);
    for (const kind of ['help-panel', 'constructor', '__proto__', '../background', 'kind-tip.js']) {
      expect(await kinds.load(kind)).toBe(false);
      expect(kinds.module(kind)).toBeUndefined();
    }
    expect(ask).not.toHaveBeenCalled();
  });

  it("hands chunks the core's Preact, and only where a core opened the slot", () => {
    expect(() => uiRuntime()).toThrow(/no overlay runs/);
    createKindLoader(injects());
    expect(Object.keys(uiRuntime()).sort()).toEqual(
      ['Fragment', 'jsx', 'jsxs', 'useEffect', 'useLayoutEffect', 'useRef', 'useState'].sort(),
    );
  });

  it('takes a chunk that ran before the core (a registered content script) without asking', async () => {
    registerKind(tipKind);
    expect(() => uiRuntime()).toThrow(/no overlay runs/);
    const ask = vi.fn(async () => ({ ok: true }));
    const loader = createKindLoader(ask);
    expect(loader.module('tip')).toBe(tipKind);
    expect(await loader.load('tip')).toBe(true);
    expect(ask).not.toHaveBeenCalled();
    expect(uiRuntime().jsx).toBeTypeOf('function');
  });
});

const active = (aid: ChecklistAid | TipAid): ActiveAid => ({
  key: `crm/${aid.id}`,
  packId: 'crm',
  packVersion: '1.0.0',
  aid,
  progress: null,
});

const checklist: ChecklistAid = {
  id: 'contact',
  kind: 'checklist',
  title: 'New contact',
  match: { urls: ['https://crm.example.com/*'] },
  steps: [{ id: 'name', text: 'Name', done: { type: 'filled', target: { css: '#name' } } }],
};

const tip: TipAid = {
  id: 'name-tip',
  kind: 'tip',
  title: 'Full name',
  match: { urls: ['https://crm.example.com/*'] },
  target: { css: '#name' },
  text: 'As on the passport.',
};

describe('a session while a chunk loads', () => {
  it('shows the aids whose kind is here, and the others once their chunk ran', () => {
    document.body.innerHTML = '<input id="name" value="Ada">';
    const kinds = createKindLoader(injects());
    registerKind(checklistKind);
    const events: EventInput[] = [];
    const ui = fakeUi();
    const session = new PageSession({
      url: 'https://crm.example.com/new',
      aids: [active(checklist), active(tip)],
      reloaded: false,
      ui,
      record: (e) => events.push(e),
      resetProgress: vi.fn(),
      leaveRun: vi.fn(),
      onBatch: vi.fn(),
      kinds,
    });
    session.start();
    const shown = () => session.status().aids.map((a) => a.kind);
    expect(shown()).toEqual(['checklist']);
    expect(events.map((e) => [e.type, e.aidKey])).toContainEqual(['aid_shown', 'crm/contact']);
    expect(events.some((e) => e.aidKey === 'crm/name-tip')).toBe(false);

    registerKind(tipKind);
    session.refresh();
    expect(shown()).toEqual(['checklist', 'tip']);
    expect(events.map((e) => [e.type, e.aidKey])).toContainEqual(['aid_shown', 'crm/name-tip']);
    session.dispose();
  });
});
