// @vitest-environment happy-dom
/**
 * Targets in iframes, on the page side. In a sub-frame: which frame a frame signal names,
 * which steps and tips of the top page's aids a frame takes on, and the agent that reports
 * their states only when they change. In the top frame: a checklist whose steps are in
 * frames follows what the frames report, and records each step once; a tip in a frame is
 * not the top frame's to show or to report missing.
 */
import 'urlpattern-polyfill';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChecklistAid, TipAid } from '../../../src/aids/schema';
import { addressesFrames } from '../../../src/aids/targets';
import { isThisFrame, tipsHere, watchedSteps } from '../../../src/overlay/frame-plan';
import { createFrameStates } from '../../../src/overlay/frame-states';
import { frameAgent } from '../../../src/overlay/kinds/checklist-agent';
import type { AidController } from '../../../src/overlay/kinds/types';
import { PageSession, type SessionDeps } from '../../../src/overlay/session';
import type { ActiveAid, EventInput } from '../../../src/protocol/messages';
import { allKinds, fakeUi } from './fake-ui';
import { asPerson } from './person-events';

const NOTES = { css: "iframe[title='Notes']" };
const LOOKUP = { url: 'https://lookup.example.net/*' };

const checklist: ChecklistAid = {
  id: 'open',
  kind: 'checklist',
  title: 'Open an account',
  match: { urls: ['https://bank.example.com/*'] },
  steps: [
    {
      id: 'ref',
      text: 'Account reference',
      target: { css: '#ref' },
      done: { type: 'filled', target: { css: '#ref' } },
    },
    {
      id: 'notes',
      text: 'Notes',
      target: { css: '#notes', frame: NOTES },
      done: { type: 'filled', target: { css: '#notes', frame: NOTES } },
    },
    {
      id: 'find',
      text: 'Find the address',
      done: { type: 'clicked', target: { css: '#find', frame: LOOKUP } },
    },
  ],
};

const tip: TipAid = {
  id: 'postcode',
  kind: 'tip',
  title: 'Postcode format',
  match: {
    urls: ['https://bank.example.com/*'],
    when: [
      { type: 'present', target: { css: '#ref' } },
      { type: 'present', target: { css: '#postcode', frame: LOOKUP } },
    ],
  },
  target: { css: '#postcode', frame: LOOKUP },
  text: 'With its space.',
};

const active = (aid: ChecklistAid | TipAid): ActiveAid => ({
  key: `bank/${aid.id}`,
  packId: 'bank',
  packVersion: '1.0.0',
  aid,
  progress: null,
});

const sessions: PageSession[] = [];

function session(deps: Partial<SessionDeps> & Pick<SessionDeps, 'aids'>) {
  const s = new PageSession({
    url: 'https://bank.example.com/open',
    reloaded: false,
    ui: fakeUi(),
    record: vi.fn(),
    resetProgress: vi.fn(),
    leaveRun: vi.fn(),
    onBatch: () => {},
    kinds: allKinds,
    ...deps,
  });
  sessions.push(s);
  return s;
}

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('isThisFrame', () => {
  const iframe = document.createElement('iframe');
  iframe.title = 'Notes';

  it('checks the frame page URL and its iframe element, both when both are given', () => {
    expect(isThisFrame(LOOKUP, 'https://lookup.example.net/address', null)).toBe(true);
    expect(isThisFrame(LOOKUP, 'https://other.example.net/address', null)).toBe(false);
    expect(isThisFrame(NOTES, 'about:srcdoc', iframe)).toBe(true);
    // A cross-origin frame cannot see its element: a css never names it.
    expect(isThisFrame(NOTES, 'https://lookup.example.net/', null)).toBe(false);
    const both = { ...LOOKUP, ...NOTES };
    expect(isThisFrame(both, 'https://lookup.example.net/a', iframe)).toBe(true);
    expect(isThisFrame(both, 'about:srcdoc', iframe)).toBe(false);
    expect(isThisFrame({ css: 'iframe[' }, 'about:srcdoc', iframe)).toBe(false);
  });
});

describe('what a frame takes on', () => {
  const inLookup = (ref: { url?: string; css?: string }) => ref.url === LOOKUP.url;

  it('the steps in this frame, with their targets stripped of the frame', () => {
    const watched = watchedSteps([active(checklist), active(tip)], inLookup);
    expect([...watched.keys()]).toEqual(['bank/open']);
    expect(watched.get('bank/open')).toEqual([
      {
        stepId: 'find',
        find: { css: '#find' },
        done: { type: 'clicked', target: { css: '#find' } },
        memory: { clicked: false, seen: false },
      },
    ]);
    expect(watchedSteps([active(checklist)], () => false).size).toBe(0);
  });

  it('tips in this frame, keeping only the conditions on this frame', () => {
    const [here] = tipsHere([active(checklist), active(tip)], inLookup);
    expect(here?.key).toBe('bank/postcode');
    expect((here?.aid as TipAid | undefined)?.target).toEqual({ css: '#postcode' });
    expect(here?.aid.match.when).toEqual([{ type: 'present', target: { css: '#postcode' } }]);
    expect(tipsHere([active(tip)], () => false)).toEqual([]);
  });

  it('addressesFrames tells aids with a target in a frame', () => {
    expect(addressesFrames(checklist)).toBe(true);
    expect(addressesFrames(tip)).toBe(true);
    const plain: TipAid = { ...tip, match: { urls: tip.match.urls }, target: { css: '#x' } };
    expect(addressesFrames(plain)).toBe(false);
    expect(addressesFrames({ ...plain, text: 'A "frame": tricky text' })).toBe(false);
  });
});

