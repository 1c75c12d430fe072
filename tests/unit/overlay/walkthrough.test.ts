// @vitest-environment happy-dom
/**
 * A walkthrough's state on the page, with a fake session: where it starts, when it starts by
 * itself (once per person), how Back, a missing target and a `url` step move it.
 */
import { describe, expect, it } from 'vitest';
import type { WalkthroughAid } from '../../../src/aids/schema';
import type { SessionEnv } from '../../../src/overlay/kinds/types';
import { WalkthroughController } from '../../../src/overlay/kinds/walkthrough';
import type { Progress } from '../../../src/protocol/messages';
import { fakeEnv } from './fake-env';

const HOME = 'https://portal.example.com/';
const FORM = 'https://portal.example.com/billing/address';

const aid = (start?: 'auto'): WalkthroughAid => ({
  id: 'move',
  kind: 'walkthrough',
  title: 'Move home',
  match: { urls: [HOME, FORM] },
  ...(start ? { start } : {}),
  steps: [
    { id: 'open', text: 'Open the form', urls: [HOME], done: { type: 'url', pattern: FORM } },
    { id: 'street', text: 'Street', urls: [FORM], target: { css: '#street' } },
    { id: 'save', text: 'Save', urls: [FORM] },
  ],
});

const env = fakeEnv;

const progress = (over: Partial<Progress> = {}): Progress => ({
  aidKey: 'portal/move',
  steps: {},
  startedAt: 1,
  updatedAt: 1,
  ...over,
});

const make = (e: SessionEnv, p: Progress | null, start?: 'auto') =>
  new WalkthroughController(
    { key: 'portal/move', packId: 'portal', packVersion: '1.0.0', aid: aid(start), progress: p },
    e,
  );

const types = (e: ReturnType<typeof env>) =>
  e.record.mock.calls.map(([ev]) => (ev.stepId ? `${ev.type} ${ev.stepId}` : ev.type));

describe('WalkthroughController', () => {
  it('waits to be started, unless it starts by itself, once per person', () => {
    const manual = env(HOME);
    expect(make(manual, null).phase).toBe('ready');
    expect(types(manual)).toEqual([]);
    const auto = env(HOME);
    expect(make(auto, null, 'auto').phase).toBe('running');
    expect(types(auto)).toEqual(['walkthrough_started']);
    // Met before (stopped, or finished): never again by itself.
    const met = env(HOME);
    expect(make(met, progress({ dismissedAt: 2 }), 'auto').phase).toBe('stopped');
    expect(make(met, progress({ completedAt: 2 }), 'auto').phase).toBe('finished');
    expect(types(met)).toEqual([]);
  });

  it('resumes on the first step neither done nor skipped; a url step is done on its page', () => {
    const e = env(FORM);
    const c = make(e, progress());
    c.update();
    // "open" is done by being on the form; "street" is current, its field is not there.
    expect(c.current()).toBe(1);
    expect(c.missing).toBe(true);
    expect(types(e)).toEqual(['aid_shown', 'step_done open']);
    expect(e.reportTarget).toHaveBeenLastCalledWith(
      'portal/move',
      'street',
      { css: '#street' },
      expect.anything(),
      true,
    );
    // Going on without it skips it; the last step has no target and is shown in the panel.
    c.skipMissing();
    expect(c.current()).toBe(2);
    expect(types(e).slice(2)).toEqual(['step_skipped street', 'step_shown save']);
    c.back();
    expect(c.current()).toBe(1);
    expect(types(e).at(-1)).toBe('step_undone street');
  });

  it('does not call a target missing before the page settled, and finishes after the last step', () => {
    const e = env(FORM, false);
    const c = make(
      e,
      progress({
        steps: {
          open: { state: 'done', how: 'auto', at: 1 },
          street: { state: 'done', how: 'manual', at: 2 },
        },
      }),
    );
    c.update();
    expect(c.missing).toBe(false);
    c.next();
    expect(c.phase).toBe('finished');
    expect(types(e)).toEqual([
      'aid_shown',
      'step_shown save',
      'step_done save',
      'walkthrough_finished',
    ]);
  });

  it('starts from the help panel only where it is shown, and again after it finished', () => {
    const e = env(HOME);
    const c = make(e, null);
    // Not updated yet: its conditions have not been seen to hold.
    expect(c.reveal()).toBe(false);
    expect(types(e)).toEqual([]);
    c.update();
    expect(c.reveal()).toBe(true);
    expect(c.phase).toBe('running');
    expect(c.focusNext).toBe(true);
    expect(types(e)).toEqual(['aid_shown', 'walkthrough_started', 'step_shown open']);
    // While it runs: focus goes back to it, and no new run starts.
    c.focusNext = false;
    expect(c.reveal()).toBe(true);
    expect(c.focusNext).toBe(true);
    expect(types(e).filter((t) => t === 'walkthrough_started')).toHaveLength(1);
    const done = env(HOME);
    const finished = make(done, progress({ completedAt: 2 }));
    finished.update();
    expect(finished.reveal()).toBe(true);
    expect(types(done)).toEqual(['aid_shown', 'walkthrough_started', 'step_shown open']);
  });
});