describe('the frame agent', () => {
  it('reports step states when they change, counts clicks inside, and withdraws on dispose', () => {
    document.body.innerHTML = '<label>Notes <textarea id="notes"></textarea></label>';
    const inNotes = (ref: { css?: string }) => ref.css === NOTES.css;
    const steps = vi.fn();
    const gone = vi.fn();
    let agent: AidController | undefined;
    const s = session({
      aids: [],
      extra: (env) => {
        const made = frameAgent(watchedSteps([active(checklist)], inNotes), env, { steps, gone });
        agent = made;
        return [made];
      },
    });
    s.start();
    expect(steps).toHaveBeenCalledTimes(1);
    expect(steps).toHaveBeenLastCalledWith('bank/open', [
      { stepId: 'notes', found: true, holds: false },
    ]);
    s.refresh();
    expect(steps).toHaveBeenCalledTimes(1); // nothing changed, nothing sent
    (document.getElementById('notes') as HTMLTextAreaElement).value = 'Passport seen';
    s.refresh();
    expect(steps).toHaveBeenLastCalledWith('bank/open', [
      { stepId: 'notes', found: true, holds: true },
    ]);
    expect(steps).toHaveBeenCalledTimes(2);
    expect(agent?.visible).toBe(false);
    expect(gone).not.toHaveBeenCalled();
    s.dispose();
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('a click on the target completes a clicked rule', () => {
    document.body.innerHTML = '<button id="find">Find</button>';
    const steps = vi.fn();
    let agent: AidController | undefined;
    const s = session({
      aids: [],
      extra: (env) => {
        const inLookup = (ref: { url?: string }) => ref.url === LOOKUP.url;
        const made = frameAgent(watchedSteps([active(checklist)], inLookup), env, {
          steps,
          gone: vi.fn(),
        });
        agent = made;
        return [made];
      },
    });
    s.start();
    expect(steps).toHaveBeenLastCalledWith('bank/open', [
      { stepId: 'find', found: true, holds: false },
    ]);
    const click = () => {
      const e = new MouseEvent('click', { bubbles: true });
      Object.defineProperty(e, 'target', { value: document.getElementById('find') });
      return e;
    };
    // A script's click says nobody clicked.
    agent!.update({ events: [click()] });
    expect(steps).toHaveBeenLastCalledWith('bank/open', [
      { stepId: 'find', found: true, holds: false },
    ]);
    agent!.update({ events: [asPerson(click())] });
    expect(steps).toHaveBeenLastCalledWith('bank/open', [
      { stepId: 'find', found: true, holds: true },
    ]);
  });
});

describe('the top frame', () => {
  it('never searches its own document for a target in a frame, and follows what frames report', () => {
    vi.useFakeTimers();
    // An element that would match the framed selector, in the top document: never used.
    document.body.innerHTML = '<input id="ref" value="A-1"><textarea id="notes">x</textarea>';
    const frames = createFrameStates();
    const record = vi.fn<(e: EventInput) => void>();
    const s = session({
      aids: [active(checklist), active(tip)],
      record,
      frameStep: frames.get,
    });
    s.start();
    const done = () =>
      record.mock.calls
        .map(([e]) => e)
        .filter((e) => e.type === 'step_done')
        .map((e) => e.stepId);
    expect(done()).toEqual(['ref']);
    // The page settles: no frame reported the notes field, so it is missing.
    vi.advanceTimersByTime(1600);
    const status = () => s.status().aids.find((a) => a.key === 'bank/open');
    expect(status()?.missing).toBe(2);
    expect(record.mock.calls.map(([e]) => e).filter((e) => e.type === 'target_missing')).toEqual([
      expect.objectContaining({ aidKey: 'bank/open', stepId: 'notes', failedSignals: [] }),
      expect.objectContaining({ aidKey: 'bank/open', stepId: 'find' }),
    ]);

    // A frame finds the notes field: not missing. Another fills it: done, once.
    frames.set(3, 'bank/open', [{ stepId: 'notes', found: true, holds: false }]);
    s.refresh();
    expect(status()?.missing).toBe(1);
    expect(done()).toEqual(['ref']);
    frames.set(5, 'bank/open', [{ stepId: 'notes', found: false, holds: true }]);
    s.refresh();
    s.refresh();
    expect(done()).toEqual(['ref', 'notes']);
    frames.set(5, 'bank/open', [{ stepId: 'find', found: true, holds: true }]);
    s.refresh();
    expect(done()).toEqual(['ref', 'notes', 'find']);
    expect(record.mock.calls.some(([e]) => e.type === 'checklist_completed')).toBe(true);

    // The tip's target is in a frame: the top frame neither shows it nor reports it missing.
    expect(s.status().aids.map((a) => a.key)).toEqual(['bank/open']);
    expect(record.mock.calls.some(([e]) => e.aidKey === 'bank/postcode')).toBe(false);
  });

  it('frame states merge over frames and go with their frame', () => {
    const frames = createFrameStates();
    frames.set(3, 'a/b', [{ stepId: 's', found: true, holds: false }]);
    frames.set(5, 'a/b', [{ stepId: 's', found: false, holds: true }]);
    expect(frames.get('a/b', 's')).toEqual({ stepId: 's', found: true, holds: true });
    expect(frames.get('a/b', 'other')).toBeUndefined();
    expect(frames.drop(5)).toBe(true);
    expect(frames.get('a/b', 's')).toEqual({ stepId: 's', found: true, holds: false });
    expect(frames.drop(5)).toBe(false);
    frames.clear();
    expect(frames.get('a/b', 's')).toBeUndefined();
  });
});
